/**
 * ICMP types as `--icmp-type` takes them: a number (`8`, `3/4`), `any`, or
 * one of iptables' names, which iptables-save prints back by number. The
 * names and what they stand for are the ones iptables 1.8 knows (checked by
 * loading each into the kernel and reading it back).
 */
import type { IcmpType } from "../model/matches.js";
import type { Read } from "./values.js";

/** Name -> type and code (code null: every code of the type). */
const NAMES: readonly [string, number, number | null][] = [
  ["any", 255, null],
  ["echo-reply", 0, null], ["pong", 0, null],
  ["destination-unreachable", 3, null], ["network-unreachable", 3, 0], ["host-unreachable", 3, 1],
  ["protocol-unreachable", 3, 2], ["port-unreachable", 3, 3], ["fragmentation-needed", 3, 4],
  ["source-route-failed", 3, 5], ["network-unknown", 3, 6], ["host-unknown", 3, 7],
  ["network-prohibited", 3, 9], ["host-prohibited", 3, 10], ["TOS-network-unreachable", 3, 11],
  ["TOS-host-unreachable", 3, 12], ["communication-prohibited", 3, 13], ["host-precedence-violation", 3, 14],
  ["precedence-cutoff", 3, 15],
  ["source-quench", 4, null],
  ["redirect", 5, null], ["network-redirect", 5, 0], ["host-redirect", 5, 1], ["TOS-network-redirect", 5, 2], ["TOS-host-redirect", 5, 3],
  ["echo-request", 8, null], ["ping", 8, null],
  ["router-advertisement", 9, null], ["router-solicitation", 10, null],
  ["time-exceeded", 11, null], ["ttl-exceeded", 11, null], ["ttl-zero-during-transit", 11, 0], ["ttl-zero-during-reassembly", 11, 1],
  ["parameter-problem", 12, null], ["ip-header-bad", 12, 0], ["required-option-missing", 12, 1],
  ["timestamp-request", 13, null], ["timestamp-reply", 14, null],
  ["address-mask-request", 17, null], ["address-mask-reply", 18, null],
];

function byte(text: string): number | null {
  return /^[0-9]{1,3}$/.test(text) && Number(text) <= 255 ? Number(text) : null;
}

/** Read a `--icmp-type` value. Like iptables, a name may be shortened to any prefix that is not ambiguous. */
export function readIcmpType(text: string): Read<IcmpType> {
  const m = /^([0-9]+)(?:\/([0-9]+))?$/.exec(text);
  if (m) {
    const type = byte(m[1]);
    const code = m[2] === undefined ? null : byte(m[2]);
    if (type === null || (m[2] !== undefined && code === null)) return { ok: false, message: `ICMP type and code are numbers from 0 to 255, got '${text}'` };
    return { ok: true, value: { type, code: type === 255 ? null : code } };
  }
  const lower = text.toLowerCase();
  const found = NAMES.filter(([name]) => name.toLowerCase().startsWith(lower));
  if (text === "" || found.length === 0) return { ok: false, message: `unknown ICMP type '${text}': expected a number (8, 3/4), any, or a name such as echo-request or port-unreachable` };
  if (found.length > 1 && !found.some(([name]) => name.toLowerCase() === lower))
    return { ok: false, message: `ambiguous ICMP type '${text}': ${found.map(([name]) => name).join(" or ")}?` };
  const [, type, code] = found.find(([name]) => name.toLowerCase() === lower) ?? found[0];
  return { ok: true, value: { type, code } };
}
