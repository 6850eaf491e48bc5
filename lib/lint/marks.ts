/**
 * Packet marks: which reachable rules set which bits, and which read them.
 * A mark lives with the packet across tables, so setters and readers are
 * matched over the whole dump.
 */
import type { Rule } from "../model/dump.js";

/** A rule that sets or reads mark bits. */
export interface MarkUse {
  rule: Rule;
  bits: number;
}

/** The bits a rule can turn on in the packet mark (MARK, CONNMARK --restore-mark), or 0. */
export function bitsSet(rule: Rule): number {
  const t = rule.target;
  // Bits MARK can turn on are its value; bits only in the mask are cleared, which is not setting them.
  if (t?.kind === "MARK") return t.value >>> 0;
  if (t?.kind === "CONNMARK" && t.mode === "restore") return (t.nfmask & t.ctmask) >>> 0;
  return 0;
}

/** The bits of the packet mark a rule reads (`-m mark`, CONNMARK --save-mark), or 0. */
export function bitsRead(rule: Rule): number {
  let bits = 0;
  for (const m of rule.matches) if (m.kind === "mark") bits |= m.mask;
  const t = rule.target;
  if (t?.kind === "CONNMARK" && t.mode === "save") bits |= t.nfmask & t.ctmask;
  return bits >>> 0;
}

/** Bits in `bits` that none of `others` touch. */
export function untouched(bits: number, others: readonly MarkUse[]): number {
  let rest = bits;
  for (const o of others) rest &= ~o.bits;
  return rest >>> 0;
}
