// The kernel lab on a node whose pod-facing link holds only a 169.254.1.1/32 of scope link
// (data/link-scope-today): MASQUERADE must pick eth0's address as the kernel does, for a local
// endpoint, a remote endpoint, hairpin and the node itself. Needs root; skipped with one line
// without it, unless KIL_REQUIRE_KERNEL=1 (set by .ci/run). About 5 s.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  liveNamespaces, loadNodeContext, netnsAvailable, parseDump, parseScenarioFile, planLab, scenarioClients, verifyScenarios,
} from "../../lib/index.js";
import { root } from "./support.js";

const availability = netnsAvailable();
const required = process.env.KIL_REQUIRE_KERNEL === "1";
if (!availability.ok && !required) console.warn(`kernel lab tests (link-scope node) skipped: ${availability.reason}`);

const dir = "data/link-scope-today";
const dumpText = readFileSync(`${root}${dir}/iptables-save.txt`, "utf8");
const parsed = parseDump(dumpText, { file: `${dir}/iptables-save.txt` });
const node = loadNodeContext(JSON.parse(readFileSync(`${root}${dir}/node.json`, "utf8")), `${dir}/node.json`);
const scenarios = parseScenarioFile(JSON.parse(readFileSync(`${root}${dir}/scenarios.json`, "utf8")), `${dir}/scenarios.json`);

describe(`${dir}`, () => {
  it("reads, and the lab gives cali1 its address with scope link", () => {
    expect(parsed.errors).toEqual([]);
    expect(node.interfaces.find((i) => i.name === "cali1")!.addresses).toEqual([{ address: "169.254.1.1", prefix: 32, scope: "link" }]);
    const plan = planLab(parsed.dump, node, { clients: scenarioClients(scenarios) });
    const nodeNs = plan.namespaces.find((n) => n.role === "node")!;
    expect(nodeNs.addresses.find((a) => a.dev === "cali1")).toMatchObject({ cidr: "169.254.1.1/32", scope: "link" });
  });

  it.runIf(availability.ok || required)("iptables-save.txt is what iptables-nft-save prints after loading kube-proxy-input.txt (make.sh --check)", () => {
    if (!availability.ok) throw new Error(`kernel lab tests required (KIL_REQUIRE_KERNEL=1) but unavailable: ${availability.reason}`);
    const r = spawnSync("bash", [`${root}${dir}/make.sh`, "--check"], { encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 60_000);

  it.runIf(availability.ok || required)("agrees with the kernel on every scenario: masqueraded connections come from eth0's 192.168.0.2", async () => {
    if (!availability.ok) throw new Error(`kernel lab tests required (KIL_REQUIRE_KERNEL=1) but unavailable: ${availability.reason}`);
    const report = await verifyScenarios({ dumpText, dump: parsed.dump, dumpFile: `${dir}/iptables-save.txt`, node, scenarios });
    const disagreements = report.scenarios.filter((s) => !s.agree).map((s) => `${s.id}: ${s.reasons.join("; ")} [kernel: ${s.kernel}] [simulator: ${s.simulator}]`);
    expect(disagreements).toEqual([]);
    expect(report.scenarios).toHaveLength(scenarios.scenarios.length);
    const byId = new Map(report.scenarios.map((s) => [s.id, s]));
    for (const id of ["outside-to-nodeport-local", "outside-to-clusterip-local", "outside-to-nodeport-remote", "pod-hairpin", "node-to-clusterip-local"])
      expect(byId.get(id)!.kernel).toMatch(/ answered, saw 192\.168\.0\.2:/);
    expect(byId.get("pod-to-remote-service")!.kernel).toMatch(/^10\.244\.2\.7:8080 answered, saw 10\.244\.1\.5:/);
    expect(liveNamespaces()).toEqual([]);
  }, 120_000);
});
