/**
 * The messages between the explorer page and its worker. The worker holds
 * the parsed dump and the node and answers with plain data and with HTML
 * the library's views built (every dump text in it already escaped).
 */

/** Where a dump comes from. A file is sent as its bytes, so it is decoded exactly as the command line decodes it. */
export type DumpSource =
  | { kind: "example"; id: string }
  | { kind: "file"; name: string; bytes: ArrayBuffer }
  | { kind: "text"; name: string; text: string };

/** Where the node description comes from: a bundled node, the kit's node JSON, or `ip -j addr` and `ip -j route` output. */
export type NodeSource =
  | { kind: "example"; id: string }
  | { kind: "json"; name: string; text: string }
  | {
      kind: "ip";
      addr: { name: string; text: string };
      route: { name: string; text: string };
      name: string;
      clusterCIDR?: string;
      podCIDR?: string;
      serviceCIDR?: string;
    };

/** A connection as the page's form gives it (the worker checks every field, as the command line does). */
export interface ConnectionRequest {
  protocol: "tcp" | "udp" | "sctp";
  src: string;
  sport?: number;
  dst: string;
  dport: number;
  /** `local`: made by a process on the node; an interface name; absent: inferred from the routes. */
  from?: "local" | { interface: string };
}

/** One connection of an affinity timeline. */
export interface TimedRequest extends ConnectionRequest {
  time: number;
  label?: string;
}

/** A question for the worker; `lang` is the page's language, which the worker's views write in. */
export type Request = (
  | { type: "load"; id: number; dump: DumpSource; node: NodeSource }
  | { type: "trace"; id: number; connection: ConnectionRequest }
  | { type: "simulate"; id: number; connections: TimedRequest[]; seed: number }
) & { lang?: string };

/** A Service port, in brief, for the picker and the presets. */
export interface ServiceBrief {
  id: string;
  label: string;
  protocol: "tcp" | "udp" | "sctp";
  clusterIP: string | null;
  port: number | null;
  nodePort: number | null;
  externalIPs: string[];
  loadBalancerIPs: string[];
  endpoints: { ip: string; port: number; local: boolean | null }[];
  affinitySeconds: number | null;
}

/** The node, in brief: enough for presets and the interface list. */
export interface NodeBrief {
  name: string;
  interfaces: { name: string; addresses: string[] }[];
  routes: { dst: string; via: string | null; dev: string }[];
  clusterCIDR: string | null;
  podCIDR: string | null;
  serviceCIDR: string | null;
  peers: { name: string; address: string; podCIDR: string | null }[];
}

/** What loading a dump and a node gave. */
export interface Loaded {
  file: string;
  bytes: number;
  lines: number;
  rules: number;
  /** `FILE:LINE:COL: ...` lines, each with the offending line of the dump. */
  errors: { text: string; line: string }[];
  warnings: { text: string; line: string }[];
  /** How many more errors and warnings there were than the lists hold. */
  moreErrors: number;
  moreWarnings: number;
  /** Present when the dump parsed without errors. */
  services: ServiceBrief[] | null;
  node: NodeBrief | null;
  /** Why the node could not be used, when it could not. */
  nodeError: string | null;
  /** The Service catalog table (HTML from the views). */
  catalogHtml: string;
  /** Milliseconds spent decoding, parsing and recovering Services. */
  timings: { decode: number; parse: number; services: number };
}

/** One traced connection, as data and as the views draw it. */
export interface Traced {
  /** Exactly what `kube-iptables-lab trace --json` prints for the same input. */
  json: string;
  /** The same trace as the command line would run it (after the node-context command that writes the node file, when the node came from `ip -j` output). */
  command: string;
  /** What the trace warns about (a destination nothing owns, ...), as `trace --json` lists them. */
  warnings: string[];
  summaryHtml: string;
  sankeyHtml: string;
  outcomes: {
    title: string;
    /** The hook map with this outcome's path (and its reply's) drawn on it. */
    hooksHtml: string;
    pathHtml: string;
    markHtml: string;
    natHtml: string;
    followUpHtml: string;
  }[];
  milliseconds: number;
}

/** An affinity timeline. */
export interface Simulated {
  /** The traces' warnings, each distinct one once (translated), with the connections it was given for ("for 2 connections: #1, #3"). */
  warnings: { text: string; connections: string }[];
  timelineHtml: string;
  recentHtml: string;
  sankeyHtml: string;
}

export type Reply =
  | { type: "progress"; id: number; stage: string }
  | { type: "loaded"; id: number; loaded: Loaded }
  | { type: "traced"; id: number; traced: Traced }
  | { type: "simulated"; id: number; simulated: Simulated }
  | { type: "failed"; id: number; message: string };
