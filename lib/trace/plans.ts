/**
 * Where a packet goes through a node, stage by stage: the tables of each
 * netfilter hook in the kernel's order, and the routing decisions between
 * them. Both engines (the explaining one and the compiled one) follow these
 * plans; plans are shared constants, never changed.
 */
import type { TableName } from "../model/dump.js";
import type { Hook } from "../model/tables.js";

/** One table of one hook. */
export interface TableStage {
  kind: "table";
  hook: Hook;
  table: TableName;
  /** A small number per hook and table (the same in every plan), for engines that keep something per stage in an array. */
  slot: number;
}

/** A step of a plan: a table to traverse, a routing decision, or the packet leaving the hooks. */
export type Stage =
  | TableStage
  | { kind: "route" }
  | { kind: "route-local" }
  | { kind: "reroute" }
  | { kind: "after-postrouting" }
  | { kind: "deliver-local" }
  | { kind: "deliver-out" };

/** The tables each hook traverses, in the kernel's priority order. */
export const TABLE_ORDER: Record<Hook, TableName[]> = {
  PREROUTING: ["raw", "mangle", "nat"],
  INPUT: ["mangle", "filter", "security", "nat"],
  FORWARD: ["mangle", "filter", "security"],
  OUTPUT: ["raw", "mangle", "nat", "filter", "security"],
  POSTROUTING: ["mangle", "nat"],
};

/** Every hook and table, in a fixed order: a stage's slot is its place here. */
const SLOTS = (Object.keys(TABLE_ORDER) as Hook[]).flatMap((hook) => TABLE_ORDER[hook].map((table) => `${hook} ${table}`));

/** How many slots there are. */
export const STAGE_SLOTS = SLOTS.length;

function tables(hook: Hook, without?: TableName): TableStage[] {
  return TABLE_ORDER[hook].filter((t) => t !== without).map((table) => ({ kind: "table", hook, table, slot: SLOTS.indexOf(`${hook} ${table}`) }));
}

/** Where a packet goes, stage by stage: where it starts, and where each routing decision sends it. */
export const PLANS = {
  /** Arriving on an interface: PREROUTING, then the routing decision. */
  arriving: [...tables("PREROUTING"), { kind: "route" }],
  /** Made by a process here: routed first, then OUTPUT and POSTROUTING. */
  local: [{ kind: "route-local" }, ...tables("OUTPUT"), { kind: "reroute" }, ...tables("POSTROUTING"), { kind: "after-postrouting" }],
  /** For this node: INPUT, then a process. */
  input: [...tables("INPUT"), { kind: "deliver-local" }],
  /** Routed through: FORWARD and POSTROUTING, then out. */
  forward: [...tables("FORWARD"), ...tables("POSTROUTING"), { kind: "deliver-out" }],
  /** Looped back: the connection is already tracked, so nat is not consulted again. */
  loopback: [...tables("PREROUTING", "nat"), ...tables("INPUT", "nat"), { kind: "deliver-local" }],
  out: [{ kind: "deliver-out" }],
} satisfies Record<string, readonly Stage[]>;

/** The most rule checks one packet's path may take before it is given up as uncertain (a loop of jumps). */
export const MAX_STEPS_PER_WORLD = 1_000_000;
