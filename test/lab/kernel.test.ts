// The kernel lab against the real Linux kernel: every wordpress scenario
// (data/wordpress/scenarios.json) must agree with the simulator.
//
// Needs root (network namespaces) and ip, iptables-legacy(-save/-restore),
// conntrack. Without them the tests are skipped with one line saying why,
// unless KIL_REQUIRE_KERNEL=1 (set by .ci/run), which makes that an error.
//
// Runtime on the 2-core development machine: about 60 s for this file, most
// of it the two split scenarios (1000 connections each, ~20 ms per connection
// including emptying conntrack and the lists, zeroing and reading the nat
// counters). False-failure rate: at most 1e-6 per run (the two statistical
// tests share that significance, 5e-7 each); with 1000 connections a two-way
// split of 0.6/0.4 instead of 1/2 is caught ~91% of the time, three-way shares
// like (1/3, 1/2, 1/6) always (data/wordpress/README.md has the details).
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../lib/cli/main.js";
import {
  liveNamespaces, netnsAvailable, orphanedNamespaces, parseScenarioFile, removeOrphanedNamespaces, verifyScenarios,
  type VerifyReport,
} from "../../lib/index.js";
import { dump, dumpText, node, root, scenariosJson } from "./support.js";

const availability = netnsAvailable();
const required = process.env.KIL_REQUIRE_KERNEL === "1";
if (!availability.ok && !required) console.warn(`kernel lab tests skipped: ${availability.reason}`);

function ourNamespaces(pid = process.pid): string[] {
  const r = spawnSync("ip", ["netns", "list"], { encoding: "utf8", timeout: 10_000 });
  return (r.stdout ?? "").split("\n").map((l) => l.split(" ")[0] ?? "").filter((n) => n.startsWith(`kilab-${pid}-`));
}

function requireKernel(): void {
  if (!availability.ok) throw new Error(`kernel lab tests required (KIL_REQUIRE_KERNEL=1) but unavailable: ${availability.reason}`);
}

describe.runIf(availability.ok || required)("the kernel lab", () => {
  it("agrees with the simulator on every wordpress scenario", async () => {
    requireKernel();
    const report: VerifyReport = await verifyScenarios({
      dumpText, dump, dumpFile: "data/wordpress/iptables-save.txt", node,
      scenarios: parseScenarioFile(scenariosJson, "data/wordpress/scenarios.json"),
    });
    const disagreements = report.scenarios.filter((s) => !s.agree).map((s) => `${s.id}: ${s.reasons.join("; ")} [kernel: ${s.kernel}] [simulator: ${s.simulator}]`);
    expect(disagreements).toEqual([]);
    expect(report.allAgree).toBe(true);
    expect(report.scenarios).toHaveLength(scenariosJson.scenarios.length);
    // The questions' answers, spelled out for the ones with a single outcome.
    const byId = new Map(report.scenarios.map((s) => [s.id, s]));
    expect(byId.get("grafana-hairpin")!.kernel).toMatch(/^10\.253\.51\.3:3000 answered, saw 10\.253\.51\.1:/);
    expect(byId.get("node-to-kubernetes-api")!.kernel).toMatch(/^172\.16\.1\.10:6443 answered, saw 172\.16\.1\.10:/);
    expect(byId.get("port-without-rule")!.kernel).toMatch(/^10\.254\.42\.62:81 reached the lab's probe, saw 172\.16\.1\.10:\d+ \(the probe answers the whole service range/);
    expect(byId.get("remote-pod-to-local-pod")!.kernel).toMatch(/saw 10\.253\.25\.9:/);
    expect(byId.get("split-heketi")!.split!.counts).toHaveLength(3);
    // Nothing is left behind.
    expect(ourNamespaces()).toEqual([]);
    expect(liveNamespaces()).toEqual([]);
  }, 240_000);

  it("runs from the command line: verify --only ... --write, exit 0 when all agree", async () => {
    requireKernel();
    const dir = join(root, "test-output", "lab");
    mkdirSync(dir, { recursive: true });
    const results = join(dir, `agreement-${process.pid}.json`);
    const out: string[] = [], err: string[] = [];
    const code = await main([
      "verify", join(root, "data/wordpress/iptables-save.txt"), "--node", join(root, "data/wordpress/node.json"),
      "--scenarios", join(root, "data/wordpress/scenarios.json"), "--only", "pod-to-remote-pod,pod-dns-udp", "--write", results,
    ], { out: (s) => out.push(s), err: (s) => err.push(s) });
    expect(err.join("\n")).toMatch(/\[2\/2\] pod-dns-udp: agrees/);
    expect(code).toBe(0);
    expect(out.join("\n")).toMatch(/^SCENARIO\s+KERNEL\s+SIMULATOR\s+AGREE/);
    expect(out.join("\n")).toMatch(/2 of 2 scenarios agree/);
    const written = JSON.parse(readFileSync(results, "utf8"));
    expect(written).toMatchObject({ format: "kube-iptables-lab/kernel-agreement@2", allAgree: true, dumpWarnings: [] });
    expect(written.scenarios.map((s: { id: string }) => s.id)).toEqual(["pod-to-remote-pod", "pod-dns-udp"]);
    rmSync(results, { force: true });
    expect(ourNamespaces()).toEqual([]);
  }, 60_000);

  it("verify --json carries the dump's warnings that it printed, in dumpWarnings", async () => {
    requireKernel();
    const dir = join(root, "test-output", "lab");
    mkdirSync(dir, { recursive: true });
    // A Latin-1 byte in a comment: iptables-restore skips the line, the parser warns about it.
    const latin1 = join(dir, `latin1-${process.pid}.save`);
    writeFileSync(latin1, Buffer.concat([Buffer.from("# caf"), Buffer.from([0xe9]), Buffer.from("\n"), readFileSync(join(root, "data/wordpress/iptables-save.txt"))]));
    const out: string[] = [], err: string[] = [];
    const code = await main([
      "verify", latin1, "--node", join(root, "data/wordpress/node.json"),
      "--scenarios", join(root, "data/wordpress/scenarios.json"), "--only", "pod-dns-udp", "--json",
    ], { out: (s) => out.push(s), err: (s) => err.push(s) });
    rmSync(latin1, { force: true });
    expect(code).toBe(0);
    const report = JSON.parse(out.join("\n"));
    expect(report.format).toBe("kube-iptables-lab/kernel-agreement@2");
    expect(report.dumpWarnings.map((w: { line: number; code: string }) => `${w.line} ${w.code}`)).toEqual(["1 not-utf8"]);
    expect(err[0]).toBe(`${latin1}:1:6: warning: ${report.dumpWarnings[0].message}`);
    expect(ourNamespaces()).toEqual([]);
  }, 60_000);

  describe("cleanup when the process running a lab dies", () => {
    // The library, transpiled as is into a scratch folder, runs a lab in a child
    // Node process that is then killed while the lab is up.
    const dir = join(root, "test-output", `lab-child-${process.pid}`);
    let built = false;
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    function childProgram(): string {
      if (built) return dir;
      built = true;
      rmSync(dir, { recursive: true, force: true });
      const lib = join(root, "lib");
      for (const f of readdirSync(lib, { recursive: true }) as string[]) {
        if (!f.endsWith(".ts")) continue;
        const js = ts.transpileModule(readFileSync(join(lib, f), "utf8"), {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        }).outputText;
        const target = join(dir, "lib", f.replace(/\.ts$/, ".js"));
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, js);
      }
      cpSync(join(lib, "lab", "agents"), join(dir, "lib", "lab", "agents"), { recursive: true });
      writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
      writeFileSync(join(dir, "main.js"), `
import { readFileSync } from "node:fs";
import { Lab, loadNodeContext, parseDump } from "./lib/index.js";
const text = readFileSync(${JSON.stringify(join(root, "data/wordpress/iptables-save.txt"))}, "utf8");
const node = loadNodeContext(JSON.parse(readFileSync(${JSON.stringify(join(root, "data/wordpress/node.json"))}, "utf8")));
const lab = await Lab.open({ dumpText: text, dump: parseDump(text).dump, node, clients: [{ src: "172.16.1.100" }] });
const obs = await lab.connect({ src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }, 0);
console.log("UP " + JSON.stringify(Object.values(lab.namespaces)) + " " + obs.server);
if (process.argv[2] === "exit") setTimeout(() => process.exit(3), 100);
setTimeout(() => {}, 60000);
`);
      return dir;
    }

    for (const ending of ["SIGTERM", "SIGINT", "exit", "SIGKILL"] as const) {
      it(`leaves no namespace behind on ${ending}${ending === "SIGKILL" ? " (removed by the next lab as orphans)" : ""}`, async () => {
        requireKernel();
        childProgram();
        const child = spawn(process.execPath, [join(dir, "main.js"), ending], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "", err = "";
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        const up = await new Promise<string[]>((resolve, reject) => {
          const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`the child lab did not come up: ${err}`));
          }, 120_000); // a guard against a hang, not a speed check: on a loaded machine setup takes long
          child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            const m = /UP (\[[^\]]*\]) (\S+)/.exec(out);
            if (m) {
              clearTimeout(timer);
              expect(m[2]).toMatch(/^10\.253\.(25|84)\.4:80$/);
              resolve(JSON.parse(m[1]) as string[]);
            }
          });
        });
        expect(up).toHaveLength(7); // node, via-eth0, a namespace per pod of k8s01 behind docker0 (4), via-flannel.1
        expect(ourNamespaces(child.pid)).toEqual(expect.arrayContaining(up));
        const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
        if (ending !== "exit") child.kill(ending);
        // A guard against a hang, not a speed check: tearing down seven namespaces is slow on a loaded machine.
        let guard: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((_, reject) => (guard = setTimeout(() => reject(new Error("the child did not exit")), 120_000)))]);
        clearTimeout(guard);
        if (ending === "SIGKILL") {
          expect(orphanedNamespaces()).toEqual(expect.arrayContaining(up));
          expect(removeOrphanedNamespaces()).toEqual(expect.arrayContaining(up));
        }
        expect(ourNamespaces(child.pid)).toEqual([]);
      }, 300_000);
    }
  });
});
