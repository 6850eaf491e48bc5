/** Numbers as iptables prints them in hexadecimal (marks, masks): used by the printer, the engine's texts, the views and lint. */

/** Lower-case hexadecimal with `0x`, as iptables prints marks and masks. */
export function hex(value: number): string {
  return `0x${(value >>> 0).toString(16)}`;
}
