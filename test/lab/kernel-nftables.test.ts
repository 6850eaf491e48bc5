// The kernel lab on kube-proxy's nftables mode: the generated nftables ruleset of a cluster is
// loaded into the node namespace in place of its iptables rules, and new connections to a
// Service reach its endpoints in the right shares: the same exact-split test as the iptables
// scenarios (goodnessOfFit against the simulator's exact probabilities for the same Service in
// today's iptables form; `numgen random mod N` should give 1/N each, the iptables form gives the
// kernel's round(2^31/k)/2^31 chances, which differ from 1/N by less than 1e-9).
//
// Needs root (network namespaces), nft, iptables-legacy, conntrack and br_netfilter, like the
// other kernel lab tests; skipped with one line without them unless KIL_REQUIRE_KERNEL=1.
// Runtime on the 2-core development machine: about 10 s (450 connections). False-failure rate: 1e-6.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  add, fraction, generateNftables, goodnessOfFit, liveNamespaces, loadNodeContext, netnsAvailable, parseDump, traceConnection, withLab,
  type Fraction,
} from "../../lib/index.js";

const availability = netnsAvailable();
const required = process.env.KIL_REQUIRE_KERNEL === "1";
if (!availability.ok && !required) console.warn(`kernel lab tests (nftables mode) skipped: ${availability.reason}`);

const CONNECTIONS = 450;

describe("the kernel lab on kube-proxy's nftables mode", () => {
  it.runIf(availability.ok || required)("a Service's new connections reach its endpoints in the exact shares", async () => {
    if (!availability.ok) throw new Error(`kernel lab tests required (KIL_REQUIRE_KERNEL=1) but unavailable: ${availability.reason}`);
    expect(existsSync("/proc/sys/net/bridge/bridge-nf-call-iptables"), "br_netfilter is not loaded (modprobe br_netfilter)").toBe(true);
    const { text, cluster } = generateNftables({ services: 12, endpointsMax: 5, seed: 11, nodes: 3, affinityShare: 0 });
    const parsed = parseDump(cluster.text, { file: "generated.txt" });
    expect(parsed.errors).toEqual([]);
    const node = loadNodeContext(cluster.node);
    // The TCP Service port with the most endpoints, some on this node and some on others.
    const service = [...cluster.services].filter((s) => s.protocol === "tcp").sort((a, b) => b.endpoints.length - a.endpoints.length)[0]!;
    expect(service.endpoints.length).toBeGreaterThanOrEqual(3);
    const spec = { src: cluster.node.interfaces.find((i) => i.name === "eth0")!.addresses[0]!.split("/")[0]!, dst: service.clusterIP, dport: service.port, from: "local" as const };

    const exact = new Map<string, Fraction>();
    for (const o of traceConnection(parsed.dump, node, spec, { explain: false, followUp: false }).outcomes) {
      expect(o.verdict).toBe("accepted");
      if (o.verdict !== "accepted") continue;
      const k = `${o.after.dst}:${o.after.dport}`;
      exact.set(k, exact.has(k) ? add(exact.get(k)!, o.probability) : o.probability);
    }
    expect([...exact.keys()].sort()).toEqual(service.endpoints.map((e) => `${e.ip}:${e.port}`).sort());

    const counts = new Map<string, number>([...exact.keys()].map((k) => [k, 0]));
    await withLab({ dumpText: cluster.text, dump: parsed.dump, node }, async (lab) => {
      await lab.loadNftables(text);
      for (let i = 0; i < CONNECTIONS; i++) {
        await lab.reset();
        const obs = await lab.connect(spec, 0);
        const k = obs.server ?? `no answer (${obs.error})`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    });
    const categories = [...counts.entries()].map(([key, count]) => ({ key, count, probability: exact.get(key) ?? fraction(0) }));
    const fit = goodnessOfFit(categories, 1e-6);
    expect(fit.pass, `${fit.test} p = ${fit.pValue}: ${JSON.stringify(categories.map((c) => [c.key, c.count]))}`).toBe(true);
    expect(categories.every((c) => c.count > 0)).toBe(true);
    expect(liveNamespaces()).toEqual([]);
  }, 180_000);
});
