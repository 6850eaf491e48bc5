// The whole-node analysis the benchmark times: one trace per Service port entry, each split checked against the
// endpoint probabilities services() read, including the cases its direct comparison hands to the summing one.
import { describe, expect, it } from "vitest";
import { generateCluster, loadNodeContext, parseDump, services } from "../../lib/index.js";
import { endpointShares, reachable, sharesMatch, wholeNode } from "../../lib/bench/workload.js";
import { fraction } from "../../lib/math/fraction.js";

const cluster = generateCluster({ services: 60, endpointsMax: 5, seed: 4, style: "modern", affinityShare: 0.2, nodePorts: 10 });
const dump = parseDump(cluster.text).dump;
const node = loadNodeContext(cluster.node);
const nodeIP = node.interfaces.find((i) => i.name === "eth0")!.addresses[0].address;
const catalog = services(dump);

describe("wholeNode", () => {
  it("traces each reachable Service port's ClusterIP and NodePort and finds every split consistent with services()", () => {
    const decisions = wholeNode(dump, node, catalog, nodeIP);
    const ports = reachable(catalog);
    expect(decisions.length).toBe(ports.length + ports.filter((s) => s.nodePort !== null).length);
    expect(decisions.every((d) => d.consistent)).toBe(true);
    const withSplit = decisions.find((d) => d.split.length > 1)!;
    expect(withSplit.split.map((x) => x.to).sort()).toEqual(catalog.find((s) => s.id === withSplit.service)!.endpoints.map((e) => `${e.ip}:${e.port}`).sort());
  });

  it("finds a split inconsistent when a destination is missing, doubled or has another share, and sums a destination met twice", () => {
    const s = reachable(catalog).find((x) => x.endpoints.length === 2)!;
    const [a, b] = s.endpoints.map((e) => `${e.ip}:${e.port}`);
    const half = fraction(1, 2), quarter = fraction(1, 4);
    const even = endpointShares({ ...s, endpoints: s.endpoints.map((e) => ({ ...e, probability: half })) });
    const to = (where: string, p = half) => ({ to: where, probability: p, verdict: "accepted", source: nodeIP });
    expect(sharesMatch([to(a), to(b)], even)).toBe(true);
    expect(sharesMatch([to(b), to(a)], even)).toBe(true);
    expect(sharesMatch([to(a), to("10.0.0.1:80")], even)).toBe(false);
    expect(sharesMatch([to(a), to(a)], even)).toBe(false);
    expect(sharesMatch([to(a), to(b, quarter)], even)).toBe(false);
    expect(sharesMatch([to(a)], even)).toBe(false);
    expect(sharesMatch([to(a, quarter), to(b), to(a, quarter)], even)).toBe(true);
    // Two endpoints at one address: never consistent with one destination each.
    const twice = endpointShares({ ...s, endpoints: [s.endpoints[0], s.endpoints[0]].map((e) => ({ ...e, probability: half })) });
    expect(twice.unique).toBe(false);
    expect(sharesMatch([to(a), to(a)], twice)).toBe(false);
  });
});
