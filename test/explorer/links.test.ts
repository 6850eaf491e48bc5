// The explorer's address format, the presets it derives from a node, and the lessons' links into it.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { LESSON_EXAMPLES, explorerHash, explorerLink, explorerQuestion, loadNodeContext, parseDump, traceConnection, type ConnectionSpec } from "../../lib/index.js";
import { connectionOfState, readState, writeState } from "../../explorer/url-state.js";
import { clientPresets, nodeAddress, serviceDestinations } from "../../explorer/presets.js";
import type { NodeBrief, ServiceBrief } from "../../explorer/protocol.js";
import { commandLine } from "../../explorer/command-line.js";
import { root } from "../views/support.js";

describe("the explorer's address", () => {
  it("writes the documented format and reads it back", () => {
    const hash = explorerHash(explorerQuestion("wordpress", { src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }));
    expect(hash).toBe("#v=1&dump=wordpress&src=172.16.1.100&dst=10.254.42.62:80&proto=tcp");
    const { state, problems } = readState(hash);
    expect(problems).toEqual([]);
    expect(writeState(state)).toBe(hash);
    expect(connectionOfState(state)).toEqual({ connection: { protocol: "tcp", src: "172.16.1.100", dst: "10.254.42.62", dport: 80 } });
  });

  it("carries the source port, the interface or the node as the origin, and escapes what it must", () => {
    const q = explorerQuestion("policies-today", { src: "10.1.2.3", sport: 5555, dst: "10.0.0.1", dport: 53, protocol: "udp", from: { interface: "cni0" } });
    expect(explorerHash(q)).toBe("#v=1&dump=policies-today&src=10.1.2.3:5555&dst=10.0.0.1:53&proto=udp&in=cni0");
    expect(explorerHash({ ...q, local: true })).toContain("&local=1");
    expect(explorerHash({ ...q, local: true })).not.toContain("in=");
    expect(explorerHash({ in: "a&b=c#d" })).toBe("#v=1&in=a%26b%3Dc%23d");
    expect(readState(explorerHash({ in: "a&b=c#d" })).state.in).toBe("a&b=c#d");
    expect(explorerLink("wordpress", { src: "1.2.3.4", dst: "5.6.7.8", dport: 1 }, `<b>"x"</b>`)).toBe(
      `<a class="kil-explorer-link" href="explore.html#v=1&amp;dump=wordpress&amp;src=1.2.3.4&amp;dst=5.6.7.8:1&amp;proto=tcp">&lt;b&gt;&quot;x&quot;&lt;/b&gt;</a>`,
    );
  });

  it("says what is wrong with a link instead of guessing", () => {
    expect(readState("#v=2&proto=icmp").problems).toEqual([
      "this link was written in format v=2; this page reads v=1 and uses what it understands",
      "proto=icmp: expected tcp, udp or sctp",
    ]);
    expect(connectionOfState(readState("#v=1&src=1.2.3.4").state)).toEqual({ problem: "choose a destination: IP:PORT" });
    expect(connectionOfState(readState("#v=1&src=1.2.3.4&dst=5.6.7.8").state)).toEqual({ problem: "destination '5.6.7.8': expected IP:PORT" });
    expect(connectionOfState(readState("#v=1&src=x&dst=5.6.7.8:1").state)).toEqual({ problem: "source 'x': expected IP or IP:PORT" });
  });

  it("gives the command line that asks the same, quoted for a shell", () => {
    expect(commandLine("data/wordpress/iptables-save.txt", "data/wordpress/node.json", { protocol: "udp", src: "10.253.51.9", sport: 1234, dst: "10.254.0.2", dport: 53, from: "local" })).toBe(
      "kube-iptables-lab trace data/wordpress/iptables-save.txt --node data/wordpress/node.json --src 10.253.51.9:1234 --dst 10.254.0.2:53 --proto udp --local --json",
    );
    expect(commandLine("my dump's.txt", "n.json", { protocol: "tcp", src: "1.2.3.4", dst: "5.6.7.8", dport: 1 })).toMatch(/^kube-iptables-lab trace 'my dump'\\''s\.txt' /);
  });
});

const k8s01: NodeBrief = {
  name: "k8s01",
  interfaces: [
    { name: "lo", addresses: ["127.0.0.1/8"] },
    { name: "eth0", addresses: ["172.16.1.10/24"] },
    { name: "docker0", addresses: ["10.253.51.1/24"] },
    { name: "flannel.1", addresses: ["10.253.51.0/32"] },
  ],
  routes: [
    { dst: "0.0.0.0/0", via: "172.16.1.1", dev: "eth0" },
    { dst: "10.253.0.0/16", via: null, dev: "flannel.1" },
    { dst: "10.253.51.0/24", via: null, dev: "docker0" },
    { dst: "172.16.1.0/24", via: null, dev: "eth0" },
  ],
  clusterCIDR: "10.253.0.0/16", podCIDR: "10.253.51.0/24", serviceCIDR: "10.254.0.0/16",
  peers: [{ name: "k8s02", address: "172.16.1.11", podCIDR: "10.253.25.0/24" }],
};

const grafana: ServiceBrief = {
  id: "kube-system/monitoring-grafana:", label: "kube-system/monitoring-grafana", protocol: "tcp", clusterIP: "10.254.167.37", port: 80, nodePort: 30123,
  externalIPs: ["192.0.2.10"], loadBalancerIPs: [], endpoints: [{ ip: "10.253.51.3", port: 3000, local: null }], affinitySeconds: null,
};

describe("presets", () => {
  it("are the lessons' clients, worked out from the node", () => {
    const p = Object.fromEntries(clientPresets(k8s01, grafana).map((x) => [x.id, x]));
    expect(p.outside).toMatchObject({ src: "172.16.1.100", from: { interface: "eth0" } });
    expect(p.node).toMatchObject({ src: "172.16.1.10", from: "local" });
    expect(p["pod-here"]).toMatchObject({ src: "10.253.51.9", from: { interface: "docker0" } });
    expect(p["pod-remote"]).toMatchObject({ src: "10.253.25.9" });
    expect(p["pod-remote"].from).toBeUndefined();
    expect(p.hairpin).toMatchObject({ src: "10.253.51.3", from: { interface: "docker0" } });
  });

  it("say why a case does not apply", () => {
    const remoteOnly = { ...grafana, endpoints: [{ ip: "10.253.25.4", port: 80, local: null }] };
    expect(clientPresets(k8s01, remoteOnly).find((x) => x.id === "hairpin")).toMatchObject({ src: null, note: "no endpoint of this Service runs on this node" });
    const bare: NodeBrief = { ...k8s01, podCIDR: null, peers: [], routes: [] };
    const p = Object.fromEntries(clientPresets(bare, null).map((x) => [x.id, x]));
    expect(p["pod-here"].src).toBeNull();
    expect(p["pod-remote"].src).toBeNull();
    expect(p.hairpin.note).toBe("choose a Service first");
    expect(p.outside.src).toBe("172.16.1.100");
  });

  it("find a pod of this node behind its own route (one veth per pod) and a pod elsewhere from the cluster CIDR when no peer is listed", () => {
    const calico: NodeBrief = {
      name: "node-a",
      interfaces: [{ name: "lo", addresses: ["127.0.0.1/8"] }, { name: "eth0", addresses: ["192.168.0.2/24"] }, { name: "cali1", addresses: ["169.254.1.1/32"] }],
      routes: [{ dst: "0.0.0.0/0", via: "192.168.0.1", dev: "eth0" }, { dst: "10.244.1.5/32", via: null, dev: "cali1" }, { dst: "192.168.0.0/24", via: null, dev: "eth0" }],
      clusterCIDR: "10.244.0.0/16", podCIDR: "10.244.1.0/24", serviceCIDR: "10.96.0.0/16", peers: [],
    };
    const service: ServiceBrief = { ...grafana, endpoints: [{ ip: "10.244.1.5", port: 8080, local: true }] };
    const p = Object.fromEntries(clientPresets(calico, service).map((x) => [x.id, x]));
    expect(p["pod-here"]).toMatchObject({ src: "10.244.1.5", from: { interface: "cali1" } });
    expect(p["pod-remote"]).toMatchObject({ src: "10.244.0.9", note: "10.244.0.9, in the cluster CIDR 10.244.0.0/16 outside this node's pod CIDR 10.244.1.0/24" });
    // The hairpin pod starts on the interface its own route goes out of.
    expect(p.hairpin).toMatchObject({ src: "10.244.1.5", from: { interface: "cali1" } });
    // When this node's block is the first of the cluster CIDR, another node's is the next one.
    expect(clientPresets({ ...calico, podCIDR: "10.244.0.0/24" }, null).find((x) => x.id === "pod-remote")!.src).toBe("10.244.1.9");
  });

  it("skip taken addresses", () => {
    const crowded = { ...k8s01, interfaces: [{ name: "eth0", addresses: ["10.0.0.100/24"] }], routes: [{ dst: "0.0.0.0/0", via: "10.0.0.101", dev: "eth0" }], peers: [] };
    expect(clientPresets(crowded, null)[0].src).toBe("10.0.0.102");
    expect(nodeAddress(crowded)).toBe("10.0.0.100");
  });

  it("list every way to reach a Service", () => {
    expect(serviceDestinations(grafana, k8s01).map((d) => d.label)).toEqual(["cluster IP 10.254.167.37:80", "node port 172.16.1.10:30123", "external IP 192.0.2.10:80"]);
  });
});

describe("the lessons' links into the explorer", () => {
  const cases = JSON.parse(fs.readFileSync(path.join(root, "explorer", "lesson-cases.json"), "utf8")).lessons as Record<string, (ConnectionSpec & { label: string; dump: string })[]>;
  const lessons = fs.readdirSync(path.join(root, "notebooks")).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).map((f) => f.replace(/\.ipynb$/, ""));

  it("exist for every lesson, and only for lessons that exist", () => {
    for (const lesson of lessons) expect(cases[lesson]?.length ?? 0, lesson).toBeGreaterThan(0);
    expect(Object.keys(cases).filter((k) => !lessons.includes(k))).toEqual([]);
  });

  it("each trace in Node without an input error, on a bundled example", () => {
    const nodes = LESSON_EXAMPLES;
    for (const [lesson, list] of Object.entries(cases)) {
      for (const c of list) {
        expect(nodes[c.dump], `${lesson}: ${c.label}`).toBeDefined();
        const dump = parseDump(fs.readFileSync(path.join(root, "data", c.dump, "iptables-save.txt"), "utf8")).dump;
        const node = loadNodeContext(JSON.parse(fs.readFileSync(path.join(root, "data", nodes[c.dump], "node.json"), "utf8")));
        expect(traceConnection(dump, node, c, { followUp: false }).outcomes.length, `${lesson}: ${c.label}`).toBeGreaterThan(0);
      }
    }
  });
});
