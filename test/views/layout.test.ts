// The data behind the Sankey diagrams: nodes, bands and exact values, before anything is drawn.
import { describe, expect, it } from "vitest";
import {
  ONE, add, formatFraction, fraction, nodeGraph, sampleSplit, sampledSplitGraphs, serviceSplitGraph, simulationGraph, sum, traceConnection, traceGraph,
  type FlowGraph, type Fraction,
} from "../../lib/index.js";
import { affinityEvents } from "./gallery.js";
import { catalog, dump, heketi, node, wordpress } from "./support.js";

const exactOf = (g: FlowGraph, pick: (l: FlowGraph["links"][number]) => boolean): Fraction => sum(g.links.filter(pick).map((l) => l.exact!));
const ids = (g: FlowGraph) => g.nodes.map((n) => n.id);

/** Probability is conserved: what enters a node leaves it, except at the sources and sinks. */
function expectConserved(g: FlowGraph) {
  for (const n of g.nodes) {
    const into = g.links.filter((l) => l.target === n.id);
    const out = g.links.filter((l) => l.source === n.id);
    if (into.length && out.length) expect(formatFraction(sum(out.map((l) => l.exact!))), n.id).toBe(formatFraction(sum(into.map((l) => l.exact!))));
  }
  const sinks = g.nodes.filter((n) => !g.links.some((l) => l.source === n.id)).map((n) => n.id);
  expect(exactOf(g, (l) => sinks.includes(l.target))).toEqual(ONE);
}

describe("serviceSplitGraph", () => {
  it("wordpress: ClusterIP and NodePort through KUBE-SERVICES / KUBE-NODEPORTS to KUBE-SVC, two endpoints at exactly 1/2", () => {
    const g = serviceSplitGraph(wordpress, dump, { returningShare: fraction(0) });
    expect(ids(g)).toEqual([
      "chain:KUBE-SERVICES", "entry:cluster-ip", "svc:KUBE-SVC-QYS3VDMSAZUOTSWJ", "entry:node-port", "chain:KUBE-NODEPORTS",
      "sep:KUBE-SEP-Q6QA3I2UU4P2TRVC", "endpoint:10.253.25.4:80", "sep:KUBE-SEP-I7ZLLXO3AGNMS3PQ", "endpoint:10.253.84.4:80",
    ]);
    const split = g.links.filter((l) => l.source === "svc:KUBE-SVC-QYS3VDMSAZUOTSWJ");
    expect(split.map((l) => [l.target, l.kind, formatFraction(l.exact!), l.line])).toEqual([
      ["sep:KUBE-SEP-Q6QA3I2UU4P2TRVC", "flow", "1/2", 174],
      ["sep:KUBE-SEP-I7ZLLXO3AGNMS3PQ", "flow", "1/2", 175],
    ]);
    expect(g.links.find((l) => l.source === "chain:KUBE-SERVICES" && l.target === "chain:KUBE-NODEPORTS")!.line).toBe(159);
    expect(g.links.find((l) => l.source === "chain:KUBE-NODEPORTS")!.line).toBe(89);
    expect(g.links.find((l) => l.source === "chain:KUBE-SERVICES" && l.target.startsWith("svc:"))!.line).toBe(140);
    expect(g.links.filter((l) => l.target.startsWith("endpoint:")).map((l) => l.line)).toEqual([118, 114]);
    expectConserved(g);
    expect(g.links.every((l) => l.value === Number(l.exact!.num) / Number(l.exact!.den))).toBe(true);
  });

  it("labels chains with what they mean, and probabilities per rule and overall", () => {
    const g = serviceSplitGraph(wordpress, dump);
    const label = (id: string) => g.nodes.find((n) => n.id === id)!.label;
    expect(label("svc:KUBE-SVC-QYS3VDMSAZUOTSWJ")).toEqual(["KUBE-SVC-QYS3VDMSAZUOTSWJ", "= default/wordpress-01-svc", "ClientIP affinity, 10800 s"]);
    expect(label("sep:KUBE-SEP-Q6QA3I2UU4P2TRVC")).toEqual(["KUBE-SEP-Q6QA3I2UU4P2TRVC", "new: line 174: 0.5 = 50%", "returning: line 172 (xt_recent)"]);
    expect(label("sep:KUBE-SEP-I7ZLLXO3AGNMS3PQ")[1]).toBe("new: line 175: the rest = 50%");
    expect(label("endpoint:10.253.25.4:80")).toEqual(["10.253.25.4:80", "50% = 1/2"]);
  });

  it("wordpress with ClientIP affinity: returning clients get their own bands, each endpoint still 1/2", () => {
    const g = serviceSplitGraph(wordpress, dump);
    const fromSvc = g.links.filter((l) => l.source === "svc:KUBE-SVC-QYS3VDMSAZUOTSWJ");
    expect(fromSvc.map((l) => [l.target, l.kind, formatFraction(l.exact!), l.line])).toEqual([
      ["sep:KUBE-SEP-Q6QA3I2UU4P2TRVC", "flow", "1/4", 174],
      ["sep:KUBE-SEP-Q6QA3I2UU4P2TRVC", "affinity", "1/4", 172],
      ["sep:KUBE-SEP-I7ZLLXO3AGNMS3PQ", "flow", "1/4", 175],
      ["sep:KUBE-SEP-I7ZLLXO3AGNMS3PQ", "affinity", "1/4", 173],
    ]);
    expectConserved(g);
    expect(g.notes.join(" ")).toContain("returningShare");
    const custom = serviceSplitGraph(wordpress, dump, { returningShare: fraction(9, 10) });
    expect(custom.links.filter((l) => l.kind === "affinity").map((l) => formatFraction(l.exact!))).toEqual(["9/20", "9/20"]);
    expectConserved(custom);
  });

  it("heketi: three endpoints with the exact values the kernel's n/2^31 gives", () => {
    const g = serviceSplitGraph(heketi, dump);
    const split = g.links.filter((l) => l.source === "svc:KUBE-SVC-E6QDTEVXMTWFYZ6I");
    const p1 = fraction(715820724, 2 ** 31);
    expect(split.map((l) => formatFraction(l.exact!))).toEqual(["178955181/536870912", "357915731/1073741824", "357915731/1073741824"]);
    expect(split[0].exact).toEqual(p1);
    expect(add(split[1].exact!, split[2].exact!)).toEqual(fraction(536870912 - 178955181, 536870912));
    expect(sum(split.map((l) => l.exact!))).toEqual(ONE);
    expect(split.every((l) => l.kind === "flow")).toBe(true);
    expect(g.nodes.find((n) => n.id === "sep:KUBE-SEP-6O64CPVDJXXVN5BC")!.label[1]).toBe("new: line 164: 0.5 of the rest = 33.334% overall");
    expect(g.nodes.find((n) => n.id === "sep:KUBE-SEP-GTAFP74BZFPH6CQM")!.label[1]).toBe("new: line 163: 0.33332999982 = 33.333%");
    expect(g.nodes.find((n) => n.id === "sep:KUBE-SEP-GTAFP74BZFPH6CQM")!.title).toContain("the kernel keeps 715820724/2^31 = 178955181/536870912");
    expect(ids(g)).not.toContain("entry:node-port");
    expectConserved(g);
  });

  it("draws many endpoints as a few boxes and one for the rest", () => {
    const g = serviceSplitGraph(heketi, dump, { maxEndpoints: 2 });
    expect(ids(g).filter((id) => id.startsWith("endpoint:"))).toEqual(["endpoint:172.16.1.10:1"]);
    const more = g.links.find((l) => l.target === "more-endpoints")!;
    expect(formatFraction(more.exact!)).toBe("357915731/536870912");
    expect(g.nodes.find((n) => n.id === "more-endpoints")!.label).toEqual(["2 more endpoints", "66.667% together"]);
    expectConserved(g);
  });

  it("works without the dump (no rule text), and for a Service without endpoints", () => {
    const g = serviceSplitGraph(wordpress);
    expect(g.links.find((l) => l.source === "chain:KUBE-SERVICES" && l.target === "chain:KUBE-NODEPORTS")!.line).toBeNull();
    expectConserved(g);
    const empty = serviceSplitGraph({ ...wordpress, endpoints: [], fallThrough: ONE });
    expect(ids(empty)).toContain("fall-through");
    expect(empty.notes.join(" ")).toContain("no endpoints");
  });
});

describe("nodeGraph", () => {
  it("draws the wordpress node's 14 service ports, grouped by namespace, each an exact 1/14", () => {
    const g = nodeGraph(catalog);
    expect(catalog).toHaveLength(14);
    expect(g.nodes.filter((n) => n.kind === "service")).toHaveLength(14);
    expect(g.nodes.filter((n) => n.kind === "group").map((n) => n.label[0])).toEqual(["default", "ingress-nginx", "kube-system"]);
    expect(g.nodes.filter((n) => n.kind === "endpoint")).toHaveLength(17);
    const toServices = g.links.filter((l) => l.target.startsWith("svc:"));
    expect(toServices.every((l) => formatFraction(l.exact!) === "1/14")).toBe(true);
    const wp = g.links.filter((l) => l.source === "svc:KUBE-SVC-QYS3VDMSAZUOTSWJ");
    expect(wp.map((l) => formatFraction(l.exact!))).toEqual(["1/28", "1/28"]);
    expectConserved(g);
  });

  it("keeps the top N and aggregates the rest into others", () => {
    const g = nodeGraph(catalog, { maxServices: 5 });
    expect(g.nodes.filter((n) => n.kind === "service")).toHaveLength(5);
    const others = g.links.find((l) => l.target === "svc:others")!;
    expect(formatFraction(others.exact!)).toBe("9/14");
    expect(g.notes[0]).toContain("Only the 5 largest of 14");
    expectConserved(g);
  });

  it("can leave the cut Services out instead, and keeps few endpoint boxes when there are many Services", () => {
    const g = nodeGraph(catalog, { maxServices: 5, others: false });
    expect(g.nodes.some((n) => n.kind === "others" && n.id === "svc:others")).toBe(false);
    expect(g.links.filter((l) => l.target.startsWith("svc:")).every((l) => formatFraction(l.exact!) === "1/5")).toBe(true);
    expect(g.notes[0]).toContain("the other 9 are left out");
    expectConserved(g);
    // 48 endpoint boxes at most over 24 Services: 2 each, the second standing for the rest.
    const many = Array.from({ length: 30 }, (_, i) => ({ ...heketi, chain: `KUBE-SVC-${i}`, id: `ns/s${i}:` }));
    const cut = nodeGraph(many);
    expect(cut.nodes.filter((n) => n.kind === "endpoint").length).toBe(1); // the same ip:port in every copy: one shared box
    expect(cut.nodes.filter((n) => n.id.startsWith("more:"))).toHaveLength(24);
    expect(cut.nodes.find((n) => n.id === "more:KUBE-SVC-0")!.label).toEqual(["2 more endpoints"]);
    expectConserved(cut);
  });

  it("filters, weighs, skips grouping and cuts endpoints", () => {
    const only = nodeGraph(catalog, { filter: (s) => s.namespace === "default", groupBy: "none", maxEndpoints: 2 });
    expect(only.nodes.filter((n) => n.kind === "group")).toHaveLength(0);
    expect(only.nodes.filter((n) => n.kind === "service")).toHaveLength(5);
    expect(only.nodes.some((n) => n.id === "more:KUBE-SVC-E6QDTEVXMTWFYZ6I")).toBe(true);
    expectConserved(only);
    const weighted = nodeGraph(catalog, { weight: (s) => s.endpoints.length, maxServices: 2 });
    const kept = weighted.nodes.filter((n) => n.kind === "service").map((n) => n.id);
    expect(kept).toEqual(["svc:KUBE-SVC-E6QDTEVXMTWFYZ6I", "svc:KUBE-SVC-QYS3VDMSAZUOTSWJ"]);
    const total = weighted.links.filter((l) => l.source === "dispatch").reduce((a, l) => a + l.value, 0);
    expect(total).toBeCloseTo(1, 12);
    expect(nodeGraph([]).links).toEqual([]);
  });
});

describe("traceGraph", () => {
  it("outside client to the ClusterIP: entry → KUBE-SERVICES → KUBE-SVC → two KUBE-SEP → endpoints → out of flannel.1", () => {
    const t = traceConnection(dump, node, { src: "172.16.1.100", dst: "10.254.42.62", dport: 80 });
    const g = traceGraph(t, { services: catalog });
    expect(ids(g)).toEqual([
      "packet", "hop:0:KUBE-SERVICES", "hop:1:KUBE-SVC-QYS3VDMSAZUOTSWJ", "hop:2:KUBE-SEP-Q6QA3I2UU4P2TRVC", "dest:10.253.25.4:80",
      "end:out of flannel.1 as 10.253.51.0:40000 (MASQUERADE line 96)", "hop:2:KUBE-SEP-I7ZLLXO3AGNMS3PQ", "dest:10.253.84.4:80",
    ]);
    expect(g.nodes[2].label).toEqual(["KUBE-SVC-QYS3VDMSAZUOTSWJ", "= default/wordpress-01-svc", "100% of connections"]);
    expect(g.nodes[3].label).toEqual(["KUBE-SEP-Q6QA3I2UU4P2TRVC", "= endpoint 10.253.25.4:80", "50% of connections, via line 174 (p 0.5)"]);
    expect(g.nodes[6].label[2]).toBe("50% of connections, via line 175");
    expect(g.links.filter((l) => l.target.startsWith("end:")).map((l) => formatFraction(l.exact!))).toEqual(["1/2", "1/2"]);
    expect(g.links.find((l) => l.target === "hop:2:KUBE-SEP-Q6QA3I2UU4P2TRVC")!.line).toBe(174);
    expectConserved(g);
  });

  it("a returning client's single path is an affinity band", () => {
    const events = affinityEvents();
    const later = events.find((e) => e.possible.length === 1 && e.connection.dst === "10.254.42.62")!;
    const t = { packet: later.possible[0].before, origin: { local: false, interface: "eth0", inferred: true }, outcomes: later.possible };
    const g = traceGraph(t);
    expect(g.links.filter((l) => l.kind === "affinity")).toHaveLength(1);
    expect(g.links.find((l) => l.kind === "affinity")!.target).toMatch(/^hop:\d:KUBE-SEP-/);
    expectConserved(g);
  });

  it("a dropped connection ends in a dropped node", () => {
    const t = traceConnection(dump, node, { src: "172.16.1.100", dst: "10.254.42.62", dport: 80, from: { interface: "eth0" } });
    const dropped = { ...t, outcomes: t.outcomes.map((o) => ({ ...o, verdict: "dropped" as const, delivery: null, line: 27, reason: "DROP at line 27" })) };
    const g = traceGraph(dropped);
    expect(g.nodes.filter((n) => n.kind === "dropped").map((n) => n.label)).toEqual([["dropped at line 27"]]);
  });
});

describe("counts: simulation and sample", () => {
  it("simulationGraph counts every connection once and tells affinity apart", () => {
    const events = affinityEvents();
    const g = simulationGraph(events);
    expect(g.unit).toBe("count");
    const total = g.links.reduce((a, l) => a + l.count!, 0);
    expect(total).toBe(events.length);
    const sticky = g.links.filter((l) => l.kind === "affinity").reduce((a, l) => a + l.count!, 0);
    expect(sticky).toBe(events.filter((e) => e.possible.length === 1).length);
    expect(sticky).toBe(15);
    expect(g.nodes.filter((n) => n.kind === "endpoint").map((n) => n.id).sort()).toEqual(["dest:10.253.25.4:80", "dest:10.253.84.4:80"]);
  });

  it("sampledSplitGraphs: exact bands sum to 1, sampled bands to the number of runs", () => {
    const shares = sampleSplit(dump, node, { src: "172.16.1.100", dst: "10.254.112.177", dport: 1 }, 600, 3);
    const { exact, sampled } = sampledSplitGraphs(shares, "10.254.112.177:1");
    expect(sum(exact.links.map((l) => l.exact!))).toEqual(ONE);
    expect(sampled.links.reduce((a, l) => a + l.count!, 0)).toBe(600);
    expect(ids(exact)).toEqual(ids(sampled));
    expect(exact.nodes[0].label).toEqual(["10.254.112.177:1", "exact"]);
  });
});
