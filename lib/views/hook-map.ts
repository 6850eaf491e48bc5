/**
 * The hook map: netfilter as a packet meets it. Five hooks, the two routing
 * decisions, the tables at each hook in the kernel's order, and (given a
 * dump) the chains its built-in chains jump to, which is where kube-proxy,
 * docker and the CNI plugin hook in. Given a traced outcome, it draws that
 * packet's path across the map, and the reply's.
 */
import type { Dump, TableName } from "../model/dump.js";
import type { Hook } from "../model/tables.js";
import { isJump } from "../model/predicates.js";
import type { Outcome, TraceOutcome } from "../trace/outcome.js";
import { escapeHtml, truncate } from "./escape.js";
import { chartId } from "./ids.js";
import { viewHtml, type ViewOptions } from "./html.js";
import { OKABE_ITO } from "./style.js";
import { t } from "../i18n/language.js";

/** Tables at each hook in the order the kernel calls them (priorities raw -300, mangle -150, nat DNAT -100, filter 0, security 50, nat SNAT 100). */
export const TABLES_AT_HOOK: Readonly<Record<Hook, readonly TableName[]>> = {
  PREROUTING: ["raw", "mangle", "nat"],
  INPUT: ["mangle", "filter", "security", "nat"],
  FORWARD: ["mangle", "filter", "security"],
  OUTPUT: ["raw", "mangle", "nat", "filter", "security"],
  POSTROUTING: ["mangle", "nat"],
};

type Place = Hook | "in" | "route-in" | "local" | "route-out" | "out";

/** Where a packet can go next from each place on the map. */
const NEXT: Readonly<Record<Place, readonly Place[]>> = {
  in: ["PREROUTING"],
  PREROUTING: ["route-in"],
  "route-in": ["INPUT", "FORWARD"],
  INPUT: ["local"],
  FORWARD: ["POSTROUTING"],
  local: ["route-out"],
  "route-out": ["OUTPUT"],
  OUTPUT: ["POSTROUTING"],
  POSTROUTING: ["out"],
  out: ["in"],
};

const LABELS: Readonly<Record<Place, string>> = {
  in: "packet arrives",
  PREROUTING: "PREROUTING",
  "route-in": "routing",
  INPUT: "INPUT",
  FORWARD: "FORWARD",
  local: "local process",
  "route-out": "routing",
  OUTPUT: "OUTPUT",
  POSTROUTING: "POSTROUTING",
  out: "packet leaves",
};

const HOOKS: readonly Hook[] = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"];

/** The places between two places, by the map's arrows (breadth first; empty when `to` follows `from` directly). */
function between(from: Place, to: Place): Place[] {
  const prev = new Map<Place, Place>();
  const queue: Place[] = [from];
  while (queue.length) {
    const p = queue.shift()!;
    if (p === to) break;
    for (const n of NEXT[p]) if (!prev.has(n) && n !== from) { prev.set(n, p); queue.push(n); }
  }
  if (!prev.has(to)) return [];
  const path: Place[] = [];
  for (let p = prev.get(to)!; p !== from; p = prev.get(p)!) path.unshift(p);
  return path;
}

/** The places an outcome's packet visits, in order: where it starts, every hook its steps name, where it ends. */
export function packetPlaces(o: Outcome): Place[] {
  const hooks: Hook[] = [];
  for (const s of o.steps) if (s.hook && hooks[hooks.length - 1] !== s.hook) hooks.push(s.hook);
  // A packet a process sends meets OUTPUT first; one that arrives meets PREROUTING first.
  const first = hooks.length ? hooks[0] !== "OUTPUT" : o.inInterface !== null;
  const places: Place[] = [first ? "in" : "local"];
  const visit = (p: Place) => {
    places.push(...between(places[places.length - 1], p), p);
  };
  for (const h of hooks) visit(h);
  if (o.verdict === "accepted") visit(o.delivery === "local" ? "local" : "out");
  return places;
}

/** The chains each built-in chain of the dump jumps to, by hook and table. */
function jumpsAt(dump: Dump | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const t of dump?.tables ?? []) {
    for (const c of t.chains) {
      if (!c.builtin) continue;
      const targets: string[] = [];
      for (const r of c.rules) if (isJump(r.target) && !targets.includes(r.target.chain)) targets.push(r.target.chain);
      out.set(`${c.name} ${t.name}`, targets);
    }
  }
  return out;
}

/** Options of the hook map. */
export interface HookMapOptions extends ViewOptions {
  /** Show which chains the dump's built-in chains jump to, under each table. */
  dump?: Dump;
  /** Draw this packet's path (and, for a traced outcome with a follow-up, its reply's). */
  outcome?: Outcome | TraceOutcome;
  /** Element id prefix (stable ids make the SVG deterministic). */
  id?: string;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const W = 1000;
const BOX_W = 150;
const COL = [20, 170, 360, 520, 700, 860];
const ROW_Y = [40, 0];
const LINE = 14;
const MAX_JUMPS = 3;

/** The text lines inside a hook's box: its tables, each with the chains it jumps to. */
function hookLines(hook: Hook, jumps: Map<string, string[]>): { text: string; kind: "table" | "jump" }[] {
  const lines: { text: string; kind: "table" | "jump" }[] = [];
  for (const table of TABLES_AT_HOOK[hook]) {
    const note = table === "nat" ? (hook === "PREROUTING" || hook === "OUTPUT" ? " (DNAT)" : " (SNAT)") : "";
    lines.push({ text: `${table}${note}`, kind: "table" });
    const to = jumps.get(`${hook} ${table}`) ?? [];
    for (const c of to.slice(0, MAX_JUMPS)) lines.push({ text: `→ ${truncate(c, 20)}`, kind: "jump" });
    if (to.length > MAX_JUMPS) lines.push({ text: `→ ${t("{} more", to.length - MAX_JUMPS)}`, kind: "jump" });
  }
  return lines;
}

function layout(jumps: Map<string, string[]>): { boxes: Record<Place, Box>; height: number; lines: Record<Hook, ReturnType<typeof hookLines>> } {
  const lines = Object.fromEntries(HOOKS.map((h) => [h, hookLines(h, jumps)])) as Record<Hook, ReturnType<typeof hookLines>>;
  const hookH = (h: Hook) => 26 + lines[h].length * LINE + 6;
  const top = ROW_Y[0];
  const row1H = Math.max(hookH("PREROUTING"), hookH("FORWARD"), hookH("POSTROUTING"));
  const row2H = Math.max(hookH("INPUT"), hookH("OUTPUT"));
  const small = (x: number, y: number, h = 40): Box => ({ x, y, w: 120, h });
  const diamond = (x: number, y: number): Box => ({ x: x + 35, y, w: 80, h: 44 });
  const bottom = top + row1H + 70;
  const boxes: Record<Place, Box> = {
    in: small(COL[0] - 10, top),
    PREROUTING: { x: COL[1], y: top, w: BOX_W, h: hookH("PREROUTING") },
    "route-in": diamond(COL[2] - 10, top),
    FORWARD: { x: COL[3], y: top, w: BOX_W, h: hookH("FORWARD") },
    POSTROUTING: { x: COL[4], y: top, w: BOX_W, h: hookH("POSTROUTING") },
    out: small(COL[5] + 10, top),
    INPUT: { x: COL[2] - 10, y: bottom, w: BOX_W, h: hookH("INPUT") },
    // Centred on INPUT's arrow, with the output routing decision straight below it.
    local: small(COL[3] + 5, bottom + 2),
    "route-out": { x: COL[3] + 25, y: bottom + Math.max(row2H - 44, 70), w: 80, h: 44 },
    OUTPUT: { x: COL[4], y: bottom, w: BOX_W, h: hookH("OUTPUT") },
  };
  return { boxes, height: bottom + row2H + 50, lines };
}

type Side = "left" | "right" | "top" | "bottom";

function anchor(b: Box, side: Side): [number, number] {
  if (side === "left") return [b.x, b.y + Math.min(b.h / 2, 22)];
  if (side === "right") return [b.x + b.w, b.y + Math.min(b.h / 2, 22)];
  if (side === "top") return [b.x + b.w / 2, b.y];
  return [b.x + b.w / 2, b.y + b.h];
}

/** Each arrow of the map: from, to, and the sides it leaves and enters by. */
const ARROWS: readonly [Place, Place, Side, Side][] = [
  ["in", "PREROUTING", "right", "left"],
  ["PREROUTING", "route-in", "right", "left"],
  ["route-in", "FORWARD", "right", "left"],
  ["route-in", "INPUT", "bottom", "top"],
  ["FORWARD", "POSTROUTING", "right", "left"],
  ["POSTROUTING", "out", "right", "left"],
  ["INPUT", "local", "right", "left"],
  ["local", "route-out", "bottom", "top"],
  ["route-out", "OUTPUT", "right", "left"],
  ["OUTPUT", "POSTROUTING", "top", "bottom"],
];

function arrowPath(boxes: Record<Place, Box>, from: Place, to: Place, a: Side, b: Side): string {
  const [x1, y1] = anchor(boxes[from], a);
  const [x2, y2] = anchor(boxes[to], b);
  if (a === "bottom" && b === "left") return `M${x1},${y1} V${y2} H${x2}`;
  if (a === "bottom" && b === "top" && x1 !== x2) return `M${x1},${y1} V${(y1 + y2) / 2} H${x2} V${y2}`;
  if (a === "top" && b === "bottom" && x1 !== x2) return `M${x1},${y1} V${(y1 + y2) / 2} H${x2} V${y2}`;
  if (a === "right" && b === "left" && y1 !== y2) return `M${x1},${y1} H${(x1 + x2) / 2} V${y2} H${x2}`;
  return `M${x1},${y1} L${x2},${y2}`;
}

/** The loopback arrow: a packet sent out of `lo` comes back in at the start. */
function loopPath(boxes: Record<Place, Box>, height: number): string {
  const [x1, y1] = anchor(boxes.out, "bottom");
  const [x2, y2] = anchor(boxes.in, "bottom");
  return `M${x1},${y1} V${height - 14} H${x2} V${y2}`;
}

function edgesOf(places: Place[]): Set<string> {
  const s = new Set<string>();
  for (let i = 1; i < places.length; i++) s.add(`${places[i - 1]}>${places[i]}`);
  return s;
}

function drawBox(place: Place, b: Box, lines: Record<Hook, ReturnType<typeof hookLines>>, visited: boolean): string {
  const stroke = visited ? OKABE_ITO.blue : "#555";
  const width = visited ? 2.5 : 1;
  if (place === "route-in" || place === "route-out") {
    const cx = b.x + b.w / 2, cy = b.y + b.h / 2;
    return `<g><polygon points="${cx},${b.y} ${b.x + b.w},${cy} ${cx},${b.y + b.h} ${b.x},${cy}" fill="#fff8e1" stroke="${stroke}" stroke-width="${width}"/>` +
      `<text x="${cx}" y="${cy + 4}" text-anchor="middle" font-size="11">${escapeHtml(t(LABELS[place]))}</text></g>`;
  }
  if (!(HOOKS as readonly string[]).includes(place)) {
    return `<g><rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="20" fill="#f2f2f2" stroke="${stroke}" stroke-width="${width}"/>` +
      `<text x="${b.x + b.w / 2}" y="${b.y + b.h / 2 + 4}" text-anchor="middle" font-size="12">${escapeHtml(t(LABELS[place]))}</text></g>`;
  }
  const rows = lines[place as Hook].map((l, i) => {
    const y = b.y + 38 + i * LINE;
    return l.kind === "table"
      ? `<text x="${b.x + 10}" y="${y}" font-size="12">${escapeHtml(l.text)}</text>`
      : `<text x="${b.x + 22}" y="${y}" font-size="11" font-family="ui-monospace,Menlo,Consolas,monospace" fill="#6b3d00">${escapeHtml(l.text)}</text>`;
  });
  return `<g><rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="4" fill="${visited ? "#e8f1f8" : "#fff"}" stroke="${stroke}" stroke-width="${width}"/>` +
    `<text x="${b.x + 10}" y="${b.y + 18}" font-size="13" font-weight="700">${escapeHtml(LABELS[place])}</text>${rows.join("")}</g>`;
}

/** The hook map as an SVG figure; with `outcome`, the packet's path (blue) and its reply's (dashed vermillion) are drawn over it. */
export function hookMap(options: HookMapOptions = {}): string {
  const jumps = jumpsAt(options.dump);
  const { boxes, height, lines } = layout(jumps);
  const o = options.outcome;
  const packet = o ? packetPlaces(o) : [];
  const replyOutcome = o && "followUp" in o && o.followUp ? o.followUp.reply[0] : undefined;
  const reply = replyOutcome ? packetPlaces(replyOutcome) : [];
  const id = chartId("kil-hooks", options.id, JSON.stringify([packet, reply, [...jumps]]));
  const packetEdges = edgesOf(packet), replyEdges = edgesOf(reply);
  const visited = new Set<Place>([...packet, ...reply]);
  const base: string[] = [], over: string[] = [];
  const draw = (d: string, key: string) => {
    base.push(`<path d="${d}" fill="none" stroke="#777" stroke-width="1.2" marker-end="url(#${id}-arrow)"/>`);
    if (packetEdges.has(key)) over.push(`<path d="${d}" fill="none" stroke="${OKABE_ITO.blue}" stroke-width="4" stroke-opacity="0.85" marker-end="url(#${id}-arrow-packet)"/>`);
    // The reply is drawn a few pixels aside, so a stretch both take shows both.
    if (replyEdges.has(key)) over.push(`<path d="${d}" transform="translate(5,5)" fill="none" stroke="${OKABE_ITO.vermillion}" stroke-width="2.5" stroke-dasharray="7 4" marker-end="url(#${id}-arrow-reply)"/>`);
  };
  for (const [from, to, a, b] of ARROWS) draw(arrowPath(boxes, from, to, a, b), `${from}>${to}`);
  draw(loopPath(boxes, height), "out>in");
  const marker = (name: string, color: string) =>
    `<marker id="${id}-${name}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`;
  const legend = o
    ? `<g font-size="12"><line x1="20" y1="16" x2="50" y2="16" stroke="${OKABE_ITO.blue}" stroke-width="4"/><text x="56" y="20">${escapeHtml(t("the packet"))}</text>` +
      (reply.length ? `<line x1="150" y1="16" x2="180" y2="16" stroke="${OKABE_ITO.vermillion}" stroke-width="2.5" stroke-dasharray="7 4"/><text x="186" y="20">${escapeHtml(t("the reply"))}</text>` : "") + `</g>`
    : "";
  const loopLabel = `<text x="${boxes.in.x + boxes.in.w / 2 + 10}" y="${height - 18}" font-size="11" fill="#444">${escapeHtml(t("via lo: a packet the node sends to itself comes back in here"))}</text>`;
  const title = o ? t("Netfilter hooks, with the path of {}", `${o.before.protocol} ${o.before.src} → ${o.before.dst}:${o.before.dport}`) : t("Netfilter hooks, routing decisions and tables");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" id="${id}" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="${escapeHtml(title)}" font-family="system-ui,sans-serif" fill="#1b1b1b">` +
    `<title>${escapeHtml(title)}</title><defs>${marker("arrow", "#777")}${marker("arrow-packet", OKABE_ITO.blue)}${marker("arrow-reply", OKABE_ITO.vermillion)}</defs>` +
    `${legend}${base.join("")}${over.join("")}${(Object.keys(boxes) as Place[]).map((p) => drawBox(p, boxes[p], lines, visited.has(p))).join("")}${loopLabel}</svg>`;
  return viewHtml("hook-map", `<figure>${svg}</figure>`, options);
}
