// The kernel lab on today's kube-proxy: every scenario of data/wordpress-today and
// data/policies-today must agree with the simulator (traffic policies, KUBE-EXT, load balancer
// source ranges, external IPs, REJECT and DROP in the filter table, KUBE-POSTROUTING).
//
// Needs root (network namespaces) and ip, iptables-legacy(-save/-restore), conntrack, and
// br_netfilter for the bridge the lab puts this node's pods on. Without them the tests are
// skipped with one line saying why, unless KIL_REQUIRE_KERNEL=1 (set by .ci/run), which makes
// that an error.
//
// Runtime on the 2-core development machine: about 25 s for wordpress-today (two split scenarios
// of 600 connections) and 6 s for policies-today (three drops wait 1.5 s each). False-failure
// rate: at most 1e-6 per file (the split tests share it).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  liveNamespaces, loadNodeContext, netnsAvailable, parseDump, parseScenarioFile, planLab, scenarioClients, verifyScenarios,
  type VerifyReport,
} from "../../lib/index.js";
import { root } from "./support.js";

const availability = netnsAvailable();
const required = process.env.KIL_REQUIRE_KERNEL === "1";
if (!availability.ok && !required) console.warn(`kernel lab tests (today's kube-proxy) skipped: ${availability.reason}`);

function load(dir: string) {
  const dumpText = readFileSync(`${root}data/${dir}/iptables-save.txt`, "utf8");
  const parsed = parseDump(dumpText, { file: `data/${dir}/iptables-save.txt` });
  if (parsed.errors.length) throw new Error(`${dir}: ${parsed.errors[0].message}`);
  const node = loadNodeContext(JSON.parse(readFileSync(`${root}data/${dir}/node.json`, "utf8")));
  const scenarios = parseScenarioFile(JSON.parse(readFileSync(`${root}data/${dir}/scenarios.json`, "utf8")), `data/${dir}/scenarios.json`);
  return { dumpText, dump: parsed.dump, node, scenarios, dumpFile: `data/${dir}/iptables-save.txt` };
}

describe.each(["wordpress-today", "policies-today"])("data/%s/scenarios.json", (dir) => {
  const input = load(dir);

  it("reads, and the lab can place every client (the pods behind cni0 each in a namespace of their own)", () => {
    const plan = planLab(input.dump, input.node, { clients: scenarioClients(input.scenarios) });
    expect(plan.bridges).toEqual(["cni0"]);
    const pods = plan.namespaces.filter((n) => n.behind === "cni0");
    expect(pods.length).toBeGreaterThan(1);
    expect(pods.every((n) => n.addresses.length === 1)).toBe(true);
  });

  it.runIf(availability.ok || required)("iptables-save.txt is what iptables-nft-save prints after loading kube-proxy-input.txt (make.sh --check)", () => {
    if (!availability.ok) throw new Error(`kernel lab tests required (KIL_REQUIRE_KERNEL=1) but unavailable: ${availability.reason}`);
    const r = spawnSync("bash", [`${root}data/${dir}/make.sh`, "--check"], { encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 60_000);

  it.runIf(availability.ok || required)("agrees with the kernel on every scenario", async () => {
    if (!availability.ok) throw new Error(`kernel lab tests required (KIL_REQUIRE_KERNEL=1) but unavailable: ${availability.reason}`);
    // Without br_netfilter, a pod's answer to another pod of this node would bypass the node's conntrack.
    expect(existsSync("/proc/sys/net/bridge/bridge-nf-call-iptables"), "br_netfilter is not loaded (modprobe br_netfilter), which the lab's cni0 bridge needs").toBe(true);
    const report: VerifyReport = await verifyScenarios(input);
    const disagreements = report.scenarios.filter((s) => !s.agree).map((s) => `${s.id}: ${s.reasons.join("; ")} [kernel: ${s.kernel}] [simulator: ${s.simulator}]`);
    expect(disagreements).toEqual([]);
    expect(report.scenarios).toHaveLength(input.scenarios.scenarios.length);
    const byId = new Map(report.scenarios.map((s) => [s.id, s]));
    if (dir === "wordpress-today") {
      // Today a pod's connection to a pod on another node keeps its address (2018: masqueraded by Docker's rule).
      expect(byId.get("pod-to-clusterip")!.kernel).toMatch(/^10\.253\.(25|84)\.4:80 answered, saw 10\.253\.51\.9:/);
      expect(byId.get("grafana-hairpin")!.kernel).toMatch(/^10\.253\.51\.3:3000 answered, saw 10\.253\.51\.1:/);
      expect(byId.get("outside-to-clusterip")!.kernel).toMatch(/saw 10\.253\.51\.0:\d+; nat lines 96,98,116,123,124,126,163,182,185$|saw 10\.253\.51\.0:\d+; nat lines 96,98,116,123,124,150,163,182,186$/);
      expect(byId.get("split-heketi")!.split!.counts).toHaveLength(3);
    } else {
      expect(byId.get("etp-local-lb-from-outside")!.kernel).toMatch(/^10\.253\.51\.20:8080 answered, saw 172\.16\.1\.100:/);
      expect(byId.get("lb-denied-source")!.kernel).toMatch(/^no answer \(timeout\)/);
      expect(byId.get("no-endpoints-clusterip")!.kernel).toMatch(/^no answer \(refused\)/);
      expect(byId.get("itp-local-from-pod")!.kernel).toMatch(/^10\.253\.51\.22:6379 answered, saw 10\.253\.51\.9:/);
    }
    expect(liveNamespaces()).toEqual([]);
  }, 120_000);
});
