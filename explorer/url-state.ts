/**
 * The explorer's question, kept in the page address after `#` (the format is
 * lib/views/explorer-link.ts's, which lessons link with), so a link on a
 * slide or in a lesson opens the same question:
 *
 *   #v=1&dump=wordpress&src=172.16.1.100&dst=10.254.42.62:80&proto=tcp
 *
 * A dump a user pasted or opened never goes into the address.
 */
import { EXPLORER_FORMAT_VERSION, explorerHash } from "../lib/views/explorer-link.js";
import { splitHostPort } from "../lib/trace/packet.js";
import type { ConnectionRequest } from "./protocol.js";

/** Everything the address can say, each part null when it says nothing. */
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

const PROTOCOLS = ["tcp", "udp", "sctp"] as const;

/** Read the state from a location hash (`#v=1&...`); unknown keys are ignored, problems are listed. */
export function readState(hash: string): { state: ExplorerState; problems: string[] } {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const problems: string[] = [];
  const version = params.get("v");
  if (version !== null && version !== String(EXPLORER_FORMAT_VERSION)) {
    problems.push(`this link was written in format v=${version}; this page reads v=${EXPLORER_FORMAT_VERSION} and uses what it understands`);
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

/** The hash for a state, written by the library's own `explorerHash`. */
export function writeState(state: ExplorerState): string {
  return explorerHash(state);
}

/** The connection a state asks for, or the reason it is not complete. */
export function connectionOfState(state: ExplorerState): { connection: ConnectionRequest } | { problem: string } {
  if (!state.src) return { problem: "choose a client: its source address (IP or IP:PORT)" };
  if (!state.dst) return { problem: "choose a destination: IP:PORT" };
  const src = splitHostPort(state.src.trim());
  if (!src) return { problem: `source '${state.src}': expected IP or IP:PORT` };
  const dst = splitHostPort(state.dst.trim());
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
