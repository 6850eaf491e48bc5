// The nftables writer: the same lines as kube-proxy's own expected ruleset for the same
// Services (test/fixtures/kube-proxy-nftables/), and the kernel's nft 1.0.6 loads what it
// writes (a full sync, then a partial one) in a throwaway network namespace.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  generateNftables, kubeProxyNftablesEndpointChange, kubeProxyNftablesInput, nftablesEndpointBase, nftablesServiceBase,
  type RestoreInputSpec,
} from "../../lib/index.js";
import { main } from "../../lib/cli/main.js";
import { kubeProxyNftablesParts } from "../../lib/generate/nftables.js";
import { execIn, netnsAvailable, withNetns } from "../support/netns.js";

const root = new URL("../../", import.meta.url);
const availability = netnsAvailable();
const kernelRequired = process.env.KIL_REQUIRE_KERNEL === "1";
if (!availability.ok && !kernelRequired) console.warn(`nftables kernel tests skipped: ${availability.reason}`);

/** The six Services of kube-proxy's TestOverallNFTablesRules, with its node (see the fixture's README). */
const OVERALL: RestoreInputSpec = {
  node: { clusterCIDR: "10.0.0.0/8", podCIDR: "10.0.0.0/24", nodeIP: "192.168.0.2", serviceCIDRs: ["172.30.0.0/16"] },
  services: [
    { namespace: "ns1", name: "svc1", portName: "p80", protocol: "tcp", clusterIP: "172.30.0.41", port: 80, endpoints: [{ ip: "10.180.0.1", port: 80, local: false }] },
    {
      namespace: "ns2", name: "svc2", portName: "p80", protocol: "tcp", clusterIP: "172.30.0.42", port: 80, nodePort: 3001,
      loadBalancerIPs: ["1.2.3.4"], externalIPs: ["192.168.99.22"], externalTrafficPolicy: "Local", healthCheckNodePort: 30000,
      endpoints: [{ ip: "10.180.0.2", port: 80, local: false }],
    },
    { namespace: "ns3", name: "svc3", portName: "p80", protocol: "tcp", clusterIP: "172.30.0.43", port: 80, nodePort: 3003, endpoints: [{ ip: "10.180.0.3", port: 80, local: false }] },
    {
      namespace: "ns4", name: "svc4", portName: "p80", protocol: "tcp", clusterIP: "172.30.0.44", port: 80, externalIPs: ["192.168.99.33"],
      endpoints: [{ ip: "10.180.0.4", port: 80, local: false }, { ip: "10.180.0.5", port: 80, local: true }],
    },
    {
      namespace: "ns5", name: "svc5", portName: "p80", protocol: "tcp", clusterIP: "172.30.0.45", port: 80, nodePort: 3002,
      loadBalancerIPs: ["5.6.7.8"], loadBalancerSourceRanges: [" 203.0.113.0/25"], healthCheckNodePort: 30000, affinitySeconds: 10800,
      endpoints: [{ ip: "10.180.0.3", port: 80, local: false }],
    },
    { namespace: "ns6", name: "svc6", portName: "p80", protocol: "tcp", clusterIP: "172.30.0.46", port: 80, endpoints: [] },
  ],
};

const BASE_CHAINS = ["filter-prerouting-pre-dnat", "filter-output-pre-dnat", "filter-input", "filter-forward", "filter-output", "nat-prerouting", "nat-output", "nat-postrouting"];

/** The lines knftables' fake prints for a transaction: no flushes, no comments, no blank lines, no add-then-delete of base chains. */
function asFakeDump(text: string): string[] {
  const lines = text.split("\n").filter((l) => l !== "" && !l.startsWith("#") && !l.startsWith("flush ") && !l.startsWith("delete "));
  return lines.filter((l) => !BASE_CHAINS.some((c) => l === `add chain ip kube-proxy ${c}`)).sort();
}

describe("kube-proxy's nftables mode", () => {
  const expected = asFakeDump(readFileSync(new URL("test/fixtures/kube-proxy-nftables/overall.nft", root), "utf8"));

  it("names chains as kube-proxy does: 8 characters of the base32 SHA-256, then the name", () => {
    expect(nftablesServiceBase({ namespace: "ns1", name: "svc1", portName: "p80", protocol: "tcp" })).toBe("ULMVA6XW-ns1/svc1/tcp/p80");
    expect(nftablesEndpointBase({ namespace: "ns1", name: "svc1", portName: "p80", protocol: "tcp" }, { ip: "10.180.0.1", port: 80 }))
      .toBe("5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80");
  });

  it("writes exactly the lines of kube-proxy's TestOverallNFTablesRules for its six Services", () => {
    const written = asFakeDump(kubeProxyNftablesInput(OVERALL));
    expect(written.filter((l) => !expected.includes(l))).toEqual([]);
    expect(expected.filter((l) => !written.includes(l))).toEqual([]);
    expect(written).toEqual(expected);
  });

  it("writes each chain's rules in kube-proxy's order (affinity checks before the numgen map, the mark before the DNAT)", () => {
    const rules = (text: string, chain: string) => text.split("\n").filter((l) => l.startsWith(`add rule ip kube-proxy ${chain} `));
    const text = kubeProxyNftablesInput(OVERALL);
    const fixture = readFileSync(new URL("test/fixtures/kube-proxy-nftables/overall.nft", root), "utf8");
    for (const chain of ["service-HVFWP5L3-ns5/svc5/tcp/p80", "endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80", "external-42NFTM6N-ns2/svc2/tcp/p80", "masquerading"])
      expect(rules(text, chain), chain).toEqual(rules(fixture, chain));
  });

  it("a partial sync after an endpoint change rewrites only that Service's chains and empties the chain of the endpoint that left", () => {
    const before = OVERALL.services[3]!;
    const after = { ...before, endpoints: [{ ip: "10.180.0.5", port: 80, local: true }, { ip: "10.180.0.6", port: 80, local: false }] };
    const tx = kubeProxyNftablesEndpointChange(OVERALL, before, after).trim().split("\n");
    expect(tx.filter((l) => l.startsWith("add element"))).toEqual([]);
    expect(tx).toContain("flush chain ip kube-proxy endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80");
    expect(tx).toContain("flush chain ip kube-proxy service-LAUZTJTB-ns4/svc4/tcp/p80");
    expect(tx.some((l) => l.includes("numgen random mod 2") && l.includes("10.180.0.6/80"))).toBe(true);
    expect(tx.every((l) => l.includes("ns4/svc4"))).toBe(true);
  });

  it("data/wordpress-today/kube-proxy-nftables.txt is what kubeProxyNftablesInput writes from cluster.json (scripts/kube-proxy-nftables.mjs)", () => {
    const spec = JSON.parse(readFileSync(new URL("data/wordpress-today/cluster.json", root), "utf8")) as RestoreInputSpec;
    const file = readFileSync(new URL("data/wordpress-today/kube-proxy-nftables.txt", root), "utf8");
    const header = file.split("\n").findIndex((l) => !l.startsWith("#"));
    expect(header).toBeGreaterThan(0);
    expect(file.split("\n").slice(header).join("\n")).toBe(kubeProxyNftablesInput({ ...spec, header: [] }));
    // The wordpress Service: one map element for its ClusterIP, one for its NodePort, affinity sets per endpoint.
    expect(file).toContain("add element ip kube-proxy service-ips { 10.254.42.62 . tcp . 80 : goto service-ST2IOFK7-default/wordpress-01-svc/tcp/ }");
    expect(file).toContain("add element ip kube-proxy service-nodeports { tcp . 32765 : goto external-ST2IOFK7-default/wordpress-01-svc/tcp/ }");
    expect(file).toContain("add set ip kube-proxy affinity-5GR3EY42-default/wordpress-01-svc/tcp/__10.253.25.4/80 { type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }");
  });

  it("refuses a comment nft could not read back", () => {
    const bad = { ...OVERALL, services: [{ ...OVERALL.services[5]!, name: 'svc"6' }] };
    expect(() => kubeProxyNftablesInput(bad)).toThrow(/nftables comment/);
  });

  it("is deterministic for a seed", () => {
    const a = generateNftables({ services: 50, seed: 3, nodePorts: 5 });
    expect(generateNftables({ services: 50, seed: 3, nodePorts: 5 }).text).toBe(a.text);
    expect(a.text.match(/^add element ip kube-proxy cluster-ips /gm)).toHaveLength(new Set(a.cluster.services.map((s) => s.clusterIP)).size);
  });

  it("sends a cluster IP once to cluster-ips for a Service with several ports, as kube-proxy's ensureElem does", () => {
    const text = generateNftables({ services: 5, seed: 1 }).text;
    expect(text.match(/^add element ip kube-proxy cluster-ips \{ 10\.96\.0\.10 \}$/gm)).toHaveLength(1);
  });

  it("cut into parts for loading, the full sync keeps every line, in order, each Service port's lines in one part", () => {
    const { spec, text } = generateNftables({ services: 50, endpointsMax: 4, seed: 5, affinityShare: 0.2, nodePorts: 5, emptyShare: 0.1 });
    const parts = kubeProxyNftablesParts(spec, 12);
    expect(parts.join("")).toBe(text);
    expect(parts).toHaveLength(Math.ceil(spec.services.length / 12));
    // Every part but the first starts where a Service port's lines start: its first chain (or, without endpoints, its cluster IP).
    for (const p of parts.slice(1)) expect(p).toMatch(/^add (chain ip kube-proxy (endpoint|service|local|external|firewall)-|element ip kube-proxy cluster-ips )/);
    expect(kubeProxyNftablesParts(spec, 1000)).toEqual([text]);
    expect(() => kubeProxyNftablesParts(spec, 0)).toThrow(/whole number above 0/);
  });

  it("kube-iptables-lab generate --style nftables prints generateNftables' transaction", () => {
    const out: string[] = [], err: string[] = [];
    const code = main(["generate", "--services", "40", "--seed", "2", "--nodeports", "4", "--style", "nftables"], { out: (s) => out.push(s), err: (s) => err.push(s) });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.join("\n") + "\n").toBe(generateNftables({ services: 40, seed: 2, nodePorts: 4 }).text);
    const bad: string[] = [];
    expect(main(["generate", "--services", "4", "--style", "nft"], { out: () => {}, err: (s) => bad.push(s) })).toBe(2);
    expect(bad.join("\n")).toContain("expected 2018, modern or nftables");
  });

  it.runIf(kernelRequired)("kernel access is available (KIL_REQUIRE_KERNEL=1)", () => {
    if (!availability.ok) throw new Error(`kernel tests required but unavailable: ${availability.reason}`);
  });

  it.skipIf(!availability.ok)("nft 1.0.6 loads kube-proxy's test ruleset and a generated one, then the partial sync, and lists them back", async () => {
    const generated = generateNftables({ services: 300, endpointsMax: 6, seed: 7, affinityShare: 0.2, nodePorts: 20, emptyShare: 0.05 });
    const before = OVERALL.services[3]!;
    const change = kubeProxyNftablesEndpointChange(OVERALL, before, { ...before, endpoints: [{ ip: "10.180.0.6", port: 80, local: false }] });
    await withNetns("nftgen", 3, async ([a, b, c]) => {
      for (const [ns, text] of [[a!, kubeProxyNftablesInput(OVERALL)], [b!, generated.text]] as const) {
        const load = await execIn(ns, "nft", ["-f", "-"], { input: text, timeoutMs: 60_000 });
        expect(load.stderr).toBe("");
        expect(load.status).toBe(0);
      }
      const partial = await execIn(a!, "nft", ["-f", "-"], { input: change });
      expect(partial.stderr).toBe("");
      const listed = await execIn(a!, "nft", ["list", "table", "ip", "kube-proxy"]);
      expect(listed.status).toBe(0);
      expect(listed.stdout).toContain('chain filter-prerouting-pre-dnat {\n\t\ttype filter hook prerouting priority dstnat - 10; policy accept;');
      expect(listed.stdout).toContain("numgen random mod 1 vmap { 0 : goto endpoint-");
      expect(listed.stdout).toContain("10.180.0.6:80");
      // The same ruleset loaded as several transactions (how the kernel bench puts large ones in place) lists the same.
      for (const part of kubeProxyNftablesParts(generated.spec, 40)) expect((await execIn(c!, "nft", ["-f", "-"], { input: part })).stderr).toBe("");
      const [whole, inParts] = await Promise.all([b!, c!].map((ns) => execIn(ns, "nft", ["list", "table", "ip", "kube-proxy"])));
      expect(inParts!.stdout).toBe(whole!.stdout);
      const counted = await execIn(b!, "nft", ["list", "map", "ip", "kube-proxy", "service-ips"]);
      const elements = counted.stdout.match(/ : goto /g) ?? [];
      expect(elements).toHaveLength(generated.cluster.services.filter((s) => s.endpoints.length > 0).length);
    });
  }, 120_000);
});
