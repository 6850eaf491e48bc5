/**
 * Targets (`-j NAME ...` / `-g CHAIN`), one interface each, discriminated by `kind`.
 */

/** `-j CHAIN` (jump, returns) or `-g CHAIN` (goto: a RETURN goes back to the caller of the chain that did the goto). */
export interface JumpTarget {
  kind: "jump";
  chain: string;
  goto: boolean;
}

/** ACCEPT, DROP, RETURN or QUEUE. */
export interface VerdictTarget {
  kind: "ACCEPT" | "DROP" | "RETURN" | "QUEUE";
}

/** `-j REJECT --reject-with TYPE`. */
export interface RejectTarget {
  kind: "REJECT";
  /** ICMP type or `tcp-reset`; `icmp-port-unreachable` by default. */
  rejectWith: string;
}

/** `-j MARK`, normalised to the kernel's form: `mark = (mark & ~mask) ^ value`. */
export interface MarkTarget {
  kind: "MARK";
  value: number;
  mask: number;
}

/** `-j CONNMARK`: set the connection mark, or copy between packet and connection marks. */
export type ConnmarkTarget =
  | { kind: "CONNMARK"; mode: "set"; value: number; mask: number }
  | { kind: "CONNMARK"; mode: "save" | "restore"; nfmask: number; ctmask: number };

/** A NAT range: `ip[-ip][:port[-port]]`. */
export interface NatRange {
  minIp?: string;
  maxIp?: string;
  minPort?: number;
  maxPort?: number;
}

/** `-j DNAT --to-destination ...`. */
export interface DnatTarget {
  kind: "DNAT";
  ranges: NatRange[];
  random: boolean;
  persistent: boolean;
}

/** `-j SNAT --to-source ...`. */
export interface SnatTarget {
  kind: "SNAT";
  ranges: NatRange[];
  random: boolean;
  randomFully: boolean;
  persistent: boolean;
}

/** `-j MASQUERADE`: SNAT to the outgoing interface's address. */
export interface MasqueradeTarget {
  kind: "MASQUERADE";
  ports?: { min: number; max: number };
  random: boolean;
  randomFully: boolean;
}

/** `-j REDIRECT`: DNAT to the node itself. */
export interface RedirectTarget {
  kind: "REDIRECT";
  ports?: { min: number; max: number };
  random: boolean;
}

/** `-j LOG`: non-terminating. */
export interface LogTarget {
  kind: "LOG";
  prefix?: string;
  /** Syslog level, 4 (warning) by default. */
  level: number;
  tcpSequence: boolean;
  tcpOptions: boolean;
  ipOptions: boolean;
  uid: boolean;
  macDecode: boolean;
}

/** `-j NFLOG`: non-terminating. */
export interface NflogTarget {
  kind: "NFLOG";
  group: number;
  prefix?: string;
  size?: number;
  threshold?: number;
}

/** `-j CT` (and the older `-j NOTRACK`, which is `CT --notrack`). */
export interface CtTarget {
  kind: "CT";
  notrack: boolean;
  /** Written as `-j NOTRACK`. */
  legacyName: boolean;
  /** Other options as written (`--zone 1`, `--helper ftp`, ...). */
  options: string[];
}

/** `-j TRACE`: non-terminating, logs every rule the packet meets. */
export interface TraceTarget {
  kind: "TRACE";
}

/** A target the kit does not model: kept with its text, printed back verbatim. */
export interface UnsupportedTarget {
  kind: "unsupported";
  name: string;
  /** The exact text, e.g. `-j TOS --set-tos 0x10`. */
  text: string;
  reason: string;
}

/** Any target. */
export type Target =
  | JumpTarget | VerdictTarget | RejectTarget | MarkTarget | ConnmarkTarget
  | DnatTarget | SnatTarget | MasqueradeTarget | RedirectTarget | LogTarget
  | NflogTarget | CtTarget | TraceTarget | UnsupportedTarget;
