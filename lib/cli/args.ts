/** Reading a command's arguments with node:util parseArgs: options are declared, anything else is a usage error. */
import { parseArgs } from "node:util";
import { didYouMean } from "./suggest.js";
import { hanging } from "./wrap.js";

/** What an option means, for --help: its value's placeholder (none for a switch) and one line of text. */
export interface OptionHelp {
  arg?: string;
  text: string;
}

/** How a command's arguments are declared. */
export interface ArgSpec {
  /** Options that take a value, e.g. `--node`. */
  values?: string[];
  /** Options that are on or off, e.g. `--json`. */
  switches?: string[];
  /** Names of positional arguments, in order (a trailing `?` marks one optional). */
  positionals: string[];
  /** What each option means (options of COMMON_OPTIONS may be left out). */
  help?: Record<string, OptionHelp>;
}

/** Parsed arguments. */
export interface Args {
  positionals: string[];
  /** Values by long option, e.g. `values["--node"]`. */
  values: Record<string, string>;
  /** Switches given, by long option, e.g. `"--json"`. */
  switches: Set<string>;
}

/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {}

/** Options that mean the same in every command that takes them. */
export const COMMON_OPTIONS: Record<string, OptionHelp> = {
  "--json": { text: "print JSON instead of text" },
  "--node": { arg: "NODE.json", text: "the node description: interfaces, addresses, routes, cluster ranges" },
  "--help": { text: "print this help" },
  "--version": { text: "print the version of kube-iptables-lab" },
};

/** The short options iptables users type, where they mean what iptables means by them. */
export const SHORT_OPTIONS: Record<string, string> = { "--src": "s", "--dst": "d", "--proto": "p", "--in": "i", "--help": "h", "--version": "V" };

/** The help of an option: the command's own, else the common one. */
export function optionHelp(spec: ArgSpec, flag: string): OptionHelp | undefined {
  return spec.help?.[flag] ?? COMMON_OPTIONS[flag];
}

/** The options block of a command's --help: one line per option (its text wrapped), short alias first. */
export function optionsHelp(spec: ArgSpec): string {
  const flags = longOptions(spec);
  const left = flags.map((f) => {
    const short = SHORT_OPTIONS[f] ? `-${SHORT_OPTIONS[f]}, ` : "    ";
    const arg = optionHelp(spec, f)?.arg ?? (spec.values?.includes(f) ? "VALUE" : "");
    return `${short}${f}${arg ? ` ${arg}` : ""}`;
  });
  const width = Math.max(...left.map((l) => l.length));
  // An option's text wraps under itself, so the block fits 80 columns.
  return ["options:", ...flags.map((f, i) => `  ${left[i].padEnd(width)}  ${hanging(optionHelp(spec, f)?.text ?? "", width + 4)}`.trimEnd())].join("\n");
}

/** Every long option a command takes, --help and --version included. */
function longOptions(spec: ArgSpec): string[] {
  return [...(spec.values ?? []), ...(spec.switches ?? []), "--help", "--version"];
}

type ParseArgsOptions = Record<string, { type: "string" | "boolean"; short?: string }>;

function parseArgsOptions(spec: ArgSpec): ParseArgsOptions {
  const options: ParseArgsOptions = {};
  const add = (flag: string, type: "string" | "boolean") => {
    const short = SHORT_OPTIONS[flag];
    options[flag.slice(2)] = { type, ...(short ? { short } : {}) };
  };
  for (const f of spec.values ?? []) add(f, "string");
  for (const f of spec.switches ?? []) add(f, "boolean");
  return options;
}

/** parseArgs's own message turned into ours: short, and naming the option as the user wrote it. */
function usageMessage(e: Error & { code?: string }, spec: ArgSpec): string {
  const option = /'(-[^' ,]+)(?:, (--[^' ]+))?/.exec(e.message);
  const named = option ? (option[2] ?? option[1]) : "";
  if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${named}${named.startsWith("--") ? didYouMean(named.replace(/=.*/s, ""), longOptions(spec)) : ""}`;
  if (/does not take an argument/.test(e.message)) return `${named} takes no value`;
  if (/argument is ambiguous/.test(e.message)) return `${named} expects a value (for one that starts with '-', write ${named}=VALUE)`;
  if (/argument missing/.test(e.message)) return `${named} expects a value`;
  return e.message;
}

/** Read argv against a spec; throws UsageError with a plain message. */
export function readArgs(argv: string[], spec: ArgSpec): Args {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: parseArgsOptions(spec), allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code?.startsWith("ERR_PARSE_ARGS_")) throw new UsageError(usageMessage(e as Error, spec));
    throw e;
  }
  const out: Args = { positionals: parsed.positionals, values: {}, switches: new Set() };
  for (const t of parsed.tokens) {
    if (t.kind !== "option") continue;
    const flag = `--${t.name}`;
    if (t.value === undefined) out.switches.add(flag);
    else if (flag in out.values) throw new UsageError(`${flag} given twice`);
    else out.values[flag] = t.value;
  }
  const required = spec.positionals.filter((p) => !p.endsWith("?")).length;
  if (out.positionals.length < required) throw new UsageError(`missing ${spec.positionals[out.positionals.length]}`);
  if (out.positionals.length > spec.positionals.length) throw new UsageError(`unexpected argument '${out.positionals[spec.positionals.length]}'`);
  return out;
}
