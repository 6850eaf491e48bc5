/**
 * The explorer's question, kept in the page address after `#`, so a link
 * (on a slide, in a lesson) opens the same question:
 *
 *   #v=1&dump=wordpress&src=172.16.1.100&dst=10.254.42.62:80&proto=tcp
 *
 * `in=IFACE` or `local=1` say where the packet starts (inferred from the
 * node's routes when neither is given); `src=IP:PORT` sets the source port.
 * `node=ID` picks another bundled node than the example's own. `v` is the
 * format's version: links made today keep working when it grows. A dump a
 * user pasted or opened never goes into the address.
 */
import type { ConnectionRequest } from "./protocol.js";

/** The version of the address format this page writes. */
export const STATE_VERSION = 1;

export interface ExplorerState {
  /** A bundled example's id. */
  dump: string | null;
  /** A bundled node's id, when not the example's own. */
  node: string | null;
  /** `IP` or `IP:PORT`. */
  src: string | null;
  /** `IP:PORT`. */
  dst: string | null;
  proto: "tcp" | "udp" | "sctp" | null;
  in: string | null;
  local: boolean;
}

export const EMPTY_STATE: ExplorerState = { dump: null, node: null, src: null, dst: null, proto: null, in: null, local: false };

const PROTOCOLS = ["tcp", "udp", "sctp"] as const;

/** Read the state from a location hash (`#v=1&...`); unknown keys are ignored, problems are listed. */
export function readState(hash: string): { state: ExplorerState; problems: string[] } {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const problems: string[] = [];
  const version = params.get("v");
  if (version !== null && version !== String(STATE_VERSION)) {
    problems.push(`this link was written in format v=${version}; this page reads v=${STATE_VERSION} and uses what it understands`);
  }
  const text = (key: string) => {
    const v = params.get(key);
    return v === null || v.trim() === "" ? null : v.trim();
  };
  const proto = text("proto");
  if (proto !== null && !(PROTOCOLS as readonly string[]).includes(proto)) problems.push(`proto=${proto}: expected tcp, udp or sctp`);
  return {
    state: {
      dump: text("dump"),
      node: text("node"),
      src: text("src"),
      dst: text("dst"),
      proto: PROTOCOLS.find((p) => p === proto) ?? null,
      in: text("in"),
      local: params.get("local") === "1",
    },
    problems,
  };
}

/** The hash for a state, keys in a fixed order, without the parts that are empty. */
export function writeState(state: ExplorerState): string {
  const params = new URLSearchParams();
  params.set("v", String(STATE_VERSION));
  if (state.dump) params.set("dump", state.dump);
  if (state.node) params.set("node", state.node);
  if (state.src) params.set("src", state.src);
  if (state.dst) params.set("dst", state.dst);
  if (state.proto) params.set("proto", state.proto);
  if (state.local) params.set("local", "1");
  else if (state.in) params.set("in", state.in);
  // URLSearchParams writes ':' as %3A; addresses read better with it as is.
  return "#" + params.toString().replace(/%3A/gi, ":");
}

/** `IP` or `IP:PORT`, as the command line's --src and --dst take them. */
export function splitHostPort(text: string): { ip: string; port: number | null } | null {
  const m = /^([0-9.]+)(?::([0-9]+))?$/.exec(text.trim());
  if (!m) return null;
  return { ip: m[1], port: m[2] === undefined ? null : Number(m[2]) };
}

/** The connection a state asks for, or the reason it is not complete. */
export function connectionOfState(state: ExplorerState): { connection: ConnectionRequest } | { problem: string } {
  if (!state.src) return { problem: "choose a client: its source address (IP or IP:PORT)" };
  if (!state.dst) return { problem: "choose a destination: IP:PORT" };
  const src = splitHostPort(state.src);
  if (!src) return { problem: `source '${state.src}': expected IP or IP:PORT` };
  const dst = splitHostPort(state.dst);
  if (!dst || dst.port === null) return { problem: `destination '${state.dst}': expected IP:PORT` };
  const connection: ConnectionRequest = {
    protocol: state.proto ?? "tcp",
    src: src.ip,
    dst: dst.ip,
    dport: dst.port,
    ...(src.port !== null ? { sport: src.port } : {}),
    ...(state.local ? { from: "local" as const } : state.in ? { from: { interface: state.in } } : {}),
  };
  return { connection };
}
