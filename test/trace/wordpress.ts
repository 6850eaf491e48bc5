// Shared loading of the bundled wordpress example for simulator tests.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadNodeContext, parseDump, traceConnection, type ConnectionSpec, type TraceOutcome } from "../../lib/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const parsed = parseDump(readFileSync(`${root}data/wordpress/iptables-save.txt`, "utf8"), { file: "iptables-save.txt" });
if (parsed.errors.length) throw new Error(`wordpress dump has errors: ${parsed.errors[0].message}`);

export const dump = parsed.dump;
export const node = loadNodeContext(JSON.parse(readFileSync(`${root}data/wordpress/node.json`, "utf8")));

/** Trace with the wordpress dump and node. */
export function trace(spec: ConnectionSpec) {
  return traceConnection(dump, node, spec);
}

/** Lines of the matched rules of one table, in order. */
export function matchedLines(o: TraceOutcome, table: string): number[] {
  return o.steps.filter((s) => s.kind === "rule" && s.table === table && s.matched).map((s) => s.line!);
}

/** `ip:port` of the destination after NAT. */
export function destination(o: TraceOutcome): string {
  return `${o.after.dst}:${o.after.dport}`;
}
