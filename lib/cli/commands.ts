/** The subcommands: parse, services, format. Each returns its exit code. */
import type { Dump, Rule } from "../model/dump.js";
import { flaggedParts, isFlagged } from "../model/predicates.js";
import { formatDump } from "../format/format.js";
import { formatPercent, toNumber } from "../math/fraction.js";
import { services, type KubeService } from "../services/catalog.js";
import { readArgs, type ArgSpec } from "./args.js";
import { jsonDiagnostics, loadDump, toJson } from "./io.js";
import { FORMATS } from "../json/formats.js";
import { lintCommand } from "./lint-command.js";

/** Output channels, so tests can capture them. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
  /** Whether standard output is a terminal (format then escapes controls too). */
  terminal?: boolean;
}

/** One subcommand. */
export interface Command {
  name: string;
  usage: string;
  /** One line for the list of commands (it fits 80 columns beside the name). */
  summary: string;
  /** What the command does, for its own --help, when there is more to say than the summary. */
  description?: string;
  spec: ArgSpec;
  /** The exit statuses, for --help, when they are not the usual ones (STANDARD_EXIT_STATUS). */
  exitStatus?: string;
  /** The status for bad input (and for an unexpected failure), when it is not 1: diff(1) says 2. */
  troubleStatus?: number;
  /** Standard output is input for another program, byte for byte: controls are escaped only on a terminal. */
  byteExact?: boolean;
  run(argv: string[], io: Io): number;
}

/** What most commands exit with. */
export const STANDARD_EXIT_STATUS = "Exit status: 0 success, 1 errors in the input, 2 wrong usage.";

/** A fixed-width text table. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

/** The parse command's summary: one row per table, then every flagged rule; counted in one pass over the rules. */
function summarize(dump: Dump): string {
  const flagged: Rule[] = [];
  const rows = dump.tables.map((t) => {
    let rules = 0, user = 0;
    const before = flagged.length;
    for (const c of t.chains) {
      if (!c.builtin) user++;
      rules += c.rules.length;
      for (const r of c.rules) if (isFlagged(r)) flagged.push(r);
    }
    return [t.name, String(t.chains.length), String(user), String(rules), String(flagged.length - before)];
  });
  let s = textTable(["TABLE", "CHAINS", "USER-CHAINS", "RULES", "FLAGGED"], rows);
  if (dump.tables.length === 0) s += `\n(no tables: ${dump.file} is empty or holds only comments)`;
  if (flagged.length) {
    s += "\n\nFlagged rules (kept, but the simulator cannot decide them):";
    for (const r of flagged) for (const p of flaggedParts(r)) s += `\n  ${dump.file}:${r.line}: ${p.reason}: ${p.text}`;
  }
  return s;
}

const parse: Command = {
  name: "parse",
  usage: "kube-iptables-lab parse FILE [--json]",
  summary: "a table-by-table summary of a dump (or its model as JSON)",
  description: "read an iptables-save dump; print a summary per table (or the model as JSON)",
  spec: { positionals: ["FILE"], switches: ["--json"] },
  run(argv, io) {
    const args = readArgs(argv, this.spec);
    const r = loadDump(args.positionals[0], io.err, jsonDiagnostics(args, io));
    if (!r) return 1;
    io.out(args.switches.has("--json") ? toJson({ format: FORMATS.parse, dump: r.dump, warnings: r.warnings }) : summarize(r.dump));
    return 0;
  },
};

function endpointsText(s: KubeService): string {
  if (s.endpoints.length === 0) return "(none)";
  return s.endpoints.map((e) => `${e.ip}:${e.port} ${formatPercent(e.probability)}`).join(", ");
}

/** Why a dump gave no Service, so that an empty table is not mistaken for an answer. */
function whyNoServices(dump: Dump): string {
  const nat = dump.tables.find((t) => t.name === "nat");
  if (dump.tables.length === 0)
    return `(no tables: ${dump.file} is empty or holds only comments; iptables-save prints nothing when the kernel has no table of its kind: on a node, try iptables-legacy-save and iptables-nft-save, one of which holds kube-proxy's rules)`;
  if (!nat) return `(${dump.file} has no nat table, where kube-proxy writes its Services: save every table, not only one with -t)`;
  if (!nat.chains.some((c) => c.name === "KUBE-SERVICES"))
    return "(the nat table has no KUBE-SERVICES chain: kube-proxy in iptables mode did not program this node; in IPVS or nftables mode the Services are not in iptables)";
  return "(KUBE-SERVICES in the nat table leads to no Service chain, KUBE-SVC-...: no Service port was programmed here)";
}

const servicesCommand: Command = {
  name: "services",
  usage: "kube-iptables-lab services FILE [--json]",
  summary: "the Service ports recovered from kube-proxy's chains",
  description: "list the Kubernetes Service ports recovered from kube-proxy's chains",
  spec: { positionals: ["FILE"], switches: ["--json"] },
  run(argv, io) {
    const args = readArgs(argv, this.spec);
    const r = loadDump(args.positionals[0], io.err, jsonDiagnostics(args, io));
    if (!r) return 1;
    const list = services(r.dump);
    if (args.switches.has("--json")) {
      const described = list.map((s) => ({ ...s, endpoints: s.endpoints.map((e) => ({ ...e, probabilityValue: toNumber(e.probability) })) }));
      io.out(toJson({ format: FORMATS.services, file: r.dump.file, services: described, dumpWarnings: r.warnings }));
      return 0;
    }
    const rows = list.map((s) => [
      s.id, s.protocol, s.clusterIP ? `${s.clusterIP}:${s.port}` : "-", s.nodePort ? String(s.nodePort) : "-",
      s.affinity ? `ClientIP ${s.affinity.timeoutSeconds}s` : "None", s.chain, endpointsText(s),
    ]);
    io.out(textTable(["SERVICE PORT", "PROTO", "CLUSTER-IP", "NODEPORT", "AFFINITY", "CHAIN", "ENDPOINTS (share of new clients)"], rows));
    const problems = list.flatMap((s) => s.problems.map((p) => `${s.id}: ${p}`));
    if (problems.length) io.out("\nProblems:\n" + problems.map((p) => `  ${p}`).join("\n"));
    io.out(`\n${list.length} service port${list.length === 1 ? "" : "s"}`);
    if (list.length === 0) io.out(whyNoServices(r.dump));
    return 0;
  },
};

const format: Command = {
  name: "format",
  usage: "kube-iptables-lab format FILE",
  summary: "print the dump back as iptables-save would print it",
  spec: { positionals: ["FILE"] },
  byteExact: true,
  run(argv, io) {
    const args = readArgs(argv, this.spec);
    const r = loadDump(args.positionals[0], io.err);
    if (!r) return 1;
    const text = formatDump(r.dump);
    // An empty ruleset is 0 bytes, as iptables-save writes it: nothing to print, not even a newline.
    if (text === "") return 0;
    // io.out adds the final "\n"; a CRLF file keeps its "\r" so the output is byte-identical.
    io.out(text.endsWith("\n") ? text.slice(0, -1) : text);
    return 0;
  },
};

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: Command[] = [parse, servicesCommand, format, lintCommand];
