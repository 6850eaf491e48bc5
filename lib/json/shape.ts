/**
 * Checking a JSON input against its schema (schemas/*.schema.json, compiled
 * ahead of time into validators.generated.ts) and wording what is wrong: the
 * JSON path of each problem and what was expected there, taken from the
 * schema's own descriptions. Messages are written through `t`, in the
 * current language; the path, keys and values stay as they are.
 */
import { t } from "../i18n/language.js";
import * as validators from "./validators.generated.js";
import type { JsonPath } from "./located.js";

/** The kit's JSON formats that have a schema in schemas/. */
export type SchemaName = keyof typeof validators;

/** One problem in a JSON input: where (the path, and the key itself for an unknown key) and what was expected. */
export interface ShapeProblem {
  path: JsonPath;
  /** Set when the problem is a key (an unknown one): its position is the key's, not its value's. */
  key?: string;
  message: string;
}

/** What ajv reports for one failed keyword (with `verbose`, the schema node and the data too). */
interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  parentSchema?: { description?: string; properties?: Record<string, unknown>; allOf?: { then?: { properties?: Record<string, unknown> } }[] };
  data?: unknown;
}

type Validator = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

/** The problems of `value` as a `name` file; empty when it is valid. */
export function shapeProblems(name: SchemaName, value: unknown): ShapeProblem[] {
  const validate = validators[name] as Validator;
  if (validate(value)) return [];
  return usefulErrors(validate.errors ?? []).map((e) => problemOf(e, value));
}

/**
 * The errors worth showing. An `anyOf` that failed (a string or an object
 * was allowed) comes with each alternative's own failure at the same place;
 * those are dropped. When an alternative failed deeper inside the value (an
 * object with a wrong field), that deeper error is the precise one and the
 * anyOf's is dropped; else the anyOf's description says what was allowed.
 * `if`/`then` failures only repeat their inner errors.
 */
function usefulErrors(errors: SchemaError[]): SchemaError[] {
  let kept = errors.filter((e) => e.keyword !== "if");
  for (const any of errors.filter((e) => e.keyword === "anyOf")) {
    const at = any.instancePath;
    kept = kept.filter((e) => e === any || e.instancePath !== at || e.keyword === "anyOf");
    const deeper = kept.some((e) => e.instancePath.startsWith(`${at}/`));
    if (deeper) kept = kept.filter((e) => e !== any);
  }
  // A key whose value failed its schema is also "unevaluated" (only passing
  // subschemas count as evaluating it): the deeper error is the real one.
  kept = kept.filter((e) => {
    const key = e.params.unevaluatedProperty as string | undefined;
    if (key === undefined) return true;
    const under = `${e.instancePath}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    return !kept.some((d) => d.instancePath === under || d.instancePath.startsWith(`${under}/`));
  });
  const seen = new Set<string>();
  return kept.filter((e) => {
    const key = `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** A JSON Pointer (`/interfaces/0/name`) as a path, with array indexes as numbers (walking the value to tell them apart). */
function pathOf(pointer: string, value: unknown): JsonPath {
  if (pointer === "") return [];
  const path: JsonPath = [];
  let at: unknown = value;
  for (const raw of pointer.slice(1).split("/")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const step = Array.isArray(at) ? Number(part) : part;
    path.push(step);
    at = at !== null && typeof at === "object" ? (at as Record<string | number, unknown>)[step] : undefined;
  }
  return path;
}

/** A path as it is written in messages: `interfaces[0].addresses[1]`. */
export function pathText(path: JsonPath): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `${i === 0 ? "" : "."}${p}` : `[${JSON.stringify(p)}]`))
    .join("");
}

/** A value shown briefly in a message. */
function shown(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return t("a list");
  if (typeof v === "object") return t("an object");
  if (typeof v === "number" && !Number.isFinite(v)) return t("a number too large for a double");
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The keys an object of this schema may have. */
function knownKeys(schema: SchemaError["parentSchema"]): string[] {
  const keys = Object.keys(schema?.properties ?? {});
  for (const part of schema?.allOf ?? []) keys.push(...Object.keys(part.then?.properties ?? {}));
  return [...new Set(keys)].filter((k) => k !== "$schema");
}

function unknownKeyMessage(key: string, schema: SchemaError["parentSchema"]): string {
  const keys = knownKeys(schema);
  const quoted = JSON.stringify(key);
  if (keys.includes(key)) {
    // Known to the schema, but only for another variant of the object.
    return Object.keys(schema?.properties ?? {}).includes("kind")
      ? t("key {} is not allowed with this object's other keys (it belongs to another \"kind\")", quoted)
      : t("key {} is not allowed with this object's other keys", quoted);
  }
  const near = keys.find((k) => k.toLowerCase() === key.toLowerCase());
  if (near) return t("unknown key {} (did you mean {}?)", quoted, JSON.stringify(near));
  return keys.length ? t("unknown key {} (expected {})", quoted, keys.map((k) => JSON.stringify(k)).join(", ")) : t("unknown key {}", quoted);
}

function problemOf(e: SchemaError, value: unknown): ShapeProblem {
  const path = pathOf(e.instancePath, value);
  const unknown = (e.params.additionalProperty ?? e.params.unevaluatedProperty) as string | undefined;
  if (unknown !== undefined) return { path, key: unknown, message: unknownKeyMessage(unknown, e.parentSchema) };
  const description = e.parentSchema?.description;
  if (e.keyword === "required") {
    const key = JSON.stringify(String(e.params.missingProperty));
    return { path, message: description ? t("missing {}: expected {}", key, t(description)) : t("missing {}", key) };
  }
  return { path, message: t("expected {}, got {}", description ? t(description) : fallbackExpectation(e), shown(e.data)) };
}

/** What a keyword asked for, for schema nodes without a description. */
function fallbackExpectation(e: SchemaError): string {
  const p = e.params;
  switch (e.keyword) {
    case "type": return t("a value of type {}", String(p.type));
    case "enum": return t("one of {}", (p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", "));
    case "const": return JSON.stringify(p.allowedValue);
    case "minimum": case "maximum": case "exclusiveMinimum": case "exclusiveMaximum": return t("a number {} {}", String(p.comparison), String(p.limit));
    case "minItems": return t("a list of at least {}", String(p.limit));
    case "maxItems": return t("a list of at most {}", String(p.limit));
    default: return t("a value that passes the schema's {}", e.keyword);
  }
}

/** Problems as one line for a message: the first, and how many more. */
export function problemsText(file: string, problems: ShapeProblem[]): string {
  const first = problems[0];
  const where = pathText(first.key === undefined ? first.path : [...first.path, first.key]);
  const more = problems.length - 1;
  const tail = more > 0 ? t(more === 1 ? " (and {} more problem)" : " (and {} more problems)", more) : "";
  return `${file}: ${where ? `${where}: ` : ""}${first.message}${tail}`;
}

/** An error that carries the problems of a JSON input by path, so a reader of the file's text can place each at its line. */
export interface ShapeProblems {
  problems: ShapeProblem[];
}

/** Whether an error carries located problems (NodeContextError and ScenarioError do when a file is wrong). */
export function hasShapeProblems(e: unknown): e is Error & ShapeProblems {
  const problems = e instanceof Error ? (e as Error & Partial<ShapeProblems>).problems : undefined;
  return Array.isArray(problems) && problems.length > 0;
}

/** A JSON input whose value does not have the shape of its format. */
export class JsonShapeError extends Error implements ShapeProblems {
  constructor(readonly file: string, readonly problems: ShapeProblem[]) {
    super(problemsText(file, problems));
  }
}

/** The value, once it has the shape of the `name` format; else throws JsonShapeError with every problem. */
export function checkShape<T>(name: SchemaName, value: unknown, file: string): T {
  const problems = shapeProblems(name, value);
  if (problems.length > 0) throw new JsonShapeError(file, problems);
  return value as T;
}
