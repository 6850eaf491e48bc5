// Services recovered from today's shapes (kube-proxy 1.29+, saved by iptables-nft-save):
// data/wordpress-today (the wordpress node) and data/policies-today (traffic policies, load
// balancer source ranges, an external IP, Services without (local) endpoints).
import { describe, expect, it } from "vitest";
import {
  ONE, ZERO, endpointChainName, equals, findTable, fraction, serviceChainName, services, sum, type KubeService,
} from "../../lib/index.js";
import { parse, readRepoFile } from "../parse/support.js";

function catalog(path: string): KubeService[] {
  const r = parse(readRepoFile(path));
  expect(r.errors).toEqual([]);
  return services(r.dump);
}

function byId(list: KubeService[], id: string): KubeService {
  const s = list.find((x) => x.id === id);
  if (!s) throw new Error(`no service ${id}`);
  return s;
}

/** The dump with every `-m comment --comment ...` removed. */
function withoutComments(text: string): string {
  return text.replace(/ -m comment --comment ("(?:[^"\\]|\\.)*"|\S+)/g, "");
}

describe("kube-proxy's chain names today", () => {
  it("KUBE-SVC, KUBE-SVL, KUBE-EXT and KUBE-FW hash the same text (proxier.go's portProtoHash) with their own prefixes", () => {
    // An unnamed port is `ns/name` today (2018: `ns/name:`), so its chains have new names.
    expect(serviceChainName("default/wordpress-01-svc", "tcp")).toBe("KUBE-SVC-BAAN26WL4SAXK4WM");
    expect(serviceChainName("default/wordpress-01-svc", "tcp", "KUBE-EXT-")).toBe("KUBE-EXT-BAAN26WL4SAXK4WM");
    expect(serviceChainName("default/wordpress-01-svc:", "tcp")).toBe("KUBE-SVC-QYS3VDMSAZUOTSWJ");
    expect(endpointChainName("default/wordpress-01-svc", "tcp", "10.253.25.4:80")).toBe("KUBE-SEP-5CWUAO6N2VBGGL72");
    expect(serviceChainName("demo/web-local:http", "tcp", "KUBE-SVL-")).toBe("KUBE-SVL-EPQ2GAXAICHDUGFX");
    expect(serviceChainName("demo/web-local:http", "tcp", "KUBE-EXT-")).toBe("KUBE-EXT-EPQ2GAXAICHDUGFX");
    expect(serviceChainName("demo/shop:https", "tcp", "KUBE-FW-")).toBe("KUBE-FW-6RPHUCFPUBGIVHOV");
    expect(serviceChainName("demo/shop:https", "tcp", "KUBE-EXT-")).toBe("KUBE-EXT-6RPHUCFPUBGIVHOV");
    // Named ports keep 2018's names.
    expect(serviceChainName("kube-system/kube-dns:dns", "udp")).toBe("KUBE-SVC-TCOU7JCQXEZGVUNU");
  });
});

describe("data/wordpress-today", () => {
  const list = catalog("data/wordpress-today/iptables-save.txt");

  it("has the same 14 service ports as 2018, today's unnamed ports without the colon", () => {
    expect(list.map((s) => [s.id, s.protocol, `${s.clusterIP}:${s.port}`, s.nodePort])).toEqual([
      ["default/heketi-storage-endpoints", "tcp", "10.254.112.177:1", null],
      ["default/heketi:heketi", "tcp", "10.254.111.142:8080", null],
      ["default/kubernetes:https", "tcp", "10.254.0.1:443", null],
      ["default/mysql-01-svc", "tcp", "10.254.64.95:3306", null],
      ["default/wordpress-01-svc", "tcp", "10.254.42.62:80", 32765],
      ["ingress-nginx/default-http-backend", "tcp", "10.254.94.117:80", null],
      ["ingress-nginx/ingress-nginx:http", "tcp", "10.254.122.20:80", 30080],
      ["ingress-nginx/ingress-nginx:https", "tcp", "10.254.122.20:443", 30443],
      ["kube-system/heapster", "tcp", "10.254.204.85:80", null],
      ["kube-system/kube-dns:dns", "udp", "10.254.0.2:53", null],
      ["kube-system/kube-dns:dns-tcp", "tcp", "10.254.0.2:53", null],
      ["kube-system/kubernetes-dashboard", "tcp", "10.254.174.122:443", 32767],
      ["kube-system/monitoring-grafana", "tcp", "10.254.167.37:80", 32766],
      ["kube-system/monitoring-influxdb", "tcp", "10.254.227.68:8086", null],
    ]);
    expect(list.flatMap((s) => s.problems)).toEqual([]);
  });

  it("reads wordpress-01-svc: KUBE-EXT, the masquerade rule at the top of KUBE-SVC, affinity in today's option order", () => {
    const wp = byId(list, "default/wordpress-01-svc");
    expect(wp).toMatchObject({
      chain: "KUBE-SVC-BAAN26WL4SAXK4WM", externalChain: "KUBE-EXT-BAAN26WL4SAXK4WM", localChain: null, firewallChain: null,
      affinity: { timeoutSeconds: 10800 }, fallThrough: ZERO, entryLines: [118, 163],
      trafficPolicy: { internal: "Cluster", external: "Cluster" }, externalIPs: [], loadBalancerIPs: [], sourceRanges: [], noEndpoints: [], firewall: [],
    });
    expect(wp.masquerade).toEqual([
      { line: 110, chain: "KUBE-EXT-BAAN26WL4SAXK4WM", reason: "external" },
      { line: 125, chain: "KUBE-SEP-5CWUAO6N2VBGGL72", reason: "hairpin" },
      { line: 149, chain: "KUBE-SEP-S4XJHNWZONJ7CQQ2", reason: "hairpin" },
      { line: 182, chain: "KUBE-SVC-BAAN26WL4SAXK4WM", reason: "service" },
    ]);
    expect(wp.endpoints.map((e) => [`${e.ip}:${e.port}`, e.chain, e.probability, e.line, e.affinityLine, e.dnatLine, e.recentList, e.local])).toEqual([
      ["10.253.25.4:80", "KUBE-SEP-5CWUAO6N2VBGGL72", fraction(1, 2), 185, 183, 126, "KUBE-SEP-5CWUAO6N2VBGGL72", null],
      ["10.253.84.4:80", "KUBE-SEP-S4XJHNWZONJ7CQQ2", fraction(1, 2), 186, 184, 150, "KUBE-SEP-S4XJHNWZONJ7CQQ2", null],
    ]);
    expect(wp.endpoints[0].ruleProbability).toEqual({ printed: "0.50000000000", kernel: 1073741824, value: 0.5 });
  });

  it("gives heketi's three endpoints the kernel's shares for today's 0.3333333333, summing to exactly 1", () => {
    const heketi = byId(list, "default/heketi-storage-endpoints");
    const k = 715827883; // round(0.3333333333 * 2^31), printed 0.33333333349
    expect(heketi.endpoints[0].ruleProbability).toEqual({ printed: "0.33333333349", kernel: k, value: k / 2 ** 31 });
    expect(heketi.endpoints.map((e) => e.probability)).toEqual([fraction(k, 2 ** 31), fraction(2 ** 31 - k, 2 ** 32), fraction(2 ** 31 - k, 2 ** 32)]);
    expect(equals(sum(heketi.endpoints.map((e) => e.probability)), ONE)).toBe(true);
  });

  it("drops kubernetes' affinity (a cluster created today) and keeps only wordpress' one", () => {
    expect(list.filter((s) => s.affinity).map((s) => s.id)).toEqual(["default/wordpress-01-svc"]);
  });

  it("accounts for every KUBE-SVC, KUBE-EXT and KUBE-SEP chain", () => {
    const nat = findTable(parse(readRepoFile("data/wordpress-today/iptables-save.txt")).dump, "nat")!;
    const dumped = nat.chains.map((c) => c.name).filter((n) => /^KUBE-(SVC|SVL|EXT|FW|SEP)-/.test(n)).sort();
    const found = list.flatMap((s) => [s.chain, ...(s.externalChain ? [s.externalChain] : []), ...s.endpoints.map((e) => e.chain)]).sort();
    expect(found).toEqual(dumped);
  });
});

describe("data/policies-today", () => {
  const list = catalog("data/policies-today/iptables-save.txt");

  it("recovers all seven Services, including those with only filter rules", () => {
    expect(list.map((s) => [s.id, s.chain, s.trafficPolicy.internal, s.trafficPolicy.external, s.endpoints.length])).toEqual([
      ["demo/api-elsewhere", "KUBE-SVC-XCET7YUI3DFGXVY3", "Cluster", "Local", 1],
      ["demo/cache", "KUBE-SVL-7AVDPWP3SK6I3NCG", "Local", null, 1],
      ["demo/cache-elsewhere", serviceChainName("demo/cache-elsewhere", "tcp"), "Local", null, 0],
      ["demo/legacy", "KUBE-SVC-2T5T4MXFYNUBUEMS", "Cluster", "Cluster", 1],
      ["demo/retired", serviceChainName("demo/retired", "tcp"), "Cluster", "Cluster", 0],
      ["demo/shop:https", "KUBE-SVC-6RPHUCFPUBGIVHOV", "Cluster", "Cluster", 2],
      ["demo/web-local:http", "KUBE-SVC-EPQ2GAXAICHDUGFX", "Cluster", "Local", 2],
    ]);
    expect(list.flatMap((s) => s.problems)).toEqual([]);
  });

  it("externalTrafficPolicy Local with a local endpoint: KUBE-SVL holds it, KUBE-EXT leads there, the other endpoint is remote", () => {
    const web = byId(list, "demo/web-local:http");
    expect(web).toMatchObject({
      clusterIP: "10.254.10.10", port: 80, nodePort: 31080, loadBalancerIPs: ["203.0.113.10"], externalIPs: [],
      localChain: "KUBE-SVL-EPQ2GAXAICHDUGFX", externalChain: "KUBE-EXT-EPQ2GAXAICHDUGFX", firewallChain: null, noEndpoints: [],
    });
    expect(web.endpoints.map((e) => [`${e.ip}:${e.port}`, e.probability, e.local, e.localProbability, e.localLine])).toEqual([
      ["10.253.25.20:8080", fraction(1, 2), false, ZERO, null],
      ["10.253.51.20:8080", fraction(1, 2), true, ONE, 149],
    ]);
    // Only the node's own traffic is masqueraded on the way in (--src-type LOCAL), not external clients.
    expect(web.masquerade.filter((m) => m.reason === "external")).toEqual([{ line: 99, chain: "KUBE-EXT-EPQ2GAXAICHDUGFX", reason: "external" }]);
  });

  it("externalTrafficPolicy Local without a local endpoint: KUBE-EXT ends without a jump, filter DROPs the NodePort", () => {
    const api = byId(list, "demo/api-elsewhere");
    expect(api.localChain).toBeNull();
    expect(api.endpoints.map((e) => [e.ip, e.local])).toEqual([["10.253.25.21", false]]);
    expect(api.noEndpoints).toEqual([
      { line: 41, chain: "KUBE-EXTERNAL-SERVICES", target: "DROP", rejectWith: null, traffic: "node-port", ip: null, port: 31081, reason: "no-local-endpoints" },
    ]);
  });

  it("internalTrafficPolicy Local: the cluster IP leads to KUBE-SVL (masquerade rule on top), only the local endpoint has a chain", () => {
    const cache = byId(list, "demo/cache");
    expect(cache).toMatchObject({ chain: "KUBE-SVL-7AVDPWP3SK6I3NCG", localChain: "KUBE-SVL-7AVDPWP3SK6I3NCG", externalChain: null, entryLines: [131] });
    expect(cache.endpoints.map((e) => [`${e.ip}:${e.port}`, e.probability, e.local, e.localProbability])).toEqual([["10.253.51.22:6379", ONE, true, ONE]]);
    expect(cache.masquerade.map((m) => `${m.reason} ${m.line}`)).toEqual(["hairpin 116", "service 147"]);
    const none = byId(list, "demo/cache-elsewhere");
    expect(none).toMatchObject({ clusterIP: "10.254.10.13", port: 6379, endpoints: [], entryLines: [], fallThrough: ZERO });
    expect(none.noEndpoints).toEqual([
      { line: 49, chain: "KUBE-SERVICES", target: "DROP", rejectWith: null, traffic: "cluster-ip", ip: "10.254.10.13", port: 6379, reason: "no-local-endpoints" },
    ]);
  });

  it("loadBalancerSourceRanges: KUBE-FW admits 172.16.1.96/28, KUBE-PROXY-FIREWALL drops the rest", () => {
    const shop = byId(list, "demo/shop:https");
    expect(shop).toMatchObject({
      loadBalancerIPs: ["203.0.113.20"], sourceRanges: ["172.16.1.96/28"], nodePort: 31443,
      firewallChain: "KUBE-FW-6RPHUCFPUBGIVHOV", externalChain: "KUBE-EXT-6RPHUCFPUBGIVHOV", entryLines: [110, 132, 133],
    });
    expect(shop.firewall).toEqual([
      { line: 48, chain: "KUBE-PROXY-FIREWALL", target: "DROP", rejectWith: null, traffic: "load-balancer", ip: "203.0.113.20", port: 443, reason: "source-range" },
    ]);
  });

  it("an external IP goes through KUBE-EXT", () => {
    const legacy = byId(list, "demo/legacy");
    expect(legacy).toMatchObject({ externalIPs: ["198.51.100.30"], loadBalancerIPs: [], externalChain: "KUBE-EXT-2T5T4MXFYNUBUEMS", entryLines: [134, 135] });
    expect(legacy.masquerade.find((m) => m.reason === "external")).toEqual({ line: 94, chain: "KUBE-EXT-2T5T4MXFYNUBUEMS", reason: "external" });
  });

  it("a Service without endpoints: the REJECT rules for its cluster IP and NodePort, with their reject type", () => {
    const retired = byId(list, "demo/retired");
    expect(retired).toMatchObject({ clusterIP: "10.254.10.16", port: 80, nodePort: 31090, endpoints: [], masquerade: [], entryLines: [] });
    expect(retired.noEndpoints).toEqual([
      { line: 50, chain: "KUBE-SERVICES", target: "REJECT", rejectWith: "icmp-port-unreachable", traffic: "cluster-ip", ip: "10.254.10.16", port: 80, reason: "no-endpoints" },
      { line: 42, chain: "KUBE-EXTERNAL-SERVICES", target: "REJECT", rejectWith: "icmp-port-unreachable", traffic: "node-port", ip: null, port: 31090, reason: "no-endpoints" },
    ]);
  });

  it("without comments: the same chains, endpoints and policies (load balancer IPs without KUBE-FW read as external IPs; unnamed filter-only Services are not listed)", () => {
    const text = withoutComments(readRepoFile("data/policies-today/iptables-save.txt"));
    expect(text).not.toContain("--comment");
    const bare = services(parse(text).dump);
    const summary = (s: KubeService) => ({
      chain: s.chain, clusterIP: s.clusterIP, port: s.port, nodePort: s.nodePort, localChain: s.localChain, externalChain: s.externalChain,
      firewallChain: s.firewallChain, sourceRanges: s.sourceRanges, trafficPolicy: s.trafficPolicy, ips: [...s.externalIPs, ...s.loadBalancerIPs],
      endpoints: s.endpoints.map((e) => `${e.ip}:${e.port} ${e.local}`), firewall: s.firewall.map((r) => r.line), noEndpoints: s.noEndpoints.map((r) => r.line),
    });
    const named = list.filter((s) => s.endpoints.length > 0).map(summary).sort((a, b) => (a.chain < b.chain ? -1 : 1));
    expect(bare.map(summary).sort((a, b) => (a.chain < b.chain ? -1 : 1))).toEqual(named);
    expect(bare.every((s) => s.id === s.chain && s.problems.length === 0)).toBe(true);
    expect(bare.find((s) => s.chain === "KUBE-SVC-EPQ2GAXAICHDUGFX")!.externalIPs).toEqual(["203.0.113.10"]);
  });
});
