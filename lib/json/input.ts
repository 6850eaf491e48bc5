/**
 * Reading a JSON input from its text: the value goes to a loader that checks
 * it against its schema, and every problem (text that is not JSON, a value of
 * the wrong shape) comes back as a compiler-style line at its place in the
 * file. The command line and the explorer both read node files through it.
 */
import { diagnosticLines } from "../parse/errors.js";
import type { Diagnostic } from "../model/dump.js";
import { JsonSyntaxError, readLocatedJson, type LocatedJson } from "./located.js";
import { hasShapeProblems, pathText } from "./shape.js";
import { t } from "../i18n/language.js";

/** A JSON input that cannot be used: its problems as `FILE:LINE:COL: error: PATH: message` lines. */
export class JsonInputError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
  }
}

/** Read `text` (the file `file`) and hand its value to `load`; throws JsonInputError with each problem located. */
export function loadJsonText<T>(text: string, file: string, load: (value: unknown, file: string) => T): T {
  let doc: LocatedJson;
  try {
    doc = readLocatedJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw new JsonInputError(diagnosticLines([{ file, ...e.position, severity: "error", message: t("not valid JSON: {}", e.reason) }], file, "error"));
  }
  try {
    return load(doc.value, file);
  } catch (e) {
    if (!hasShapeProblems(e)) throw e;
    const found: Diagnostic[] = e.problems
      .map((p) => {
        const where = pathText(p.key === undefined ? p.path : [...p.path, p.key]);
        return { file, ...doc.locate(p.path, p.key), severity: "error" as const, message: `${where ? `${where}: ` : ""}${p.message}` };
      })
      .sort((a, b) => a.line - b.line || a.column - b.column);
    throw new JsonInputError(diagnosticLines(found, file, "error"));
  }
}
