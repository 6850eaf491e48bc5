/**
 * The explorer's worker: it keeps the parsed dump and the node, and answers
 * the page's questions with the library's own functions, so the page stays
 * responsive while a large dump is parsed or a trace is drawn.
 */
import { parseDump, type ParseResult } from "../lib/parse/parser.js";
import { formatDiagnostic, nonUtf8Warning, withEncodingWarning } from "../lib/parse/errors.js";
import { services as findServices, type KubeService } from "../lib/services/catalog.js";
import { checkIpJson, loadNodeContext, nodeFromIpJson, type NodeContext } from "../lib/node/context.js";
import { loadJsonText } from "../lib/json/input.js";
import { traceConnection, type Trace } from "../lib/trace/trace.js";
import { simulateConnections, simulationWarnings, type TimedConnection } from "../lib/trace/simulate.js";
import type { Outcome } from "../lib/trace/engine.js";
import type { Diagnostic } from "../lib/model/dump.js";
import { formatCidr, type Cidr } from "../lib/model/address.js";
import { toJson } from "../lib/json/json-text.js";
import { traceJson } from "../lib/json/trace-json.js";
import { serviceLabel } from "../lib/views/labels.js";
import { serviceCatalogTable } from "../lib/views/catalog-table.js";
import { outcomeTable } from "../lib/views/outcome-table.js";
import { traceSankey } from "../lib/views/trace-sankey.js";
import { rulePathTable } from "../lib/views/rule-path.js";
import { markTable } from "../lib/views/mark-table.js";
import { dnatTable } from "../lib/views/dnat-table.js";
import { snatTable } from "../lib/views/snat-table.js";
import { affinityTable } from "../lib/views/affinity-table.js";
import { hookMap } from "../lib/views/hook-map.js";
import { simulationSankey } from "../lib/views/simulation-sankey.js";
import { escapeHtml } from "../lib/views/escape.js";
import { engineText } from "../lib/views/engine-text.js";
import { warningConnections } from "../lib/views/simulation-warnings.js";
import { formatPercent } from "../lib/math/fraction.js";
import { firstNonUtf8, utf8Length } from "../lib/math/utf8.js";
import { DUMP_TEXT, NODE_TEXT } from "./example-data.js";
import { findExample, findNode } from "./examples.js";
import type { ConnectionRequest, DumpSource, Loaded, NodeBrief, NodeSource, Reply, Request, ServiceBrief, Simulated, Traced } from "./protocol.js";
import { commandLine, nodeContextCommand } from "./command-line.js";
import { byteSize, characterCount } from "./sizes.js";
import { addPhrases, setLanguage, t } from "../lib/i18n/language.js";
import { EXPLORER_TEMPLATES_ZH_CN, EXPLORER_ZH_CN } from "./zh-CN.js";

addPhrases("zh-CN", EXPLORER_ZH_CN, "explorer/zh-CN.ts");
addPhrases("zh-CN", EXPLORER_TEMPLATES_ZH_CN, "explorer/zh-CN.ts", { sentences: false });

/** What the worker holds between questions. */
interface Held {
  parsed: ParseResult;
  /** The dump's warnings as the command line gives them: the parser's, and a byte that is not UTF-8. */
  warnings: Diagnostic[];
  services: KubeService[];
  node: NodeContext | null;
  /** The names the command line would be given for the same files. */
  dumpName: string;
  nodeName: string;
  /** The command that writes the node file first, when the node came from `ip -j` output. */
  nodeCommand: string | null;
}

/** A run of rules of one chain that did not match is shown in full up to this length (KUBE-SERVICES of a large dump is thousands). */
const RUN_SHOWN = 24;

/** Lists of diagnostics are cut here; the page says how many more there were. */
const MAX_LISTED = 200;

let held: Held | null = null;

const post = (reply: Reply) => (self as unknown as { postMessage(m: Reply): void }).postMessage(reply);

/** Decode bytes as the command line reads a file (UTF-8, bad bytes replaced, a byte order mark kept). */
function decodeFile(bytes: ArrayBuffer): string {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}

/** The dump's text and, for a file whose bytes are not all UTF-8, the command line's warning about them. */
function dumpText(source: DumpSource): { name: string; text: string; encoding: Diagnostic | null } {
  if (source.kind === "example") {
    const example = findExample(source.id);
    if (!example || DUMP_TEXT[source.id] === undefined) throw new Error(`no bundled example named '${source.id}'`);
    return { name: example.dumpPath, text: DUMP_TEXT[source.id], encoding: null };
  }
  if (source.kind === "file") {
    const text = decodeFile(source.bytes);
    // Decoding turned every byte that is not UTF-8 into U+FFFD: only then is the file looked at byte by byte.
    const odd = text.includes("\uFFFD") ? firstNonUtf8(new Uint8Array(source.bytes)) : null;
    return { name: source.name, text, encoding: odd && nonUtf8Warning(source.name, odd) };
  }
  // A paste is text already: the browser decoded it, there are no bytes to look at.
  return { name: source.name, text: source.text, encoding: null };
}

/** What `ip -j addr` or `ip -j route` printed, checked against its schema (errors located in the file). */
function ipJson(kind: "ipAddr" | "ipRoute", file: { name: string; text: string }): unknown {
  return loadJsonText(file.text, file.name, (value, name) => (checkIpJson(kind, value, name), value));
}

function loadNode(source: NodeSource): { node: NodeContext; name: string; command: string | null } {
  if (source.kind === "example") {
    const info = findNode(source.id);
    if (!info || NODE_TEXT[source.id] === undefined) throw new Error(`no bundled node named '${source.id}'`);
    return { node: loadJsonText(NODE_TEXT[source.id], info.path, loadNodeContext), name: info.path, command: null };
  }
  // The same schema check as the command line's, compiled ahead of time (the page's policy forbids eval), errors at their line.
  if (source.kind === "json") return { node: loadJsonText(source.text, source.name, loadNodeContext), name: source.name, command: null };
  const description = nodeFromIpJson(ipJson("ipAddr", source.addr), ipJson("ipRoute", source.route), source.name || "node", { addr: source.addr.name, route: source.route.name });
  if (source.clusterCIDR) description.clusterCIDR = source.clusterCIDR;
  if (source.podCIDR) description.podCIDR = source.podCIDR;
  if (source.serviceCIDR) description.serviceCIDR = source.serviceCIDR;
  return { node: loadNodeContext(description, t("the node built from {} and {}", source.addr.name, source.route.name)), name: "node.json", command: nodeContextCommand(source, "node.json") };
}

function listDiagnostics(list: readonly Diagnostic[], lines: () => string[]): { text: string; line: string }[] {
  return list.slice(0, MAX_LISTED).map((d) => ({ text: formatDiagnostic(d), line: lines()[d.line - 1] ?? "" }));
}

function briefService(s: KubeService): ServiceBrief {
  return {
    id: s.id, label: serviceLabel(s), protocol: s.protocol, clusterIP: s.clusterIP, port: s.port, nodePort: s.nodePort,
    externalIPs: s.externalIPs, loadBalancerIPs: s.loadBalancerIPs,
    endpoints: s.endpoints.map((e) => ({ ip: e.ip, port: e.port, local: e.local })),
    affinitySeconds: s.affinity?.timeoutSeconds ?? null,
  };
}

function briefNode(n: NodeContext): NodeBrief {
  const cidr = (c: Cidr | null) => (c ? formatCidr(c) : null);
  return {
    name: n.name,
    interfaces: n.interfaces.map((i) => ({ name: i.name, addresses: i.addresses.map((a) => `${a.address}/${a.prefix}`) })),
    routes: n.routes.filter((r) => r.dev !== null).map((r) => ({ dst: formatCidr(r.dst), via: r.via, dev: r.dev! })),
    clusterCIDR: cidr(n.clusterCIDR), podCIDR: cidr(n.podCIDR), serviceCIDR: cidr(n.serviceCIDR),
    peers: n.peers.map((p) => ({ name: p.name, address: p.address, podCIDR: p.podCIDR })),
  };
}

function load(id: number, dump: DumpSource, nodeSource: NodeSource): Loaded {
  const t0 = performance.now();
  post({ type: "progress", id, stage: dump.kind === "file" ? t("decoding {} ({})", dump.name, byteSize(dump.bytes.byteLength)) : t("reading the dump") });
  const { name, text, encoding } = dumpText(dump);
  const t1 = performance.now();
  post({ type: "progress", id, stage: t("parsing {} ({})", name, characterCount(text.length)) });
  const parsed = parseDump(text, { file: name });
  // Among the parser's warnings in line order, as the command line prints them.
  const warnings = withEncodingWarning(parsed.warnings, encoding);
  const t2 = performance.now();
  let lineCache: string[] | null = null;
  const lines = () => (lineCache ??= text.split("\n"));
  let rules = 0;
  for (const table of parsed.dump.tables) for (const chain of table.chains) rules += chain.rules.length;
  const ok = parsed.errors.length === 0;
  let list: KubeService[] = [];
  if (ok) {
    post({ type: "progress", id, stage: t("finding the Services in {} rules", rules) });
    list = findServices(parsed.dump);
  }
  const t3 = performance.now();
  let node: NodeContext | null = null;
  let nodeName = "node.json";
  let nodeCommand: string | null = null;
  let nodeError: string | null = null;
  try {
    const loaded = loadNode(nodeSource);
    node = loaded.node;
    nodeName = loaded.name;
    nodeCommand = loaded.command;
  } catch (e) {
    nodeError = (e as Error).message;
  }
  held = ok ? { parsed, warnings, services: list, node, dumpName: name, nodeName, nodeCommand } : null;
  return {
    file: name,
    bytes: dump.kind === "file" ? dump.bytes.byteLength : utf8Length(text),
    lines: text.length === 0 ? 0 : lines().length - (text.endsWith("\n") ? 1 : 0),
    rules,
    errors: listDiagnostics(parsed.errors, lines),
    warnings: listDiagnostics(warnings, lines),
    moreErrors: Math.max(0, parsed.errors.length - MAX_LISTED),
    moreWarnings: Math.max(0, warnings.length - MAX_LISTED),
    services: ok ? list.map(briefService) : null,
    node: node ? briefNode(node) : null,
    nodeError,
    catalogHtml: ok && list.length <= 500 ? serviceCatalogTable(list) : "",
    timings: { decode: t1 - t0, parse: t2 - t1, services: t3 - t2 },
  };
}

function outcomeTitle(o: Outcome, i: number): string {
  const where = o.verdict === "accepted" ? (o.dnat ? t("to {}", `${o.after.dst}:${o.after.dport}`) : o.delivery === "local" ? t("delivered on the node") : t("out of {}", String(o.outInterface))) : t(o.verdict);
  return `#${i + 1} (${formatPercent(o.probability)}) ${where}`;
}

function followUpHtml(o: Trace["outcomes"][number]): string {
  if (!o.followUp) return `<p class="note">${escapeHtml(o.verdict === "accepted" ? t("No later packets were traced.") : t("The connection ends here: nothing follows."))}</p>`;
  const parts: string[] = [];
  o.followUp.original.forEach((p, i) => parts.push(rulePathTable(p, { title: `${t("The client's next packet")}${o.followUp!.original.length > 1 ? ` (${i + 1})` : ""}: ${t(p.verdict)}` })));
  if (o.followUp.reply.length === 0) parts.push(`<p class="note">${escapeHtml(t("No reply is traced for this outcome."))}</p>`);
  o.followUp.reply.forEach((p, i) =>
    parts.push(rulePathTable(p, { title: `${t("The reply")}${o.followUp!.reply.length > 1 ? ` (${i + 1})` : ""}: ${p.before.src}:${p.before.sport} -> ${p.before.dst}:${p.before.dport}${t(", ")}${t("the client gets {}", `${p.after.src}:${p.after.sport} -> ${p.after.dst}:${p.after.dport}`)} (${t(p.verdict)})` })),
  );
  return parts.join("\n");
}

function requireHeld(): Held & { node: NodeContext } {
  if (!held) throw new Error("no dump is loaded without errors");
  if (!held.node) throw new Error("no usable node description: choose or load one");
  return held as Held & { node: NodeContext };
}

function trace(connection: ConnectionRequest): Traced {
  const h = requireHeld();
  const t0 = performance.now();
  const t = traceConnection(h.parsed.dump, h.node, connection);
  const milliseconds = performance.now() - t0;
  return {
    json: toJson(traceJson(t, h.warnings)),
    // The trace's own warnings, as `trace --json` gives them (its `warnings`).
    warnings: t.warnings,
    command: [h.nodeCommand, commandLine(h.dumpName, h.nodeName, connection)].filter(Boolean).join("\n"),
    summaryHtml: outcomeTable(t, { title: "Where the connection goes" }),
    sankeyHtml: traceSankey(t, { services: h.services, id: "explorer-trace" }),
    outcomes: t.outcomes.map((o, i) => ({
      title: outcomeTitle(o, i),
      hooksHtml: hookMap({ dump: h.parsed.dump, outcome: o, id: `explorer-hooks-${i + 1}`, title: `Where the packet goes through netfilter (outcome #${i + 1}; the reply dashed)` }),
      pathHtml: rulePathTable(o, { title: `Every rule met, in order (outcome #${i + 1})`, maxRun: RUN_SHOWN }),
      markHtml: markTable(o, h.parsed.dump, { title: "Marks" }),
      natHtml: dnatTable(o) + snatTable(o),
      followUpHtml: followUpHtml(o),
    })),
    milliseconds,
  };
}

function simulate(connections: TimedConnection[], seed: number): Simulated {
  const h = requireHeld();
  const events = simulateConnections(h.parsed.dump, h.node, connections, { seed });
  const rows = events.map((e, i) => {
    const o = e.possible[e.chosen];
    const c = e.connection;
    const to = o.verdict === "accepted" ? `${o.after.dst}:${o.after.dport}` : o.verdict;
    const lists = [...e.recent].map(([name, entries]) => `${name}: ${entries.map((x) => x.address).join(", ")}`).join("; ");
    return `<tr><td class="kil-num">${i + 1}</td><td class="kil-num">${escapeHtml(c.time)}</td><td>${escapeHtml(c.label ?? "")}</td><td><code>${escapeHtml(`${c.src} -> ${c.dst}:${c.dport}`)}</code></td><td><code>${escapeHtml(to)}</code></td><td>${escapeHtml(t("{} of {} possible", formatPercent(o.probability), e.possible.length))}</td><td>${escapeHtml(lists || t("empty"))}</td></tr>`;
  });
  const caption = t("Each connection in time order: the endpoint the seeded draw chose, its chance given the lists at that moment, and the recent lists after it");
  const heads = ["#", "time (s)", "label", "connection", "went to", "chance then", "recent lists after"].map((h, i) => `<th${i < 2 ? ' class="kil-num"' : ""}>${escapeHtml(h === "#" ? h : t(h))}</th>`);
  const timelineHtml = `<table class="timeline"><caption>${escapeHtml(caption)}</caption><thead><tr>${heads.join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
  const last = events[events.length - 1];
  // Numbered as the table's rows are: "#" is the connection's place in time order.
  const warnings = simulationWarnings(events).map((w) => ({ text: engineText(w.text), connections: warningConnections(w, (c) => `#${c.number}`) }));
  return {
    warnings,
    timelineHtml,
    recentHtml: last ? affinityTable(last.recent, last.connection.time, { services: h.services, title: t("The recent lists at t={}s", last.connection.time) }) : "",
    sankeyHtml: events.length ? simulationSankey(events, { id: "explorer-simulation" }) : "",
  };
}

self.onmessage = (event: MessageEvent<Request>) => {
  const request = event.data;
  try {
    if (request.lang !== undefined) setLanguage(request.lang);
    if (request.type === "load") post({ type: "loaded", id: request.id, loaded: load(request.id, request.dump, request.node) });
    else if (request.type === "trace") post({ type: "traced", id: request.id, traced: trace(request.connection) });
    else if (request.type === "simulate") post({ type: "simulated", id: request.id, simulated: simulate(request.connections, request.seed) });
  } catch (e) {
    post({ type: "failed", id: request.id, message: e instanceof Error ? e.message : String(e) });
  }
};
