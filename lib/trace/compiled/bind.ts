/**
 * A compiled dump bound to a node: what depends only on the dump and the
 * node, worked out once for all (not the first time a trace meets each
 * endpoint). Every outcome through a DNAT rule with a fixed address goes to
 * that address, so its routing decision and the source MASQUERADE would
 * then take are worked out for every such rule when the binding is made;
 * the Service port of every rule, too. Kept per compiled dump and node
 * (the node's routing facts: a node whose interfaces or routes are
 * replaced is bound again).
 */
import type { Dump } from "../../model/dump.js";
import { parseIPv4 } from "../../model/address.js";
import { decideRouteIn, nodeRoutes, selectAddressIn, type NodeContext, type NodeRoutes, type RouteDecision } from "../../node/context.js";
import { masqueradeWhy } from "../engine.js";
import { indexMinRules } from "../chain-index.js";
import { buildCandidateIndex } from "./candidates.js";
import { compiledDump, internInterface, T_DNAT, T_MASQUERADE, R_ARG2, R_TARGET, ROW, type CompiledDump } from "./compile.js";
import { ruleServices } from "./services.js";

/**
 * MASQUERADE's choice for one route and interface: the address, and the reason in each port mode (plain,
 * --random, --random-fully); those of the dump's MASQUERADE rules are written when the choice is bound,
 * any other when an outcome first needs it (see masqueradeReason).
 */
export interface MasqueradeChoice {
  dev: string;
  /** The address (null: the node has no global-scope address), and as a number (-1 for none). */
  address: string | null;
  addressValue: number;
  /** The reasons by port mode; the plain one always there. */
  reasons: [string, string | undefined, string | undefined];
}

/** A compiled dump and a node, with what the fast path asks of both worked out. */
export interface BoundDump {
  compiled: CompiledDump;
  node: NodeContext;
  routes: NodeRoutes;
  /** By side target number: the routing decision for a DNAT rule's fixed address on this node (null for other targets). */
  targetRoutes: (RouteDecision | null)[];
  /** By side target number: MASQUERADE's choice for a packet that leaves by that route (null where there is none). */
  targetMasquerade: (MasqueradeChoice | null)[];
  /** The Service port of each rule, by row number. */
  services: readonly (string | null)[];
  /** The number of `lo` (looped-back packets arrive on it). */
  loopback: number;
  /** Address type bits (ADDRESS_TYPE_BITS) of the addresses met, for `-m addrtype`. */
  types: Map<string, number>;
}

const bindings = new WeakMap<CompiledDump, WeakMap<NodeContext, BoundDump>>();
/** The binding asked for last: a run of traces asks for the same one every time. */
let last: BoundDump | null = null;

/** The compiled form of `dump` bound to `node`, made on first use and kept. */
export function boundDump(dump: Dump, node: NodeContext): BoundDump {
  const compiled = compiledDump(dump);
  const routes = nodeRoutes(node);
  if (last !== null && last.compiled === compiled && last.node === node && last.routes === routes && current(compiled)) return last;
  let byNode = bindings.get(compiled);
  if (!byNode) bindings.set(compiled, (byNode = new WeakMap()));
  let bound = byNode.get(node);
  if (!bound || bound.routes !== routes || !current(compiled)) {
    if (!current(compiled)) compiled.candidates = buildCandidateIndex(compiled.chains);
    bound = bind(dump, compiled, node, routes);
    byNode.set(node, bound);
  }
  return (last = bound);
}

/** Whether the candidate index was built for the present minimum chain length (tests change it). */
function current(compiled: CompiledDump): boolean {
  return compiled.candidates.minRules === indexMinRules();
}

function bind(dump: Dump, compiled: CompiledDump, node: NodeContext, routes: NodeRoutes): BoundDump {
  const bound: BoundDump = {
    compiled, node, routes, targetRoutes: new Array(compiled.targets.length).fill(null), targetMasquerade: new Array(compiled.targets.length).fill(null),
    services: ruleServices(compiled, dump), loopback: internInterface(compiled, "lo"), types: new Map(),
  };
  const rows = compiled.rows;
  // The port modes of the dump's MASQUERADE rules (kube-proxy writes one, --random-fully): their reasons are written with the choices.
  const portModes = new Set<number>();
  for (let row = 0; row < compiled.rules * ROW; row += ROW) {
    if (rows[row + R_TARGET] === T_MASQUERADE) portModes.add(compiled.targets[rows[row + R_ARG2]].portMode);
  }
  for (let row = 0; row < compiled.rules * ROW; row += ROW) {
    if (rows[row + R_TARGET] !== T_DNAT) continue;
    const n = rows[row + R_ARG2];
    const address = compiled.targets[n].address;
    if (address === null || bound.targetRoutes[n] !== null) continue;
    // Made here and kept with the target (every outcome through the rule uses this decision object).
    const r = decideRouteIn(routes, address);
    bound.targetRoutes[n] = r;
    // A forwarded packet leaves by the route's device; a packet for the node itself is looped back through lo.
    if (r.kind !== "unicast" && r.kind !== "local") continue;
    const choice = masqueradeChoiceOf(routes, r.kind === "local" ? "lo" : r.dev ?? "", r);
    for (const mode of portModes) masqueradeReason(choice, mode);
    bound.targetMasquerade[n] = choice;
  }
  return bound;
}

/** The last choice per routing decision (decisions are shared per node and destination, so this is per node too). */
const masqueradeChoices = new WeakMap<RouteDecision, MasqueradeChoice>();

/** MASQUERADE's address for a packet leaving by `dev` on route `r`, kept per decision. */
export function masqueradeChoiceFor(node: NodeContext, dev: string, r: RouteDecision): MasqueradeChoice {
  let choice = masqueradeChoices.get(r);
  if (!choice || choice.dev !== dev) masqueradeChoices.set(r, (choice = masqueradeChoiceOf(nodeRoutes(node), dev, r)));
  return choice;
}

function masqueradeChoiceOf(routes: NodeRoutes, dev: string, r: RouteDecision): MasqueradeChoice {
  const address = selectAddressIn(routes, dev, r.nextHop);
  const why = masqueradeWhy(routes.node, dev, address, r.nextHop);
  return { dev, address, addressValue: address === null ? -1 : parseIPv4(address)!, reasons: [why, undefined, undefined] };
}

const PORT_FLAGS = ["", "--random", "--random-fully"];

/** Why MASQUERADE took its address, in a port mode: the simulator keeps the client's port; it says when the kernel would draw a random one instead. */
export function masqueradeReason(choice: MasqueradeChoice, portMode: number): string {
  const plain = choice.reasons[0];
  if (portMode === 0) return plain;
  return (choice.reasons[portMode] ??= `${plain}; ${PORT_FLAGS[portMode]}: the kernel picks the source port at random (shown here as the client's)`);
}
