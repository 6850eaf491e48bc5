/**
 * A dump file whose bytes are not all UTF-8, as one located warning: decoding turns each such byte
 * into U+FFFD, so the text read is not the file. The command line and the explorer give the same.
 */
import { firstNonUtf8 } from "../math/utf8.js";
import type { Diagnostic } from "./dump.js";

/**
 * The warning for `bytes` (decoded as `text`, bad bytes as U+FFFD), or null when they are UTF-8.
 * Only a text holding U+FFFD is looked at byte by byte, so a UTF-8 file costs nothing more.
 */
export function nonUtf8Warning(bytes: Uint8Array, text: string, file: string): Diagnostic | null {
  const odd = text.includes("\uFFFD") ? firstNonUtf8(bytes) : null;
  if (!odd) return null;
  const byte = `0x${odd.byte.toString(16).padStart(2, "0")}`;
  return {
    file, line: odd.line, column: odd.column, severity: "warning",
    message: `byte ${byte} is not UTF-8 (${odd.count} such byte${odd.count === 1 ? "" : "s"} in the file): read as U+FFFD, so this text is not printed back byte for byte`,
  };
}
