/**
 * Whether two rules are the same rule for the kernel, however each was
 * spelled: what `iptables -D CHAIN rule...` needs to find the rule to delete.
 * Parts the kernel does not keep are left out before comparing (an address
 * or port range that matches everything, the `+` interface, `-p all`, the
 * text a probability was written as, the position of a legacy `!`).
 */
import type { Cidr } from "./address.js";
import type { IpHeaderMatch, Negatable, Rule } from "./dump.js";
import type { Match, PortRange } from "./matches.js";

/** Whether `a` and `b` hold the same header, matches and target (line, text, counters and chain aside). */
export function sameRule(a: Rule, b: Rule): boolean {
  if (a.matches.length !== b.matches.length) return false;
  if (!sameValue(kernelHeader(a.ip), kernelHeader(b.ip))) return false;
  for (let k = 0; k < a.matches.length; k++) if (!sameValue(kernelMatch(a.matches[k]), kernelMatch(b.matches[k]))) return false;
  return sameValue(a.target, b.target);
}

const anyAddress = (c: Cidr) => c.prefix === 0;

/** The header as the kernel keeps it (`struct ipt_ip`). */
function kernelHeader(ip: IpHeaderMatch): IpHeaderMatch {
  const kept: IpHeaderMatch = {};
  if (ip.source && !(anyAddress(ip.source.value) && !ip.source.invert)) kept.source = { value: ip.source.value, invert: ip.source.invert };
  if (ip.destination && !(anyAddress(ip.destination.value) && !ip.destination.invert)) kept.destination = { value: ip.destination.value, invert: ip.destination.invert };
  if (ip.inInterface && ip.inInterface.value !== "+") kept.inInterface = { value: ip.inInterface.value, invert: ip.inInterface.invert };
  if (ip.outInterface && ip.outInterface.value !== "+") kept.outInterface = { value: ip.outInterface.value, invert: ip.outInterface.invert };
  if (ip.protocol && ip.protocol.value !== "all") kept.protocol = { value: ip.protocol.value, invert: ip.protocol.invert };
  if (ip.fragment) kept.fragment = { value: true, invert: ip.fragment.invert };
  return kept;
}

const everyPort = (p: Negatable<PortRange> | undefined) => p !== undefined && p.value.min === 0 && p.value.max === 65535;

/** A match as the kernel keeps it: libxt_tcp/udp drop a range of every port, a flag test with an empty mask tests nothing. */
function kernelMatch(m: Match): unknown {
  switch (m.kind) {
    case "tcp":
      return {
        ...m, sport: everyPort(m.sport) ? undefined : m.sport, dport: everyPort(m.dport) ? undefined : m.dport,
        flags: m.flags && (m.flags.value.mask !== 0 || m.flags.invert) ? m.flags : undefined,
      };
    case "udp":
      return { ...m, sport: everyPort(m.sport) ? undefined : m.sport, dport: everyPort(m.dport) ? undefined : m.dport };
    case "statistic":
      return m.mode === "random" ? { kind: m.kind, mode: m.mode, invert: m.invert, kernel: m.probability.kernel } : m;
    default:
      return m;
  }
}

/** Deep equality of plain data; a key holding undefined counts as absent, a legacy `!` position as no difference. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = (o: object) => Object.keys(o).filter((k) => k !== "legacyNegation" && (o as Record<string, unknown>)[k] !== undefined);
  const ka = keys(a), kb = keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
