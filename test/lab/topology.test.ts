import { describe, expect, it } from "vitest";
import { describePlan, LabError, loadNodeContext, nodeRoutes, planLab, type LabPlan, type NamespacePlan } from "../../lib/index.js";
import { dump, node, nodeJson } from "./support.js";

const clients = [
  { src: "172.16.1.100" }, { src: "10.253.51.9" }, { src: "10.253.25.9" }, { src: "172.16.1.10", from: "local" as const },
];
const plan: LabPlan = planLab(dump, node, { clients, catchAllPorts: [80, 81, 1] });
const ns = (role: string): NamespacePlan => plan.namespaces.find((n) => n.role === role)!;
const addresses = (role: string) => ns(role).addresses.map((a) => `${a.dev} ${a.cidr}`);
const listeners = (role: string) => ns(role).listeners.map((l) => `${l.protocol} ${l.address}:${l.port}`);

describe("planLab on the wordpress node", () => {
  it("mirrors the node's interfaces, in order, each with a namespace behind it; the pod subnet's is a bridge with a namespace per pod", () => {
    expect(plan.links).toEqual([
      { name: "eth0", farRole: "via-eth0" },
      ...[1, 2, 3, 4, 5].map((k) => ({ name: `docker0p${k}`, farRole: `via-docker0-${k}`, bridge: "docker0" })),
      { name: "flannel.1", farRole: "via-flannel.1" },
    ]);
    expect(plan.bridges).toEqual(["docker0"]);
    expect(plan.order).toEqual(["eth0", "docker0", "flannel.1"]);
    expect(plan.namespaces.map((n) => n.role)).toEqual(["node", "via-eth0", ...[1, 2, 3, 4, 5].map((k) => `via-docker0-${k}`), "via-flannel.1"]);
    expect(addresses("node")).toEqual(["eth0 172.16.1.10/24", "docker0 10.253.51.1/24", "flannel.1 10.253.51.0/32"]);
    expect(ns("node").sysctls).toContain("net.ipv4.ip_forward=1");
    expect(ns("node").sysctls).toContain("net.bridge.bridge-nf-call-iptables=1");
    expect(ns("via-docker0-4").plays).toBe("the pod 10.253.51.3 on k8s01 (a port of the bridge docker0)");
    expect(ns("via-docker0-4").behind).toBe("docker0");
    expect(ns("via-flannel.1").plays).toMatch(/pods on other nodes/);
    expect(ns("via-eth0").plays).toMatch(/outside/);
  });

  it("puts each address behind the interface the node routes it to, with the connected prefix or /32", () => {
    expect(addresses("via-eth0")).toEqual(expect.arrayContaining(["eth0 172.16.1.1/24", "eth0 172.16.1.100/24", "eth0 172.16.1.11/24", "eth0 172.16.1.12/24"]));
    // One pod per namespace: the client first, then the endpoints in the order of their Services.
    expect([1, 2, 3, 4, 5].map((k) => addresses(`via-docker0-${k}`))).toEqual([
      ["eth0 10.253.51.9/24"], ["eth0 10.253.51.2/24"], ["eth0 10.253.51.5/24"], ["eth0 10.253.51.3/24"], ["eth0 10.253.51.4/24"],
    ]);
    expect(addresses("via-flannel.1")).toEqual(expect.arrayContaining(["eth0 10.253.25.4/32", "eth0 10.253.84.4/32", "eth0 10.253.84.2/32", "eth0 10.253.25.9/32"]));
    // The gateway comes first, so it is the primary address of the router's side.
    expect(addresses("via-eth0")[0]).toBe("eth0 172.16.1.1/24");
  });

  it("serves the node's own endpoints inside the node namespace, and every endpoint over TCP and UDP", () => {
    expect(listeners("node").sort()).toEqual(["tcp 172.16.1.10:1", "tcp 172.16.1.10:6443", "udp 172.16.1.10:1", "udp 172.16.1.10:6443"]);
    expect(listeners("via-flannel.1")).toEqual(expect.arrayContaining(["udp 10.253.84.2:53", "tcp 10.253.84.2:53", "tcp 10.253.25.4:80", "tcp 10.253.84.4:80"]));
    expect(listeners("via-docker0-4")).toEqual(["tcp 10.253.51.3:3000", "udp 10.253.51.3:3000"]);
    expect(listeners("via-docker0-1")).toEqual([]);
  });

  it("gives the router a catch-all for the service range, except on ports already bound there", () => {
    expect(ns("via-eth0").anyIp).toEqual(["10.254.0.0/16"]);
    expect(listeners("via-eth0")).toEqual(expect.arrayContaining(["tcp 0.0.0.0:80", "tcp 0.0.0.0:81"]));
    expect(listeners("via-eth0")).not.toContain("tcp 0.0.0.0:1"); // 172.16.1.11:1 and .12:1 are bound there
    expect(ns("via-docker0-1").anyIp).toEqual([]);
  });

  it("routes the far sides back through the node, on-link or through a device route", () => {
    expect(ns("via-eth0").routes).toEqual([["default", "via", "172.16.1.10", "dev", "eth0"]]);
    for (const k of [1, 2, 3, 4, 5]) expect(ns(`via-docker0-${k}`).routes).toEqual([["default", "via", "10.253.51.1", "dev", "eth0"]]);
    expect(ns("via-flannel.1").routes).toEqual([["10.253.51.0/32", "dev", "eth0"], ["default", "via", "10.253.51.0", "dev", "eth0"]]);
    expect(describePlan(plan)).toContain("answers for 10.254.0.0/16 (catch-all)");
  });
});

describe("nodeRoutes", () => {
  it("adds device routes before gateway routes, and onlink when the gateway is not on a connected network", () => {
    expect(nodeRoutes(node)).toEqual([
      ["10.253.0.0/16", "dev", "flannel.1"],
      ["10.253.51.0/24", "dev", "docker0", "src", "10.253.51.1"],
      ["172.16.1.0/24", "dev", "eth0", "src", "172.16.1.10"],
      ["default", "via", "172.16.1.1", "dev", "eth0"],
    ]);
    const flannel = loadNodeContext({ ...nodeJson, routes: [...nodeJson.routes, { dst: "10.253.25.0/24", via: "10.253.25.0", dev: "flannel.1" }] });
    expect(nodeRoutes(flannel)).toContainEqual(["10.253.25.0/24", "via", "10.253.25.0", "onlink", "dev", "flannel.1"]);
  });
});

describe("planLab refuses what it cannot build", () => {
  it("a client that is not the node's address but claims to be a process on the node", () => {
    expect(() => planLab(dump, node, { clients: [{ src: "10.9.9.9", from: "local" }] })).toThrow(LabError);
  });

  it("the node's own address arriving on an interface", () => {
    expect(() => planLab(dump, node, { clients: [{ src: "172.16.1.10", from: { interface: "eth0" } }] })).toThrow(/own address/);
  });

  it("a pod placed twice behind the bridge keeps its one namespace", () => {
    const twice = planLab(dump, node, { clients: [{ src: "10.253.51.3" }, { src: "10.253.51.3", from: { interface: "docker0" } }] });
    expect(twice.namespaces.filter((n) => n.addresses.some((a) => a.cidr === "10.253.51.3/24")).map((n) => n.role)).toEqual(["via-docker0-1"]);
  });

  it("one address needed behind two interfaces", () => {
    expect(() => planLab(dump, node, { clients: [{ src: "172.16.1.100" }, { src: "172.16.1.100", from: { interface: "flannel.1" } }] })).toThrow(/both/);
  });

  it("a node without interfaces", () => {
    expect(() => planLab(dump, loadNodeContext({ ...nodeJson, interfaces: [{ name: "lo", addresses: ["127.0.0.1/8"] }], routes: [] }))).toThrow(/no interface besides lo/);
  });
});
