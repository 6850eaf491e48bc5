/** A small, strict command-line reader: flags are declared, anything else is a usage error. */

/** How a command's arguments are declared. */
export interface ArgSpec {
  /** Flags that take a value, e.g. `--node`. */
  values?: string[];
  /** Flags that are on or off, e.g. `--json`. */
  switches?: string[];
  /** Names of positional arguments, in order (a trailing `?` marks one optional). */
  positionals: string[];
}

/** Parsed arguments. */
export interface Args {
  positionals: string[];
  values: Record<string, string>;
  switches: Set<string>;
}

/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {}

/** Read argv against a spec; throws UsageError with a plain message. */
export function readArgs(argv: string[], spec: ArgSpec): Args {
  const out: Args = { positionals: [], values: {}, switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--") && a.length > 2) {
      const eq = a.indexOf("=");
      const name = eq >= 0 ? a.slice(0, eq) : a;
      if (spec.switches?.includes(name)) {
        if (eq >= 0) throw new UsageError(`${name} takes no value`);
        out.switches.add(name);
      } else if (spec.values?.includes(name)) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(`${name} expects a value`);
        out.values[name] = v;
      } else throw new UsageError(`unknown option ${name}`);
    } else if (a.startsWith("-") && a !== "-") {
      throw new UsageError(`unknown option ${a}`);
    } else out.positionals.push(a);
  }
  const required = spec.positionals.filter((p) => !p.endsWith("?")).length;
  if (out.positionals.length < required) throw new UsageError(`missing ${spec.positionals[out.positionals.length]}`);
  if (out.positionals.length > spec.positionals.length) throw new UsageError(`unexpected argument '${out.positionals[spec.positionals.length]}'`);
  return out;
}
