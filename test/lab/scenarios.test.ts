import { describe, expect, it } from "vitest";
import { parseScenarioFile, scenarioClients, scenarioPorts, ScenarioError, withRecentSeconds, parseDump } from "../../lib/index.js";
import { dumpText, scenariosJson } from "./support.js";

const base = { format: "kube-iptables-lab/scenarios@1", scenarios: [{ id: "a", question: "q?", connect: { src: "1.2.3.4", dst: "5.6.7.8", dport: 80 } }] };

describe("the wordpress scenario file", () => {
  const file = parseScenarioFile(scenariosJson, "data/wordpress/scenarios.json");

  it("parses, with the run's significance and every kind", () => {
    expect(file.significance).toBe(1e-6);
    expect(new Set(file.scenarios.map((s) => s.kind))).toEqual(new Set(["connection", "split", "sequence"]));
  });

  it("covers the questions of the issue", () => {
    const ids = file.scenarios.map((s) => s.id);
    for (const id of [
      "outside-to-clusterip", "outside-to-nodeport", "pod-to-clusterip", "pod-to-nodeport", "pod-to-remote-pod",
      "remote-pod-to-nodeport", "remote-pod-to-local-pod", "node-to-clusterip", "pod-to-kubernetes-api", "pod-dns-udp",
      "pod-to-heketi", "grafana-hairpin", "port-without-rule", "split-wordpress", "split-heketi",
      "affinity-clusterip-nodeport", "affinity-expiry-and-reap",
    ]) expect(ids).toContain(id);
  });

  it("lists the clients and the ports for the lab's plan", () => {
    expect(scenarioClients(file)).toContainEqual({ src: "172.16.1.10", from: "local" });
    expect(scenarioClients(file).map((c) => c.src)).toEqual(expect.arrayContaining(["172.16.1.100", "172.16.1.101", "10.253.51.9", "10.253.51.3", "10.253.25.9"]));
    expect(scenarioPorts(file)).toEqual([1, 80, 81, 443, 3000, 32765]);
  });
});

describe("parseScenarioFile", () => {
  it("fills defaults", () => {
    const f = parseScenarioFile(base);
    expect(f).toEqual({ format: "kube-iptables-lab/scenarios@1", significance: 1e-6, scenarios: [{ kind: "connection", ...base.scenarios[0] }] });
  });

  it.each([
    [{ ...base, format: "x" }, /format/],
    [{ ...base, scenarios: [] }, /non-empty list/],
    [{ ...base, significance: 2 }, /significance/],
    [{ ...base, scenarios: [base.scenarios[0], base.scenarios[0]] }, /used twice/],
    [{ ...base, scenarios: [{ ...base.scenarios[0], kind: "burst" }] }, /kind/],
    [{ ...base, scenarios: [{ ...base.scenarios[0], connect: { src: "1.2.3", dst: "5.6.7.8", dport: 80 } }] }, /scenarios\[0\].connect.src: expected an IPv4 address/],
    [{ ...base, scenarios: [{ ...base.scenarios[0], connect: { src: "1.2.3.4", dst: "5.6.7.8", dport: 0 } }] }, /dport/],
    [{ ...base, scenarios: [{ ...base.scenarios[0], connect: { src: "1.2.3.4", dst: "5.6.7.8", dport: 80, protocol: "sctp" } }] }, /protocol/],
    [{ ...base, scenarios: [{ ...base.scenarios[0], connect: { src: "1.2.3.4", dst: "5.6.7.8", dport: 80, color: 1 } }] }, /scenarios\[0\].connect.color: unknown key "color"/],
    [{ ...base, scenarios: [{ ...base.scenarios[0], kind: "split", connections: 1e9 }] }, /connections/],
    [{ ...base, scenarios: [{ id: "s", question: "q", kind: "sequence", steps: [{ wait: 3600 }] }] }, /wait/],
    [{ ...base, scenarios: [{ id: "s", question: "q", kind: "sequence", steps: [] }] }, /steps/],
  ])("rejects %j", (json, message) => {
    expect(() => parseScenarioFile(json)).toThrow(ScenarioError);
    expect(() => parseScenarioFile(json)).toThrow(message);
  });
});

describe("withRecentSeconds", () => {
  it("shortens every affinity timeout and keeps the line numbers", () => {
    const short = withRecentSeconds(dumpText, 2);
    expect(short).not.toContain("--seconds 10800");
    expect(short.match(/--seconds 2 /g)).toHaveLength(3);
    expect(short.split("\n")).toHaveLength(dumpText.split("\n").length);
    expect(parseDump(short).errors).toEqual([]);
  });
});
