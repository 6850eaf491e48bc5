/** Byte counts of UTF-8 text without Node's Buffer, so the parser runs in a browser too. */

/** How many bytes `text` takes in UTF-8 (a lone surrogate counts as U+FFFD, 3 bytes, as encoders write it). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Where the first byte that is not part of well-formed UTF-8 is (line and column 1-based, the column in UTF-16
 * characters as the decoded text counts them), and how many such bytes there are; null for UTF-8 text.
 */
export function firstNonUtf8(bytes: Uint8Array): { line: number; column: number; byte: number; count: number } | null {
  let first: { line: number; column: number; byte: number } | null = null;
  let count = 0, line = 1, column = 1;
  for (let i = 0; i < bytes.length; ) {
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) {
      count++;
      first ??= { line, column, byte: bytes[i] };
      // A decoder writes one U+FFFD for it.
      column++;
      i++;
      continue;
    }
    if (bytes[i] === 0x0a) [line, column] = [line + 1, 1];
    else column += length === 4 ? 2 : 1;
    i += length;
  }
  return first && { ...first, count };
}

/** The length of the well-formed UTF-8 sequence at `i` (1 to 4), or 0 when the bytes there are not one. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k: number) => i + k < b.length && (b[i + k] & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  // The second byte's range excludes overlong forms (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
  const second = (lowest: number, highest: number) => i + 1 < b.length && b[i + 1] >= lowest && b[i + 1] <= highest;
  if (c >= 0xe0 && c <= 0xef) return second(c === 0xe0 ? 0xa0 : 0x80, c === 0xed ? 0x9f : 0xbf) && cont(2) ? 3 : 0;
  if (c >= 0xf0 && c <= 0xf4) return second(c === 0xf0 ? 0x90 : 0x80, c === 0xf4 ? 0x8f : 0xbf) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
