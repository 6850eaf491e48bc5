/**
 * Reading a JSON input from its text: the value goes to a loader that checks
 * it against its schema, and every problem (text that is not JSON, a value of
 * the wrong shape) comes back as a compiler-style line at its place in the
 * file. The command line and the explorer both read node files through it.
 * The lines are written through `t`, in the current language (the command
 * line's is English); file, line, column, path, keys and values stay as they are.
 */
import { DIAGNOSTICS_SHOWN } from "../parse/errors.js";
import { t } from "../i18n/language.js";
import { JsonSyntaxError, readLocatedJson, type LocatedJson, type Position } from "./located.js";
import { hasShapeProblems, pathText } from "./shape.js";

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
    throw new JsonInputError(errorLines(file, [{ ...e.position, message: t("not valid JSON: {}", e.reason) }]));
  }
  try {
    return load(doc.value, file);
  } catch (e) {
    if (!hasShapeProblems(e)) throw e;
    const found = e.problems
      .map((p) => {
        const where = pathText(p.key === undefined ? p.path : [...p.path, p.key]);
        return { ...doc.locate(p.path, p.key), message: `${where ? `${where}: ` : ""}${p.message}` };
      })
      .sort((a, b) => a.line - b.line || a.column - b.column);
    throw new JsonInputError(errorLines(file, found));
  }
}

/** Errors as compilers print them, `FILE:LINE:COL: error: message`: the first DIAGNOSTICS_SHOWN, then one line counting the rest. */
function errorLines(file: string, errors: (Position & { message: string })[]): string[] {
  const lines = errors.slice(0, DIAGNOSTICS_SHOWN).map((e) => `${file}:${e.line}:${e.column}: ${t("error")}${t(": ")}${e.message}`);
  const more = errors.length - DIAGNOSTICS_SHOWN;
  if (more > 0) lines.push(t(more === 1 ? "{}: {} more error not shown" : "{}: {} more errors not shown", file, more));
  return lines;
}
