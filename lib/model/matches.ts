/**
 * Match modules (`-m NAME ...`), one interface each, discriminated by `kind`.
 * Each field holds what the kernel stores, so two spellings of the same
 * rule give the same model.
 */
import type { Cidr } from "./address.js";
import type { Negatable } from "./dump.js";

/** An inclusive port range; a single port has `min === max`. */
export interface PortRange {
  min: number;
  max: number;
}

/** `-m tcp`: ports, flags, option. */
export interface TcpMatch {
  kind: "tcp";
  sport?: Negatable<PortRange>;
  dport?: Negatable<PortRange>;
  /** `--tcp-option N`. */
  option?: Negatable<number>;
  /** `--tcp-flags MASK COMP` (`--syn` is `FIN,SYN,RST,ACK SYN`); flag bits as in the TCP header. */
  flags?: Negatable<{ mask: number; comp: number }>;
}

/** `-m udp`: ports. */
export interface UdpMatch {
  kind: "udp";
  sport?: Negatable<PortRange>;
  dport?: Negatable<PortRange>;
}

/** `-m sctp`: ports; chunk-type matching is kept as text. */
export interface SctpMatch {
  kind: "sctp";
  sport?: Negatable<PortRange>;
  dport?: Negatable<PortRange>;
  /** `--chunk-types` arguments as written (not simulated). */
  chunkTypes?: Negatable<string[]>;
}

/** `-m multiport`: up to 15 ports or ranges. */
export interface MultiportMatch {
  kind: "multiport";
  /** `--sports`, `--dports` or `--ports` (either side). */
  direction: "source" | "destination" | "either";
  ports: PortRange[];
  invert: boolean;
}

/** `-m comment`: never affects matching. */
export interface CommentMatch {
  kind: "comment";
  text: string;
}

/** `-m mark --mark V/M`: true when `(mark & M) == V`. */
export interface MarkMatch {
  kind: "mark";
  value: number;
  mask: number;
  invert: boolean;
}

/** Conntrack states as the kernel names them. */
export type ConntrackState = "INVALID" | "NEW" | "RELATED" | "ESTABLISHED" | "UNTRACKED" | "SNAT" | "DNAT";

/** `-m conntrack`. */
export interface ConntrackMatch {
  kind: "conntrack";
  ctstate?: Negatable<ConntrackState[]>;
  ctproto?: Negatable<string>;
  ctorigsrc?: Negatable<Cidr>;
  ctorigdst?: Negatable<Cidr>;
  ctreplsrc?: Negatable<Cidr>;
  ctrepldst?: Negatable<Cidr>;
  ctorigsrcport?: Negatable<PortRange>;
  ctorigdstport?: Negatable<PortRange>;
  ctreplsrcport?: Negatable<PortRange>;
  ctrepldstport?: Negatable<PortRange>;
  ctstatus?: Negatable<string[]>;
  ctexpire?: Negatable<{ min: number; max: number }>;
  ctdir?: "ORIGINAL" | "REPLY";
}

/** `-m state --state ...` (the older spelling of `--ctstate`). */
export interface StateMatch {
  kind: "state";
  states: Negatable<ConntrackState[]>;
}

/** Address types of `-m addrtype`. */
export type AddressType =
  | "UNSPEC" | "UNICAST" | "LOCAL" | "BROADCAST" | "ANYCAST" | "MULTICAST"
  | "BLACKHOLE" | "UNREACHABLE" | "PROHIBIT" | "THROW" | "NAT" | "XRESOLVE";

/** `-m addrtype`: the kind of address, by the node's routing table (LOCAL = one of its own). */
export interface AddrtypeMatch {
  kind: "addrtype";
  srcType?: Negatable<AddressType[]>;
  dstType?: Negatable<AddressType[]>;
  limitIfaceIn: boolean;
  limitIfaceOut: boolean;
}

/** A probability as the kernel keeps it: an integer out of 2^31. */
export interface KernelProbability {
  /** The text as it appeared in the dump, e.g. `0.33332999982`. */
  printed: string;
  /** `round(p * 2^31)`: the rule matches when a random 31-bit number is below it. */
  kernel: number;
  /** `kernel / 2^31` as a number, for display. */
  value: number;
}

/** `-m statistic --mode random --probability P`. */
export interface StatisticRandomMatch {
  kind: "statistic";
  mode: "random";
  probability: KernelProbability;
  invert: boolean;
}

/** `-m statistic --mode nth --every N --packet P`. */
export interface StatisticNthMatch {
  kind: "statistic";
  mode: "nth";
  every: number;
  packet: number;
  invert: boolean;
}

/** `-m statistic`, either mode. */
export type StatisticMatch = StatisticRandomMatch | StatisticNthMatch;

/** `-m recent`: named lists of recently seen addresses (kube-proxy's ClientIP affinity). */
export interface RecentMatch {
  kind: "recent";
  command: "set" | "rcheck" | "update" | "remove";
  invert: boolean;
  /** `--seconds S`, 0 when absent. */
  seconds: number;
  /** `--hitcount N`, 0 when absent. */
  hitcount: number;
  rttl: boolean;
  reap: boolean;
  /** List name (`DEFAULT` when not given). */
  name: string;
  /** Address mask, dotted quad (`255.255.255.255` by default). */
  mask: string;
  /** Which address is recorded: the source (`--rsource`, default) or destination (`--rdest`). */
  side: "source" | "dest";
}

/** `-m physdev`: bridge port matching (kept and printed; simulated only as far as the node description allows). */
export interface PhysdevMatch {
  kind: "physdev";
  physdevIn?: Negatable<string>;
  physdevOut?: Negatable<string>;
  isIn?: Negatable<true>;
  isOut?: Negatable<true>;
  isBridged?: Negatable<true>;
}

/** `-m set --match-set NAME FLAGS`: ipset membership (kept; sets are not in a dump, so never simulated). */
export interface SetMatch {
  kind: "set";
  name: string;
  flags: ("src" | "dst")[];
  invert: boolean;
  /** Further options as written (`--return-nomatch`, `! --update-counters`, ...). */
  options: string[];
}

/** `-m socket`: an existing local socket for the packet. */
export interface SocketMatch {
  kind: "socket";
  transparent: boolean;
  nowildcard: boolean;
  restoreSkmark: boolean;
}

/** An ICMP type and code as `-m icmp --icmp-type` gives them. */
export interface IcmpType {
  /** 0 to 254, or 255 for `any`. */
  type: number;
  /** One code, or null for every code of the type. */
  code: number | null;
}

/** `-m icmp --icmp-type T[/C]` (iptables-save prints the type by number, or `any`). */
export interface IcmpMatch {
  kind: "icmp";
  icmpType: Negatable<IcmpType>;
}

/** A module (or option) the kit does not model: kept with its text, printed back verbatim. */
export interface UnsupportedMatch {
  kind: "unsupported";
  /** Module name after `-m`, or `""` for a stray option. */
  module: string;
  /** The exact text of this part of the rule, e.g. `-m foo --bar 1`. */
  text: string;
  /** Why it is not modelled. */
  reason: string;
}

/** Any match module. */
export type Match =
  | TcpMatch | UdpMatch | SctpMatch | MultiportMatch | CommentMatch | MarkMatch
  | ConntrackMatch | StateMatch | AddrtypeMatch | StatisticMatch | RecentMatch
  | PhysdevMatch | SetMatch | SocketMatch | IcmpMatch | UnsupportedMatch;
