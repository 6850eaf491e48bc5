/**
 * Rules that can never be reached within their chain: an earlier rule of the
 * same chain decides every packet that could match them. A rule "decides" when
 * its target ends the chain for the packet (a verdict, a NAT target, a goto,
 * or a jump to a chain that always decides), and it "covers" a later rule when
 * each of its conditions is also a condition of the later one.
 */
import type { Chain, Rule, Table } from "../model/dump.js";
import type { Match } from "../model/matches.js";

const ENDS_CHAIN = new Set(["ACCEPT", "DROP", "RETURN", "QUEUE", "REJECT", "DNAT", "SNAT", "MASQUERADE", "REDIRECT"]);
/** Matches whose answer changes from one packet to the next (random draws, counters, lists) or that the kit does not model: such a rule covers nothing. */
const UNSTABLE = new Set(["statistic", "recent", "unsupported", "set", "socket"]);

/** The rule's conditions as comparable strings (comments left out: they never affect matching). */
function conditions(rule: Rule): string[] {
  const ip = Object.entries(rule.ip).map(([k, v]) => `ip.${k}=${JSON.stringify(v)}`);
  const m = rule.matches.filter((x: Match) => x.kind !== "comment").map((x) => JSON.stringify(x));
  return [...ip, ...m];
}

function isStable(rule: Rule): boolean {
  return rule.matches.every((m) => !UNSTABLE.has(m.kind));
}

/** Whether every packet reaching this rule and matching it leaves the chain here. */
function decides(rule: Rule, chains: ReadonlyMap<string, Chain>, seen: Set<string>): boolean {
  const t = rule.target;
  if (t === null) return false;
  if (ENDS_CHAIN.has(t.kind)) return true;
  if (t.kind !== "jump") return false;
  if (t.goto) return true;
  return chainAlwaysDecides(t.chain, chains, seen);
}

/**
 * Whether a chain ends every packet that enters it with a verdict other than RETURN (so the jump
 * into it never comes back). Conservative: any RETURN, or any goto (whose chain may RETURN to our
 * caller), before an unconditional deciding rule means it may come back.
 */
function chainAlwaysDecides(name: string, chains: ReadonlyMap<string, Chain>, seen: Set<string>): boolean {
  const chain = chains.get(name);
  if (!chain || seen.has(name)) return false;
  seen.add(name);
  for (const r of chain.rules) {
    const unconditional = conditions(r).length === 0 && isStable(r);
    const t = r.target;
    if (t?.kind === "RETURN") return false;
    if (t?.kind === "jump" && t.goto) return unconditional && chainAlwaysDecides(t.chain, chains, seen);
    if (unconditional && decides(r, chains, seen)) return true;
  }
  return false;
}

/** A rule that never runs, and the earlier rule that always decides first. */
export interface ShadowedRule {
  rule: Rule;
  by: Rule;
}

/** The shadowed rules of one chain, each with the first earlier rule that covers it. */
export function shadowedRules(chain: Chain, table: Table): ShadowedRule[] {
  const chains = new Map<string, Chain>(table.chains.map((c) => [c.name, c]));
  const deciders: { rule: Rule; conds: Set<string> }[] = [];
  const out: ShadowedRule[] = [];
  for (const rule of chain.rules) {
    const conds = conditions(rule);
    const by = deciders.find((d) => [...d.conds].every((c) => conds.includes(c)));
    if (by) {
      out.push({ rule, by: by.rule });
      continue;
    }
    if (isStable(rule) && decides(rule, chains, new Set())) deciders.push({ rule, conds: new Set(conds) });
  }
  return out;
}
