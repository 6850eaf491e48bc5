/** `kube-iptables-lab diff OLD NEW`: which Services changed between two dumps, and the rules behind it. */
import { diffDumps } from "../compare/diff.js";
import { formatPercent } from "../math/fraction.js";
import { readArgs } from "./args.js";
import { jsonDiagnostics, loadDump, toJson } from "./io.js";
import { FORMATS } from "../json/formats.js";
import { textTable, type Command } from "./commands.js";

/** The diff subcommand. */
export const diffCommand: Command = {
  name: "diff",
  usage: "kube-iptables-lab diff OLD NEW [--json]",
  summary: "the Services and rules that differ between two dumps",
  description: "compare two dumps: Services added, removed or changed (endpoint shares before and after), and the rules that differ",
  spec: { positionals: ["OLD", "NEW"], switches: ["--json"] },
  exitStatus: "Exit status (as diff(1)): 0 the dumps mean the same (same Services, same rules), 1 they differ, 2 trouble (errors in the input, wrong usage).",
  troubleStatus: 2,
  run(argv, io) {
    const args = readArgs(argv, this.spec);
    // Under --json, the first dump with errors gives the one JSON document; both are listed on stderr.
    const json = jsonDiagnostics(args, io);
    const a = loadDump(args.positionals[0], io.err, json);
    const b = loadDump(args.positionals[1], io.err, a ? json : undefined);
    if (!a || !b) return 2;
    const d = diffDumps(a.dump, b.dump);
    const status = d.added.length || d.removed.length || d.changed.length || d.rules.length ? 1 : 0;
    if (args.switches.has("--json")) {
      io.out(toJson({
        format: FORMATS.diff, old: a.dump.file, new: b.dump.file,
        added: d.added.map((s) => s.id), removed: d.removed.map((s) => s.id), unchanged: d.unchanged,
        changed: d.changed.map((c) => ({ service: c.after.id, fields: c.fields, endpoints: c.endpoints })),
        rules: d.rules, dumpWarnings: [...a.warnings, ...b.warnings],
      }));
      return status;
    }
    const rows: string[][] = [];
    for (const s of d.added) rows.push(["added", s.id, "", "", ""]);
    for (const s of d.removed) rows.push(["removed", s.id, "", "", ""]);
    for (const c of d.changed)
      c.endpoints.forEach((e, i) => rows.push([i === 0 ? `changed (${c.fields.join(", ")})` : "", i === 0 ? c.after.id : "", e.endpoint,
        e.before.num === 0n ? "-" : formatPercent(e.before), e.after.num === 0n ? "-" : formatPercent(e.after)]));
    io.out(rows.length ? textTable(["", "SERVICE PORT", "ENDPOINT", "SHARE BEFORE", "SHARE AFTER"], rows) : "No Service differs.");
    io.out(`\n${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.unchanged} unchanged service ports`);
    if (d.rules.length) {
      io.out("\nRules only in one dump (- old, + new, with line numbers):");
      for (const c of d.rules) {
        io.out(`  ${c.table} ${c.chain}`);
        for (const r of c.removed) io.out(`    - ${args.positionals[0]}:${r.line}  ${r.text}`);
        for (const r of c.added) io.out(`    + ${args.positionals[1]}:${r.line}  ${r.text}`);
      }
    }
    return status;
  },
};
