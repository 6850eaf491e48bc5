/** Packets and connections as the simulator sees them. */
import type { ConntrackState } from "../model/matches.js";

/** Transport protocols the simulator follows. */
export type Protocol = "tcp" | "udp" | "sctp";

/** Addresses and ports of a packet. */
export interface Tuple {
  protocol: Protocol;
  src: string;
  sport: number;
  dst: string;
  dport: number;
}

/** A packet in flight: its tuple, where it is, and its marks. */
export interface PacketState extends Tuple {
  /** Interface it arrived on (`null` for a locally generated packet). */
  inInterface: string | null;
  /** Interface it will leave by, once routed. */
  outInterface: string | null;
  /** skb->mark: per packet, starts at 0. */
  mark: number;
  /** Conntrack state as `-m conntrack --ctstate` sees it. */
  ctstate: ConntrackState;
}

/** What to trace: a new connection and where it starts. */
export interface ConnectionSpec {
  protocol?: Protocol;
  src: string;
  /** Source port; a fixed ephemeral port when not given, so traces are deterministic. */
  sport?: number;
  dst: string;
  dport: number;
  /** Where it starts: arriving on an interface, or made by a process on the node. Inferred from the routes when absent. */
  from?: { interface: string } | "local";
  /**
   * How conntrack sees the packet: `NEW` (default), the first packet of a new connection; or
   * `INVALID`, a packet conntrack cannot place in any connection (a stray RST, a segment outside
   * the window): it is not tracked, so the nat table is not consulted and nothing follows it.
   */
  ctstate?: "NEW" | "INVALID";
}

/** The source port used when a connection does not give one. */
export const DEFAULT_SOURCE_PORT = 40000;

/** `ip:port`. */
export function endpointText(ip: string, port: number): string {
  return `${ip}:${port}`;
}

/** `tcp 172.16.1.100:40000 -> 10.254.42.62:80`. */
export function tupleText(t: Tuple): string {
  return `${t.protocol} ${t.src}:${t.sport} -> ${t.dst}:${t.dport}`;
}

/** `IP` or `IP:PORT`, as the command line's --src and --dst and the explorer's fields take them; `null` when it is neither. */
export function splitHostPort(text: string): { ip: string; port: number | null } | null {
  const m = /^([0-9.]+)(?::([0-9]+))?$/.exec(text);
  return m ? { ip: m[1], port: m[2] === undefined ? null : Number(m[2]) } : null;
}
