/** The `verify` subcommand: run a scenario file against the Linux kernel and compare with the simulator. */
import { writeFileSync } from "node:fs";
import { netnsAvailable, LabError } from "../lab/netns.js";
import { parseScenarioFile, ScenarioError, verifyScenarios, type ScenarioFile, type ScenarioResult, type VerifyReport } from "../lab/scenarios.js";
import { readArgs, UsageError, type ArgSpec } from "./args.js";
import { didYouMean } from "./suggest.js";
import { fileProblem, InputError, jsonDiagnostics, loadDump, loadJsonFile, readInput, toJson } from "./io.js";
import type { Io } from "./commands.js";
import { loadNodeFile } from "./trace-commands.js";
import { wrap } from "./wrap.js";

/** A subcommand that runs asynchronously. */
export interface AsyncCommand {
  name: string;
  usage: string;
  summary: string;
  description?: string;
  spec: ArgSpec;
  exitStatus?: string;
  troubleStatus?: number;
  byteExact?: boolean;
  run(argv: string[], io: Io): Promise<number>;
}

/** verify's own statuses beyond 0, 1 and 2. */
export const VERIFY_STATUS = { disagrees: 3, noKernel: 4 } as const;

/** The agreement table: scenario, what the kernel did, what the simulator predicted, agree. */
export function agreementTable(results: ScenarioResult[]): string {
  const widths = [26, 46, 46, 5];
  const header = ["SCENARIO", "KERNEL", "SIMULATOR", "AGREE"];
  const rows = results.map((r) => [r.id, r.kernel, r.simulator + (r.agree ? "" : ` -- DIFFERS: ${r.reasons.join("; ")}`), r.agree ? "yes" : "NO"]);
  const lines: string[] = [];
  const emit = (cells: string[]) => {
    const wrapped = cells.map((c, i) => wrap(c, widths[i]));
    const height = Math.max(...wrapped.map((w) => w.length));
    for (let k = 0; k < height; k++) lines.push(wrapped.map((w, i) => (i === cells.length - 1 ? w[k] ?? "" : (w[k] ?? "").padEnd(widths[i]))).join("  ").trimEnd());
  };
  emit(header);
  lines.push(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) {
    emit(r);
    lines.push("");
  }
  return lines.join("\n").trimEnd();
}

/** `verify DUMP --node NODE.json --scenarios FILE.json [--json] [--write RESULTS.json]`. */
export const verify: AsyncCommand = {
  name: "verify",
  usage: "kube-iptables-lab verify DUMP --node NODE.json --scenarios FILE.json [--only ID[,ID...]] [--json] [--write RESULTS.json]",
  summary: "run scenarios against the Linux kernel to check the simulator",
  description: "run scenarios against the Linux kernel (network namespaces, root) and check the simulator agrees",
  spec: {
    positionals: ["DUMP"], values: ["--node", "--scenarios", "--write", "--only"], switches: ["--json"],
    help: {
      "--scenarios": { arg: "FILE.json", text: "the scenarios: the connections to open and the question each answers" },
      "--only": { arg: "ID[,ID...]", text: "run only these scenarios" },
      "--write": { arg: "RESULTS.json", text: "also write the agreement report, as JSON, to this file" },
    },
  },
  exitStatus: [
    "Exit status: 0 the kernel and the simulator agree on every scenario,",
    "1 errors in the input, 2 wrong usage,",
    `${VERIFY_STATUS.disagrees} the kernel disagrees with the simulator on some scenario,`,
    `${VERIFY_STATUS.noKernel} the kernel could not be asked (no network namespaces, not root, or the lab failed).`,
  ].join("\n"),
  async run(argv, io) {
    const args = readArgs(argv, this.spec);
    for (const required of ["--node", "--scenarios"]) if (!args.values[required]) throw new UsageError(`${required} is required`);
    const node = loadNodeFile(args.values["--node"]);
    const scenariosPath = args.values["--scenarios"];
    const scenarios: ScenarioFile = loadJsonFile(scenariosPath, parseScenarioFile);
    const only = args.values["--only"]?.split(",").filter((s) => s !== "");
    if (only) {
      const unknown = only.filter((id) => !scenarios.scenarios.some((s) => s.id === id));
      const ids = scenarios.scenarios.map((s) => s.id);
      if (unknown.length) throw new UsageError(`--only: no scenario called ${unknown.map((id) => `${id}${didYouMean(id, ids)}`).join(", ")}`);
    }
    const dumpPath = args.positionals[0];
    if (dumpPath === "-") throw new UsageError("verify needs the dump as a file, not standard input");
    const r = loadDump(dumpPath, io.err, jsonDiagnostics(args, io));
    if (!r) return 1;
    const available = netnsAvailable();
    if (!available.ok) {
      io.err(`kube-iptables-lab verify: network namespaces are unavailable, so the kernel cannot be asked: ${available.reason}`);
      return VERIFY_STATUS.noKernel;
    }
    let report: VerifyReport;
    try {
      report = await verifyScenarios(
        { dumpText: readInput(dumpPath), dump: r.dump, dumpFile: dumpPath, node, scenarios, dumpWarnings: r.warnings },
        {
          ...(only ? { only } : {}),
          onResult: (res, i, total) => io.err(`verify: [${i + 1}/${total}] ${res.id}: ${res.agree ? "agrees" : "DISAGREES"} (${res.seconds}s)`),
        },
      );
    } catch (e) {
      if (e instanceof LabError || e instanceof ScenarioError) {
        io.err(`kube-iptables-lab verify: the lab failed: ${e.message}`);
        return VERIFY_STATUS.noKernel;
      }
      throw e;
    }
    if (args.values["--write"]) {
      try {
        writeFileSync(args.values["--write"], toJson(report) + "\n");
      } catch (e) {
        throw new InputError(`cannot write ${args.values["--write"]}: ${fileProblem(e, "no such folder")}`);
      }
    }
    if (args.switches.has("--json")) io.out(toJson(report));
    else {
      io.out(agreementTable(report.scenarios));
      const bad = report.scenarios.filter((s) => !s.agree).length;
      io.out("");
      io.out(`${report.scenarios.length - bad} of ${report.scenarios.length} scenarios agree (${report.environment.iptables}, kernel ${report.environment.kernel}; ${report.seconds}s)`);
    }
    return report.allAgree ? 0 : VERIFY_STATUS.disagrees;
  },
};

/** The kernel lab's subcommands. */
export const VERIFY_COMMANDS: AsyncCommand[] = [verify];
