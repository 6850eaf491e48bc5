/**
 * Where one connection can go: a trace's outcomes as a Sankey diagram, from
 * the first packet through the nat chains it jumps to, to the address it is
 * rewritten to and how it leaves the node (or where it is dropped). Band
 * widths are the outcomes' exact probabilities.
 */
import type { Outcome, Step, Trace } from "../trace/outcome.js";
import type { KubeService } from "../services/catalog.js";
import { ZERO, add, formatFraction, formatPercent, type Fraction } from "../math/fraction.js";
import { FlowBuilder, type FlowGraph, type FlowNodeKind } from "./flow.js";
import { chainMeaning, compactProbability } from "./labels.js";
import { renderSankey, type SankeyOptions } from "./sankey.js";
import { t } from "../i18n/language.js";
import { engineText } from "./engine-text.js";

/** Options of the trace layout. */
export interface TraceGraphOptions {
  /** Services of the dump, to say what each KUBE-SVC / KUBE-SEP chain means. */
  services?: readonly KubeService[];
}

/** Options of `traceSankey`. */
export interface TraceSankeyOptions extends SankeyOptions, TraceGraphOptions {}

/** A jump in the nat table on the way to the destination rewrite. */
interface Hop {
  chain: string;
  step: Step;
  affinity: boolean;
}

/** Whether a step is a rule that used an xt_recent check (ClientIP affinity). */
export function isAffinityStep(step: Step): boolean {
  return step.kind === "rule" && step.matched && /-m recent\b/.test(step.rule) && /--(rcheck|update)\b/.test(step.rule);
}

function jumpTarget(step: Step): string | null {
  if (step.kind !== "rule" || !step.matched || !step.action) return null;
  const m = /^(?:jump to|goto) (\S+)$/.exec(step.action);
  return m ? m[1] : null;
}

/** The user chains a packet jumped to in the nat table before its destination was rewritten (KUBE-MARK-* left out). */
export function natHops(o: Outcome): Hop[] {
  const hops: Hop[] = [];
  for (const s of o.steps) {
    if (s.table !== "nat" || (s.hook !== "PREROUTING" && s.hook !== "OUTPUT")) continue;
    const target = jumpTarget(s);
    if (target && !target.startsWith("KUBE-MARK-")) hops.push({ chain: target, step: s, affinity: isAffinityStep(s) });
  }
  return hops;
}

/** How an outcome ends, as a node: kind, label lines and tooltip. */
export function outcomeEnd(o: Outcome): { kind: FlowNodeKind; label: string[]; title: string } {
  if (o.verdict === "accepted") {
    if (o.delivery === "local") return { kind: "delivered", label: [t("delivered locally"), t("to {}", `${o.after.dst}:${o.after.dport}`)], title: t("delivered to a process on this node, {}", `${o.after.src}:${o.after.sport} -> ${o.after.dst}:${o.after.dport}`) };
    const src = o.snat ? t("as {}", `${o.snat.to} (${o.snat.target}${o.snat.line !== null ? ` ${t("line {}", o.snat.line)}` : ""})`) : t("source {} kept", `${o.after.src}:${o.after.sport}`);
    const out = o.outInterface ?? "?";
    return { kind: "delivered", label: [t("out of {}", out), src], title: `${t("leaves {} as {}", out, `${o.after.src}:${o.after.sport} -> ${o.after.dst}:${o.after.dport}`)}${o.snat ? `\n${t("source NAT: {}", engineText(o.snat.why))}` : ""}` };
  }
  const verdict = t(o.verdict);
  const label = o.line !== null ? t("{} at line {}", verdict, o.line) : verdict;
  if (o.verdict === "dropped") return { kind: "dropped", label: [label], title: o.reason != null ? engineText(o.reason) : verdict };
  if (o.verdict === "rejected") return { kind: "dropped", label: [label, o.rejectWith ?? ""].filter(Boolean), title: o.reason != null ? engineText(o.reason) : verdict };
  return { kind: "uncertain", label: [label], title: o.reason != null ? engineText(o.reason) : verdict };
}

function chainKind(name: string): FlowNodeKind {
  if (name.startsWith("KUBE-SVC-") || name.startsWith("KUBE-SVL-") || name.startsWith("KUBE-EXT-") || name.startsWith("KUBE-FW-")) return "service";
  if (name.startsWith("KUBE-SEP-")) return "endpoint-chain";
  if (name === "KUBE-SERVICES" || name === "KUBE-NODEPORTS") return "dispatch";
  return "chain";
}

/** Layout data of a trace: packet → nat chains → destination after DNAT → how it leaves; bands are outcome probabilities. */
export function traceGraph(trace: Trace, options: TraceGraphOptions = {}): FlowGraph {
  const b = new FlowBuilder();
  const p = trace.packet;
  const from = trace.origin.local ? t("from a process on this node") : t("arriving on {}", trace.origin.interface ?? "?");
  const entry = b.node("packet", "entry", [`${p.protocol} ${p.src}:${p.sport}`, `→ ${p.dst}:${p.dport}`, from]);
  const through = new Map<string, Fraction>();
  const paths = trace.outcomes.map((o) => {
    const hops = natHops(o);
    const ids: string[] = [entry];
    hops.forEach((h, i) => {
      const id = `hop:${i}:${h.chain}`;
      ids.push(id);
      through.set(id, add(through.get(id) ?? ZERO, o.probability));
    });
    return { o, hops, ids };
  });
  // The rules that lead into each chain node (a random or affinity rule is worth naming).
  const via = new Map<string, Set<string>>();
  for (const { hops, ids } of paths)
    hops.forEach((h, i) => {
      const set = via.get(ids[i + 1]) ?? new Set<string>();
      const p = /--probability (\S+)/.exec(h.step.rule);
      if (h.affinity) set.add(t("line {} (affinity)", String(h.step.line)));
      else if (p) set.add(`${t("line {}", String(h.step.line))} (p ${compactProbability(p[1])})`);
      else if (h.chain.startsWith("KUBE-SEP-")) set.add(t("line {}", String(h.step.line)));
      via.set(ids[i + 1], set);
    });
  for (const { o, hops, ids } of paths) {
    hops.forEach((h, i) => {
      const id = ids[i + 1];
      const meaning = chainMeaning(h.chain, options.services ?? []);
      const total = through.get(id)!;
      const label = [h.chain];
      if (meaning) label.push(`= ${meaning}`);
      const rules = [...via.get(id)!];
      label.push(rules.length ? t("{} of connections, via {}", formatPercent(total), rules.join(t(", "))) : t("{} of connections", formatPercent(total)));
      b.node(id, chainKind(h.chain), label, [...label, t("entered by line {}: {}", String(h.step.line), h.step.rule)].join("\n"));
    });
    const dest = `${o.after.dst}:${o.after.dport}`;
    const destId = `dest:${dest}`;
    const destLabel = o.dnat ? [dest, `DNAT${o.dnat.line !== null ? ` ${t("line {}", o.dnat.line)}` : ` (${o.dnat.target})`}`] : [dest, t("destination not rewritten")];
    b.node(destId, o.dnat ? "endpoint" : "chain", destLabel, o.dnat ? `${o.dnat.target} ${o.dnat.from} -> ${o.dnat.to}${o.dnat.chain ? ` ${t("in {}", o.dnat.chain)}` : ""}` : undefined);
    const end = outcomeEnd(o);
    const endId = b.node(`end:${end.label.join(" ")}`, end.kind, end.label, end.title);
    const chain = [...ids, destId, endId];
    for (let i = 0; i + 1 < chain.length; i++) {
      const hop = i < hops.length ? hops[i] : null;
      const affinity = hop?.affinity ?? false;
      let title = `${formatFraction(o.probability)} = ${formatPercent(o.probability)}`;
      let line: number | null = null;
      if (hop) {
        line = hop.step.line;
        const branch = hop.step.probability ? ` (${t("random: {}", formatFraction(hop.step.probability))}${statisticText(hop.step.rule)})` : "";
        title = `${t("line {}{}: {}", String(hop.step.line), branch, hop.step.rule)}\n${title}`;
        if (affinity) title = `${t("returning client: the xt_recent list already has the source")}\n${title}`;
      }
      b.link(chain[i], chain[i + 1], affinity ? "affinity" : "flow", { exact: o.probability }, line, title);
    }
  }
  return b.graph("probability", [], { unitLabel: "band width = exact probability of the outcome" });
}

function statisticText(rule: string): string {
  const m = /--probability (\S+)/.exec(rule);
  return m ? `${t(", ")}${t("rule says {}", compactProbability(m[1]))}` : "";
}

/** Sankey diagram of where one traced connection can go, each band an outcome's exact probability. */
export function traceSankey(trace: Trace, options: TraceSankeyOptions = {}): string {
  const p = trace.packet;
  return renderSankey(traceGraph(trace, options), { title: `Where ${p.protocol} ${p.src}:${p.sport} → ${p.dst}:${p.dport} can go`, ...options });
}
