// The hook map and the "who rewrites the source?" chart: drawn byte for byte (snapshots), and what they claim checked.
import { describe, expect, it } from "vitest";
import { parseHTML } from "linkedom";
import { hookMap, nodeGraph, nodeSankey, packetPlaces, sourceRewrite, sourceRewriteChart, traceConnection } from "../../lib/index.js";
import { wordpressCases } from "./gallery.js";
import { catalog, dump, hostileDump, node } from "./support.js";

const svgOf = (html: string) => parseHTML(`<!doctype html><html><body>${html}</body></html>`).document.querySelector("svg")!;

describe("hookMap", () => {
  it("draws the five hooks with their tables in kernel order, and the chains the dump jumps to", async () => {
    const html = hookMap({ dump, id: "hooks" });
    await expect(html).toMatchFileSnapshot("./__snapshots__/hook-map.html");
    const text = svgOf(html).textContent!;
    for (const h of ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]) expect(text).toContain(h);
    expect(svgOf(html).querySelectorAll("polygon")).toHaveLength(2);
    // OUTPUT: raw, mangle, nat, filter, security, in that order; PREROUTING's nat jumps to kube-proxy and docker.
    expect(text).toMatch(/OUTPUTrawmanglenat \(DNAT\)→ KUBE-SERVICES→ DOCKERfilter→ KUBE-SERVICES→ KUBE-FIREWALLsecurity/);
    expect(hookMap({ dump, id: "hooks" })).toBe(html);
  });

  it("draws a packet's path and its reply's: outside client to a pod through FORWARD; the reply the same way back", async () => {
    const o = traceConnection(dump, node, { src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }).outcomes[0];
    expect(packetPlaces(o)).toEqual(["in", "PREROUTING", "route-in", "FORWARD", "POSTROUTING", "out"]);
    expect(packetPlaces(o.followUp!.reply[0])).toEqual(["in", "PREROUTING", "route-in", "FORWARD", "POSTROUTING", "out"]);
    await expect(hookMap({ dump, outcome: o, id: "hooks-outside" })).toMatchFileSnapshot("./__snapshots__/hook-map-outside.html");
  });

  it("a process on the node calling a Service on the node goes out through lo and back in", () => {
    const o = traceConnection(dump, node, { src: "172.16.1.10", dst: "10.254.0.1", dport: 443, from: "local" }).outcomes[0];
    expect(packetPlaces(o)).toEqual(["local", "route-out", "OUTPUT", "POSTROUTING", "out", "in", "PREROUTING", "route-in", "INPUT", "local"]);
    const html = hookMap({ outcome: o, id: "lo" });
    expect((html.match(/stroke-opacity="0.85"/g) ?? []).length).toBe(9);
  });

  it("escapes chain names from the dump", () => {
    const html = hookMap({ dump: hostileDump, id: "hostile" });
    expect(html).not.toMatch(/<script|<img|onerror=/i);
  });
});

describe("sourceRewriteChart", () => {
  it("names, for each case, the rule that rewrites the source and why", async () => {
    const cases = wordpressCases();
    const kinds = cases.map((c) => sourceRewrite(c.trace.outcomes[0]));
    expect(kinds.map((k) => [k.kind, k.markLine, k.line, k.seen])).toEqual([
      ["kube-mark", 139, 96, "10.253.51.0"],
      ["kube-mark", 88, 96, "10.253.51.0"],
      ["pod-network", null, 82, "10.253.51.0"],
      ["local-delivery", 141, null, "172.16.1.100"],
    ]);
    expect(kinds[1].why).toBe("NodePort: every source is marked");
    const hairpin = sourceRewrite(traceConnection(dump, node, { src: "10.253.51.3", dst: "10.254.167.37", dport: 80 }).outcomes[0]);
    expect([hairpin.kind, hairpin.why, hairpin.seen]).toEqual(["kube-mark", "hairpin: the endpoint called its own Service", "10.253.51.1"]);
    const html = sourceRewriteChart(cases, { id: "source" });
    await expect(html).toMatchFileSnapshot("./__snapshots__/source-rewrite.html");
    expect(svgOf(html).querySelectorAll("circle")).toHaveLength(4);
  });
});

describe("the whole node, compact", () => {
  it("groups by namespace, drops the dispatch column, draws a one-endpoint Service port as one box, and keeps labels off the bands", async () => {
    const g = nodeGraph(catalog, { compact: true });
    expect(g.nodes.some((n) => n.kind === "dispatch")).toBe(false);
    expect(g.nodes.filter((n) => n.kind === "group").map((n) => n.label[0])).toEqual(["default", "ingress-nginx", "kube-system"]);
    expect(g.nodes.filter((n) => n.kind === "service")).toHaveLength(14);
    // Only heketi-storage-endpoints (3) and wordpress (2) keep endpoint boxes.
    expect(g.nodes.filter((n) => n.kind === "endpoint")).toHaveLength(5);
    expect(g.nodes.find((n) => n.id === "svc:KUBE-SVC-BJM46V3U5RZHCFRZ")!.label).toContain("→ 10.253.51.2:8082 (its only endpoint)");
    const html = nodeSankey(catalog, { compact: true, id: "whole-node-compact" });
    await expect(html).toMatchFileSnapshot("./__snapshots__/whole-node-compact.html");
    // Bands leave a node after its label: no band starts at a node's right edge.
    const svg = svgOf(html);
    const rects = [...svg.querySelectorAll("rect")].map((r) => Number(r.getAttribute("x")) + Number(r.getAttribute("width")));
    const starts = [...svg.querySelectorAll("path")].map((p) => Number(/^M([\d.]+)/.exec(p.getAttribute("d") ?? "")?.[1]));
    expect(starts.length).toBeGreaterThan(0);
    expect(starts.filter((x) => rects.includes(x))).toEqual([]);
  });
});
