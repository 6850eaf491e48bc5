/** The `kube-iptables-lab` command line: dispatches to a subcommand and maps errors to exit codes (lib/cli/bin.ts runs it). */
import { COMMANDS as BASE_COMMANDS, STANDARD_EXIT_STATUS, type Io } from "./commands.js";
import { TRACE_COMMANDS } from "./trace-commands.js";
import { diffCommand } from "./diff-command.js";
import { GENERATE_COMMAND } from "./generate-command.js";
import { VERIFY_COMMANDS, VERIFY_STATUS, type AsyncCommand } from "./verify-command.js";

type AnyCommand = Omit<AsyncCommand, "run"> & { run(argv: string[], io: Io): number | Promise<number> };
export const COMMANDS: AnyCommand[] = [...BASE_COMMANDS, ...TRACE_COMMANDS, ...VERIFY_COMMANDS, GENERATE_COMMAND, diffCommand];
import { optionsHelp, UsageError } from "./args.js";
import { packageVersion } from "./version.js";
import { terminalSafe } from "./terminal.js";
import { InputError } from "./io.js";
import { didYouMean } from "./suggest.js";
import { fill, usageText } from "./wrap.js";

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "usage: kube-iptables-lab COMMAND [options]",
    "A FILE or DUMP given as - is read from standard input (one per command).",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "examples (from the kit's folder):",
    "  kube-iptables-lab services data/wordpress/iptables-save.txt",
    "  kube-iptables-lab trace data/wordpress/iptables-save.txt \\",
    "      --node data/wordpress/node.json -s 172.16.1.100 -d 10.254.42.62:80",
    "  sudo iptables-save | kube-iptables-lab services -",
    "",
    "'kube-iptables-lab COMMAND --help' or 'help COMMAND': a command's options.",
    "'kube-iptables-lab --version': the version.",
    "",
    STANDARD_EXIT_STATUS,
    "diff: 0 same, 1 different, 2 trouble, as diff(1).",
    `verify: ${VERIFY_STATUS.disagrees} the kernel disagrees with the simulator, ${VERIFY_STATUS.noKernel} it could not be asked.`,
  ].join("\n");
}

/** Run the command line; returns the exit code (a promise of it for commands that run asynchronously, such as verify). */
export function main(argv: string[], channels: Io): number | Promise<number> {
  const [name, ...rest] = argv;
  let io = safeIo(channels, false);
  const asked = name === "help" ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
  if (asked) {
    io.out(commandHelp(asked));
    return 0;
  }
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.err : io.out)(help());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    io.out(`kube-iptables-lab ${packageVersion()}`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`kube-iptables-lab: unknown command '${name}'${didYouMean(name, COMMANDS.map((c) => c.name))}\n${help()}`);
    return 2;
  }
  const options = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
  if (options.includes("--version") || options.includes("-V")) {
    io.out(`kube-iptables-lab ${packageVersion()}`);
    return 0;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(commandHelp(command));
    return 0;
  }
  io = safeIo(channels, command.byteExact === true);
  const failed = (e: unknown): number => {
    if (e instanceof UsageError) {
      io.err(`kube-iptables-lab ${name}: ${e.message}\nusage: ${command.usage}`);
      return 2;
    }
    if (e instanceof InputError) {
      io.err(e.located ? e.message : `kube-iptables-lab ${name}: ${e.message}`);
      return command.troubleStatus ?? 1;
    }
    // A mistake of ours rather than the user's: still one line, never a stack trace.
    io.err(`kube-iptables-lab ${name}: internal error: ${oneLineError(e)}`);
    return command.troubleStatus ?? 1;
  };
  try {
    // Standard input can be read once: a second "-" would read nothing and be taken for an empty file.
    if (rest.filter((a) => a === "-" || /^--[a-z-]+=-$/.test(a)).length > 1) throw new UsageError("only one input can be standard input (-)");
    const code = command.run(rest, io);
    return typeof code === "number" ? code : code.catch(failed);
  } catch (e) {
    return failed(e);
  }
}

/** A command's --help: its usage, what it does, its options and its exit statuses, in 80 columns. */
function commandHelp(command: AnyCommand): string {
  return `${usageText(command.usage)}\n\n${fill(command.description ?? command.summary)}\n\n${optionsHelp(command.spec)}\n\n${fill(command.exitStatus ?? STANDARD_EXIT_STATUS)}`;
}

/** The same channels with terminal controls from a dump shown escaped (standard output kept byte for byte off a terminal when asked). */
function safeIo(io: Io, byteExact: boolean): Io {
  return {
    out: byteExact && !io.terminal ? io.out : (s) => io.out(terminalSafe(s)),
    err: (s) => io.err(terminalSafe(s)),
    terminal: io.terminal,
  };
}

/** An unexpected error as one line: its message (or its text), line breaks folded. */
export function oneLineError(e: unknown): string {
  const text = e instanceof Error ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}` : String(e);
  return text.replace(/\s*\n\s*/g, " ");
}
