/** Plain-text reports of traces and simulations for the terminal. */
import { formatFraction, formatPercent } from "../math/fraction.js";
import { hex } from "../math/hex.js";
import type { Outcome, Step } from "../trace/engine.js";
import type { Trace, TraceOutcome } from "../trace/trace.js";
import { SimulationWarnings, type SimulationEvent } from "../trace/simulate.js";
import { warningConnections } from "../views/simulation-warnings.js";
import { tupleText } from "../trace/packet.js";

function where(o: TraceOutcome): string {
  if (o.verdict !== "accepted") return `${o.verdict}${o.rejectWith ? ` (${o.rejectWith})` : ""}: ${o.reason ?? ""}`;
  if (o.delivery === "local") return `accepted, delivered to ${o.after.dst}:${o.after.dport} on this node`;
  return `accepted, sent out of ${o.outInterface}${o.nextHop && o.nextHop !== o.after.dst ? ` toward ${o.nextHop}` : ""}`;
}

/** How the packet's addresses after NAT are introduced: what a server sees, or, when none does, where the packet ended. */
function whatIsSeen(o: TraceOutcome): string {
  if (o.verdict === "dropped" || o.verdict === "rejected") return `no server sees it: ${o.verdict} as`;
  if (o.verdict === "uncertain") return "undecided: the packet was then";
  return o.followUp && o.followUp.reply.length === 0 ? "it leaves as" : "the server sees";
}

/** Which Service port the outcome reached, in words. */
function serviceText(o: TraceOutcome): string {
  if (o.service) return `Service port ${o.service}`;
  return o.verdict === "uncertain" ? "no Service port reached before that rule" : "no Service rule matched";
}

function stepLine(s: Step): string {
  const place = s.kind === "rule" || s.kind === "policy" ? `${s.hook} ${s.table} ${s.chain}` : s.kind;
  const line = s.line !== null ? `line ${s.line}` : "";
  const verdict = s.kind !== "rule" ? "" : s.matched ? "matched" : "no match";
  let text = `  ${place.padEnd(38)} ${line.padEnd(9)} ${verdict.padEnd(8)} ${s.kind === "rule" || s.kind === "policy" ? s.rule : ""}`.trimEnd();
  if (s.action) text += `\n  ${"".padEnd(57)}-> ${s.action}`;
  if (s.reason) text += `\n  ${"".padEnd(57)}${s.matched ? "because" : "why not"}: ${s.reason}`;
  if (s.probability) text += `\n  ${"".padEnd(57)}branch probability ${formatFraction(s.probability)} (${formatPercent(s.probability)})`;
  return text;
}

/** A readable report: the outcomes, then the steps of each with line numbers. */
export function traceReport(t: Trace, file: string): string {
  const out: string[] = [];
  const from = t.origin.local ? "made by a process on the node" : `arriving on ${t.origin.interface}`;
  out.push(`${tupleText(t.packet)}, ${from}${t.origin.inferred ? " (inferred from the routes)" : ""}`);
  out.push("");
  out.push(`${t.outcomes.length} outcome${t.outcomes.length === 1 ? "" : "s"} (probabilities are exact; the kernel's statistic values are n/2^31):`);
  t.outcomes.forEach((o, i) => {
    out.push(`  #${i + 1}  ${formatPercent(o.probability).padStart(8)}  ${formatFraction(o.probability).padEnd(24)} ${where(o)}; ${serviceText(o)}`);
    if (o.dnat) out.push(`        DNAT ${o.dnat.from} -> ${o.dnat.to}${o.dnat.line ? ` (${file}:${o.dnat.line}, ${o.dnat.chain})` : ""}`);
    if (o.snat) out.push(`        ${o.snat.target} ${o.snat.from} -> ${o.snat.to}${o.snat.line ? ` (${file}:${o.snat.line})` : ""}: ${o.snat.why}`);
    out.push(`        mark ${hex(o.mark)}; ${whatIsSeen(o)} ${o.after.src}:${o.after.sport} -> ${o.after.dst}:${o.after.dport}`);
    if (o.followUp) {
      const r = o.followUp.reply[0];
      if (!r) out.push(`        no reply: nothing owns ${o.after.dst} (see the warning below)`);
      else out.push(`        reply: ${r.before.src}:${r.before.sport} -> ${r.before.dst}:${r.before.dport} on ${r.inInterface ?? "the node"}, the client gets ${r.after.src}:${r.after.sport} -> ${r.after.dst}:${r.after.dport} (${r.verdict})`);
    }
  });
  if (t.warnings.length) {
    out.push("");
    out.push("Warnings:");
    for (const w of t.warnings) out.push(`  ${w}`);
  }
  t.outcomes.forEach((o, i) => {
    out.push("");
    out.push(`Outcome #${i + 1} (${formatPercent(o.probability)}), step by step:`);
    for (const s of o.steps) out.push(stepLine(s));
    if (o.followUp) {
      for (const [label, list] of [["The client's next packet (ESTABLISHED)", o.followUp.original], ["The reply", o.followUp.reply]] as const) {
        for (const p of list) {
          out.push(`  ${label}: ${p.verdict}`);
          for (const s of p.steps.filter((x) => x.matched)) out.push(`  ${stepLine(s)}`);
        }
      }
    }
  });
  return out.join("\n");
}

/** A simulation timeline: one line per connection, then the affinity lists at the end. */
export function simulationReport(events: Iterable<SimulationEvent>): string {
  const out: string[] = [];
  let last: SimulationEvent | undefined;
  const warnings = new SimulationWarnings();
  for (const e of events) {
    last = e;
    warnings.add(e);
    const o = e.possible[e.chosen];
    const c = e.connection;
    const label = c.label ? `${c.label}: ` : "";
    const to = o.verdict === "accepted" ? `-> ${o.after.dst}:${o.after.dport}` : o.verdict;
    const odds = `(${formatPercent(o.probability)} given the state then)`;
    out.push(`t=${String(c.time).padStart(6)}s  ${label}${c.src} -> ${c.dst}:${c.dport}  ${to}  ${odds}`);
  }
  if (last) {
    out.push("");
    out.push("xt_recent lists at the end:");
    for (const [name, entries] of last.recent) for (const e of entries) out.push(`  ${name}  ${e.address}  last seen t=${e.stamps[e.stamps.length - 1]}s  (${e.stamps.length} hits)`);
  }
  // As trace prints them, but each once: a timeline repeats the same warning for every connection it concerns.
  const distinct = warnings.list();
  if (distinct.length) {
    out.push("");
    out.push("Warnings:");
    for (const w of distinct) {
      out.push(`  ${w.text}`);
      out.push(`    ${warningConnections(w, (c) => `t=${c.time}s`)}`);
    }
  }
  return out.join("\n");
}
