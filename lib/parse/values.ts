/**
 * Readers for the values inside options: ports, numbers, marks, addresses,
 * probabilities. Each returns the value or an error message saying what was
 * expected.
 */
import { formatIPv4, makeCidr, maskToPrefix, parseIPv4, prefixToMask, readPlainCidr, type Cidr } from "../model/address.js";
import type { PortRange } from "../model/matches.js";
import { protocolByName } from "../model/protocols.js";
import { PROBABILITY_SCALE, kernelProbability } from "../math/probability.js";

/** A value or the reason it could not be read. */
export type Read<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const fail = <T>(message: string): Read<T> => ({ ok: false, message });

/** Service names iptables resolves from /etc/services that appear in real dumps and hand-written rules. */
const SERVICE_PORTS: Record<string, number> = {
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, http: 80, pop3: 110, ntp: 123,
  imap: 143, snmp: 161, ldap: 389, https: 443, submission: 587, ldaps: 636, imaps: 993,
  pop3s: 995, mysql: 3306, postgresql: 5432,
};

/** Read a protocol name (any case) or number into its number; `all` is 0. */
export function readProtocol(text: string): Read<number> {
  const lower = text.toLowerCase();
  if (lower === "all") return ok(0);
  if (lower === "icmpv6") return ok(58);
  const n = /^[0-9]+$/.test(lower) ? Number(lower) : protocolByName(lower);
  if (n === undefined || n > 255) return fail(`unknown protocol '${text}': expected a name such as tcp, udp, icmp, sctp or a number 0-255`);
  return ok(n);
}

/**
 * A whole word read as xtables_strtoui does: C's strtoul in base 0 (`0x` hex, a leading `0` octal,
 * else decimal; an optional `+`, never `-`), every character used. null when it is not a number.
 */
export function strtoui(text: string): number | null {
  const plain = plainDecimal(text);
  if (plain >= 0) return plain;
  const m = /^\+?(?:0[xX]([0-9a-fA-F]+)|0([0-7]*)|([1-9][0-9]*))$/.exec(text);
  if (!m) return null;
  if (m[1] !== undefined) return parseInt(m[1], 16);
  if (m[2] !== undefined) return m[2] === "" ? 0 : parseInt(m[2], 8);
  return Number(m[3]);
}

/**
 * A word of 1 to 9 decimal digits without a leading zero (or `0` itself), as ports and most numbers of a
 * dump are written: its value, read without a pattern; -1 for anything else.
 */
function plainDecimal(text: string): number {
  const n = text.length;
  if (n === 0 || n > 9 || (n > 1 && text.charCodeAt(0) === 48 /* 0 */)) return -1;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** A decimal number as strtoull keeps it: modulo 2^64 when negative, 2^64-1 when too large. */
export function unsignedLongLong(text: string): string {
  // Counters are mostly short and plain (`0`, `1234`): exact as a double, no BigInt needed.
  if (text.length <= 15 && /^[0-9]+$/.test(text)) return text.length === 1 || text.charCodeAt(0) !== 48 ? text : String(Number(text));
  const negative = text.startsWith("-");
  let v = BigInt(text.replace(/^[+-]/, ""));
  const max = (1n << 64n) - 1n;
  if (v > max) return max.toString();
  if (negative && v !== 0n) v = (1n << 64n) - v;
  return v.toString();
}

/** A counter as C's sscanf("%llu") reads the start of a word, as a decimal string; null when the word does not start with a number. */
export function counterNumber(text: string): string | null {
  const m = /^[ \t\r\n]*([+-]?[0-9]+)/.exec(text);
  return m ? unsignedLongLong(m[1]) : null;
}

/** Read a port number (as iptables does: decimal, `0x` hex or `0` octal) or service name. */
export function readPort(text: string): Read<number> {
  const n = strtoui(text);
  if (n !== null) return n <= 65535 ? ok(n) : fail(`port ${text} is out of range: expected 0 to 65535`);
  const known = SERVICE_PORTS[text];
  return known !== undefined ? ok(known) : fail(`expected a port number (0-65535), got '${text}'`);
}

/**
 * Read `a`, `a:b`, `:b` or `a:` as an inclusive range. A range whose first port is above the second
 * (`65535:1`) is read, since iptables-save prints one a kernel holds; iptables-restore refuses it
 * (see portRangeWarning).
 */
export function readPortRange(text: string): Read<PortRange> {
  const colon = text.indexOf(":");
  if (colon < 0) {
    const p = readPort(text);
    return p.ok ? ok({ min: p.value, max: p.value }) : p;
  }
  const lo = colon === 0 ? ok(0) : readPort(text.slice(0, colon));
  if (!lo.ok) return lo;
  const hi = colon === text.length - 1 ? ok(65535) : readPort(text.slice(colon + 1));
  if (!hi.ok) return hi;
  return ok({ min: lo.value, max: hi.value });
}

/** What to say about a range written backwards, or null for an ordinary one. */
export function portRangeWarning(range: PortRange, text: string): string | null {
  if (range.min <= range.max) return null;
  return `port range '${text}' has its first port above the second: it matches no port, and iptables-restore 1.8.9 refuses it (invalid portrange (min > max)); it is read because iptables-save prints such a range when a kernel holds one`;
}

/** Read an unsigned integer as C's strtoul(base 0) does: `0x` hex, leading `0` octal, else decimal. */
export function readUnsigned(text: string, max = 0xffffffff): Read<number> {
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) n = parseInt(text.slice(2), 16);
  else if (/^0[0-7]+$/.test(text)) n = parseInt(text.slice(1), 8);
  else if (/^[0-9]+$/.test(text)) n = Number(text);
  else return fail(`expected a number, got '${text}'`);
  if (n > max) return fail(`${text} is too large: expected at most ${max}`);
  return ok(n);
}

/** Read `value[/mask]` (mask defaults to 0xffffffff), as `--mark` and `--set-xmark` take. */
export function readValueMask(text: string): Read<{ value: number; mask: number; hasMask: boolean }> {
  const slash = text.indexOf("/");
  const v = readUnsigned(slash < 0 ? text : text.slice(0, slash));
  if (!v.ok) return v;
  if (slash < 0) return ok({ value: v.value, mask: 0xffffffff, hasMask: false });
  const m = readUnsigned(text.slice(slash + 1));
  if (!m.ok) return m;
  return ok({ value: v.value, mask: m.value, hasMask: true });
}

/**
 * An address as iptables reads `-s`/`-d` (xtables_ipparse_any): up to four dot-separated numbers,
 * each in C's base 0 (`010` is 8, `0x10` is 16), missing ones taken as 0 (`1.2.3` is 1.2.3.0,
 * `10` is 10.0.0.0); failing that, the numeric forms the resolver takes (inet_aton: `0x01020304`,
 * `1.2.772`). null when it is neither (a host name, which the kit does not resolve).
 */
export function readIptablesAddress(text: string): number | null {
  const parts = text.split(".");
  if (parts.length <= 4) {
    const bytes = parts.map(strtoui);
    if (bytes.every((b) => b !== null && b <= 255)) return (((bytes[0] ?? 0) << 24 | (bytes[1] ?? 0) << 16 | (bytes[2] ?? 0) << 8 | (bytes[3] ?? 0)) >>> 0);
  }
  return inetAton(text);
}

/** glibc's inet_aton: one to four numbers (base 0), the last one filling the bytes left. */
function inetAton(text: string): number | null {
  const parts = text.split(".");
  if (parts.length > 4) return null;
  const nums = parts.map((p) => (/^[0-9]/.test(p) ? strtoui(p) : null));
  if (nums.some((n) => n === null)) return null;
  const last = nums[nums.length - 1]!;
  const lead = nums.slice(0, -1) as number[];
  if (lead.some((n) => n > 255) || last >= 2 ** (8 * (4 - lead.length))) return null;
  let value = 0;
  for (const n of lead) value = value * 256 + n;
  return (value * 2 ** (8 * (4 - lead.length)) + last) >>> 0;
}

/**
 * Read `address`, `address/len` or `address/mask` as iptables does (see readIptablesAddress; the
 * length in base 0 too, a dotted mask in full). Host bits are cleared, as iptables does for
 * `-s`/`-d`; `-m conntrack` keeps them (`keepHostBits`).
 */
export function readCidr(text: string, keepHostBits = false): Read<Cidr> {
  if (!keepHostBits) {
    const plain = readPlainCidr(text);
    if (plain !== null) return ok(plain);
  }
  if (text.includes(":")) return fail(`'${text}' is an IPv6 address: this kit reads IPv4 iptables-save dumps only`);
  const slash = text.lastIndexOf("/");
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const addr = readIptablesAddress(addrText);
  if (addr === null) {
    return fail(
      /^[A-Za-z]/.test(addrText)
        ? `expected an IPv4 address, got the host name '${addrText}' (iptables resolves names when loading; use the address)`
        : `expected an IPv4 address, got '${addrText}'`,
    );
  }
  const cidr = (mask: number): Cidr =>
    keepHostBits ? { address: formatIPv4(addr), prefix: maskToPrefix(mask), mask: formatIPv4(mask) } : makeCidr(addr, mask);
  if (slash < 0) return ok(cidr(0xffffffff));
  const maskText = text.slice(slash + 1);
  if (!maskText.includes(".")) {
    const len = strtoui(maskText);
    if (len === null || len > 32) return fail(`expected a prefix length 0 to 32 or a dotted mask after '/', got '${maskText}'`);
    return ok(cidr(prefixToMask(len)));
  }
  const parts = maskText.split(".").map(strtoui);
  if (parts.length !== 4 || parts.some((b) => b === null || b > 255)) return fail(`expected a prefix length or a dotted mask after '/', got '${maskText}'`);
  return ok(cidr(((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0));
}

/** Read a probability as libxt_statistic does: `lround(p * 2^31)`. */
export function readProbability(text: string): Read<{ printed: string; kernel: number; value: number }> {
  if (!/^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(text)) return fail(`expected a probability between 0 and 1, got '${text}'`);
  const p = Number(text);
  if (!(p >= 0 && p <= 1)) return fail(`probability ${text} is out of range: expected 0 to 1`);
  const kernel = kernelProbability(p);
  return ok({ printed: text, kernel, value: kernel / PROBABILITY_SCALE });
}
