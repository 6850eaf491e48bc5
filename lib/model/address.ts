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

/** Parse a dotted quad into an unsigned 32-bit number; `null` when it is not one. */
export function parseIPv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (part.length === 0 || part.length > 3) return null;
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      if (c < 48 || c > 57) return null;
    }
    const n = Number(part);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return value >>> 0;
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

/** Build a Cidr from an address and a mask, clearing host bits as the kernel does. */
export function makeCidr(address: number, mask: number): Cidr {
  return { address: formatIPv4((address & mask) >>> 0), prefix: maskToPrefix(mask), mask: formatIPv4(mask) };
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
