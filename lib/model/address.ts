/** An IPv4 network as iptables stores it: an address and its mask. */
export interface Cidr {
  /**
   * Dotted quad. For `-s`/`-d` the host bits are cleared (iptables-save prints
   * `10.1.2.3/8` back as `10.0.0.0/8`); `-m conntrack` keeps them as given.
   */
  address: string;
  /** Prefix length, or `null` when the mask is not contiguous (`10.0.0.0/255.0.255.0`). */
  prefix: number | null;
  /** Dotted-quad mask. */
  mask: string;
}

/**
 * Parse a dotted quad into an unsigned 32-bit number; `null` when it is not
 * one: four parts of 1 to 3 digits (leading zeros allowed), each at most 255.
 * One pass over the characters, without splitting: the parser and the
 * simulator call this for every address they meet.
 */
export function parseIPv4(text: string): number | null {
  const n = text.length;
  if (n < 7 || n > 15) return null;
  let value = 0, part = 0, digits = 0, dots = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return null;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return null;
      part = part * 10 + (c - 48);
      if (part > 255) return null;
    } else return null;
  }
  if (dots !== 3 || digits === 0) return null;
  return (value * 256 + part) >>> 0;
}

/** Format an unsigned 32-bit number as a dotted quad. */
export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** The 32-bit mask of a prefix length (0..32). */
export function prefixToMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** The prefix length of a contiguous mask, or `null` for a non-contiguous one. */
export function maskToPrefix(mask: number): number | null {
  const inverted = ~mask >>> 0;
  // A contiguous mask's complement is 2^k - 1.
  if ((inverted & (inverted + 1)) !== 0) return null;
  return Math.clz32(inverted);
}

/** The dotted quad of each prefix length's mask, made once: a dump names the same few masks thousands of times. */
const PREFIX_MASK_TEXT: readonly string[] = Array.from({ length: 33 }, (_, len) => formatIPv4(prefixToMask(len)));

/** Build a Cidr from an address and a mask, clearing host bits as the kernel does. */
export function makeCidr(address: number, mask: number): Cidr {
  const prefix = maskToPrefix(mask);
  return { address: formatIPv4((address & mask) >>> 0), prefix, mask: prefix === null ? formatIPv4(mask) : PREFIX_MASK_TEXT[prefix] };
}

/** Whether a part of a dotted quad has a leading zero (`010`): parseIPv4 reads it as decimal, iptables as octal. */
function hasLeadingZero(quad: string): boolean {
  for (let i = 0; i + 1 < quad.length; i++) {
    if (quad.charCodeAt(i) !== 48 /* 0 */ || (i > 0 && quad.charCodeAt(i - 1) !== 46) /* . */) continue;
    const next = quad.charCodeAt(i + 1);
    if (next >= 48 && next <= 57) return true;
  }
  return false;
}

/**
 * `a.b.c.d/len` written as iptables-save prints it (plain decimal, no leading zeros, host bits clear),
 * read in one pass without splitting; null for any other spelling, which readCidr then reads in full.
 * What almost every `-s`/`-d` of a dump looks like: its address text is kept as it is, not formatted again.
 */
export function readPlainCidr(text: string): Cidr | null {
  const slash = text.lastIndexOf("/");
  if (slash < 7) return null;
  let prefix = 0;
  const digits = text.length - slash - 1;
  if (digits < 1 || digits > 2 || (digits === 2 && text.charCodeAt(slash + 1) === 48 /* 0 */)) return null;
  for (let i = slash + 1; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    prefix = prefix * 10 + c;
  }
  if (prefix > 32) return null;
  const address = text.slice(0, slash);
  const value = parseIPv4(address);
  if (value === null || hasLeadingZero(address)) return null;
  const mask = prefixToMask(prefix);
  if (((value & mask) >>> 0) !== value) return null;
  return { address, prefix, mask: PREFIX_MASK_TEXT[prefix] };
}

/** Whether `ip` (a dotted quad or number) lies in `cidr`: both masked, as the kernel compares them. */
export function cidrContains(cidr: Cidr, ip: string | number): boolean {
  const value = typeof ip === "number" ? ip : parseIPv4(ip);
  if (value === null) return false;
  const mask = parseIPv4(cidr.mask)!;
  return ((value & mask) >>> 0) === ((parseIPv4(cidr.address)! & mask) >>> 0);
}

/** Print a Cidr as iptables-save does: `a.b.c.d/len`, or `a.b.c.d/mask` when the mask is not contiguous. */
export function formatCidr(cidr: Cidr): string {
  return `${cidr.address}/${cidr.prefix ?? cidr.mask}`;
}
