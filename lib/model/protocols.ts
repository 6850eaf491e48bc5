/**
 * Protocol numbers and the names iptables-save prints for them. The parser
 * reads names into numbers, the formatter and the simulator turn the model's
 * names back into numbers: the table lives here, below all three.
 */

/**
 * Protocol numbers iptables-save prints by name: the names of Debian's
 * /etc/protocols (netbase), which iptables looks up with getprotobynumber().
 * A number missing here is printed as a number, as iptables does.
 */
const PROTOCOL_NAMES: Record<number, string> = {
  1: "icmp", 2: "igmp", 3: "ggp", 4: "ipencap", 5: "st", 6: "tcp", 8: "egp", 9: "igp", 12: "pup", 17: "udp",
  20: "hmp", 22: "xns-idp", 27: "rdp", 29: "iso-tp4", 33: "dccp", 36: "xtp", 37: "ddp", 38: "idpr-cmtp",
  41: "ipv6", 43: "ipv6-route", 44: "ipv6-frag", 45: "idrp", 46: "rsvp", 47: "gre", 50: "esp", 51: "ah",
  57: "skip", 58: "ipv6-icmp", 59: "ipv6-nonxt", 60: "ipv6-opts", 73: "rspf", 81: "vmtp", 88: "eigrp",
  89: "ospf", 93: "ax.25", 94: "ipip", 97: "etherip", 98: "encap", 103: "pim", 108: "ipcomp", 112: "vrrp",
  115: "l2tp", 124: "isis", 132: "sctp", 133: "fc", 135: "mobility-header", 136: "udplite", 137: "mpls-in-ip",
  138: "manet", 139: "hip", 140: "shim6", 141: "wesp", 142: "rohc", 143: "ethernet",
};
// A Map: the parser looks up fresh strings, which cost more as object keys (see parse/rule.ts).
const PROTOCOL_NUMBERS = new Map<string, number>(Object.entries(PROTOCOL_NAMES).map(([n, name]) => [name, Number(n)]));

/** The number of a protocol name from /etc/protocols (lower case), or undefined when it is not one. */
export function protocolByName(name: string): number | undefined {
  return PROTOCOL_NUMBERS.get(name);
}

/** The model's name for a protocol number, as `-p` prints it: `tcp`, `all` for 0, else the number. */
export function protocolName(n: number): string {
  return n === 0 ? "all" : PROTOCOL_NAMES[n] ?? String(n);
}

/** The number of a protocol as the model names it (the inverse of protocolName). */
export function protocolNumber(name: string): number {
  return name === "all" ? 0 : PROTOCOL_NUMBERS.get(name) ?? Number(name);
}
