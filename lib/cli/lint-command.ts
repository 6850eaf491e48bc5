/** `kube-iptables-lab lint DUMP`: the parts of a dump that do nothing, each with its line and whether it is harmless. */
import { lintDump } from "../lint/lint.js";
import { readArgs } from "./args.js";
import { jsonDiagnostics, loadDump, toJson } from "./io.js";
import { FORMATS } from "../json/formats.js";
import type { Command } from "./commands.js";

/** The lint subcommand. */
export const lintCommand: Command = {
  name: "lint",
  usage: "kube-iptables-lab lint DUMP [--json]",
  summary: "what does nothing: unused chains, dead rules, unread marks",
  description: "find what does nothing: chains never jumped to or unreachable, empty chains, rules an earlier rule always decides, marks set but never read (and read but never set)",
  spec: { positionals: ["DUMP"], switches: ["--json"] },
  run(argv, io) {
    const args = readArgs(argv, this.spec);
    const r = loadDump(args.positionals[0], io.err, jsonDiagnostics(args, io));
    if (!r) return 1;
    const findings = lintDump(r.dump);
    if (args.switches.has("--json")) {
      io.out(toJson({ format: FORMATS.lint, file: r.dump.file, findings, dumpWarnings: r.warnings }));
      return 0;
    }
    for (const f of findings) {
      io.out(`${r.dump.file}:${f.line ?? "-"}: ${f.kind}: ${f.message}`);
      io.out(`    ${f.harmless ? "harmless" : "not harmless"}: ${f.why}`);
    }
    const risky = findings.filter((f) => !f.harmless).length;
    io.out(`${findings.length} finding${findings.length === 1 ? "" : "s"}, ${risky} not harmless`);
    return 0;
  },
};
