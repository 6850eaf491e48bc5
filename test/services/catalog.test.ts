// The Services recovered from kube-proxy's chains: the wordpress dump, the same without comments, renamed chains, today's style.
import { describe, expect, it } from "vitest";
import {
  ONE, ZERO, endpointChainName, equals, findTable, fraction, kubeProxyHash, serviceChainName, services, sum, type KubeService,
} from "../../lib/index.js";
import { parse, readRepoFile, wordpress } from "../parse/support.js";

const SCALE = 2 ** 31;

function catalog(text: string): KubeService[] {
  const r = parse(text);
  expect(r.errors).toEqual([]);
  return services(r.dump);
}

function byChain(list: KubeService[], chain: string): KubeService {
  const s = list.find((x) => x.chain === chain);
  if (!s) throw new Error(`no service with chain ${chain}`);
  return s;
}

/** The dump with every `-m comment --comment ...` removed. */
function withoutComments(text: string): string {
  return text.replace(/ -m comment --comment ("(?:[^"\\]|\\.)*"|\S+)/g, "");
}

describe("the wordpress dump", () => {
  const list = catalog(wordpress);

  it("has 14 service ports", () => {
    expect(list).toHaveLength(14);
    expect(list.map((s) => s.id)).toEqual([
      "default/heketi-storage-endpoints:", "default/heketi:heketi", "default/kubernetes:https", "default/mysql-01-svc:", "default/wordpress-01-svc:",
      "ingress-nginx/default-http-backend:", "ingress-nginx/ingress-nginx:http", "ingress-nginx/ingress-nginx:https", "kube-system/heapster:",
      "kube-system/kube-dns:dns", "kube-system/kube-dns:dns-tcp", "kube-system/kubernetes-dashboard:", "kube-system/monitoring-grafana:",
      "kube-system/monitoring-influxdb:",
    ]);
  });

  it("reads wordpress-01-svc completely", () => {
    const wp = byChain(list, "KUBE-SVC-QYS3VDMSAZUOTSWJ");
    expect(wp).toEqual({
      id: "default/wordpress-01-svc:", namespace: "default", name: "wordpress-01-svc", portName: "", protocol: "tcp",
      clusterIP: "10.254.42.62", port: 80, nodePort: 32765, chain: "KUBE-SVC-QYS3VDMSAZUOTSWJ",
      endpoints: [
        {
          ip: "10.253.25.4", port: 80, chain: "KUBE-SEP-Q6QA3I2UU4P2TRVC", probability: { num: 1n, den: 2n },
          ruleProbability: { printed: "0.50000000000", kernel: 1073741824, value: 0.5 },
          line: 174, affinityLine: 172, dnatLine: 118, hairpinLine: 117, recentList: "KUBE-SEP-Q6QA3I2UU4P2TRVC",
          local: null, localProbability: null, localLine: null,
        },
        {
          ip: "10.253.84.4", port: 80, chain: "KUBE-SEP-I7ZLLXO3AGNMS3PQ", probability: { num: 1n, den: 2n }, ruleProbability: null,
          line: 175, affinityLine: 173, dnatLine: 114, hairpinLine: 113, recentList: "KUBE-SEP-I7ZLLXO3AGNMS3PQ",
          local: null, localProbability: null, localLine: null,
        },
      ],
      fallThrough: ZERO,
      affinity: { timeoutSeconds: 10800 },
      masquerade: [
        { line: 88, chain: "KUBE-NODEPORTS", reason: "node-port" },
        { line: 113, chain: "KUBE-SEP-I7ZLLXO3AGNMS3PQ", reason: "hairpin" },
        { line: 117, chain: "KUBE-SEP-Q6QA3I2UU4P2TRVC", reason: "hairpin" },
        { line: 139, chain: "KUBE-SERVICES", reason: "cluster-ip" },
      ],
      entryLines: [89, 140],
      problems: [],
      // Today's fields: 2018's kube-proxy had none of these chains.
      localChain: null, externalChain: null, firewallChain: null, externalIPs: [], loadBalancerIPs: [], sourceRanges: [],
      trafficPolicy: { internal: "Cluster", external: "Cluster" }, noEndpoints: [], firewall: [],
    });
  });

  it("gives heketi-storage-endpoints' three endpoints their exact shares, summing to exactly 1", () => {
    const heketi = byChain(list, "KUBE-SVC-E6QDTEVXMTWFYZ6I");
    const first = fraction(715820724, SCALE);
    const rest = fraction(SCALE - 715820724, 2 * SCALE);
    expect(heketi.endpoints.map((e) => [`${e.ip}:${e.port}`, e.chain])).toEqual([
      ["172.16.1.10:1", "KUBE-SEP-GTAFP74BZFPH6CQM"], ["172.16.1.11:1", "KUBE-SEP-6O64CPVDJXXVN5BC"], ["172.16.1.12:1", "KUBE-SEP-XN3I23B6JXDLF55A"],
    ]);
    expect(heketi.endpoints.map((e) => e.probability)).toEqual([first, rest, rest]);
    expect(first).toEqual({ num: 178955181n, den: 536870912n });
    expect(rest).toEqual({ num: 357915731n, den: 1073741824n });
    expect(equals(sum(heketi.endpoints.map((e) => e.probability)), ONE)).toBe(true);
    expect(heketi.fallThrough).toEqual(ZERO);
    expect(heketi.endpoints[0].ruleProbability).toEqual({ printed: "0.33332999982", kernel: 715820724, value: 715820724 / SCALE });
    expect(heketi.endpoints[1].ruleProbability).toEqual({ printed: "0.50000000000", kernel: 1073741824, value: 0.5 });
    expect(heketi.endpoints[2].ruleProbability).toBeNull();
    expect(heketi.affinity).toBeNull();
  });

  it("reads kube-dns over udp and kubernetes' ClientIP affinity", () => {
    const dns = byChain(list, "KUBE-SVC-TCOU7JCQXEZGVUNU");
    expect([dns.id, dns.protocol, dns.clusterIP, dns.port, dns.nodePort]).toEqual(["kube-system/kube-dns:dns", "udp", "10.254.0.2", 53, null]);
    const api = byChain(list, "KUBE-SVC-NPX46M4PTMTKRN6Y");
    expect(api.affinity).toEqual({ timeoutSeconds: 10800 });
    expect(api.endpoints.map((e) => [e.ip, e.port, e.probability])).toEqual([["172.16.1.10", 6443, ONE]]);
  });

  it("every service's endpoint shares sum to exactly 1", () => {
    for (const s of list) expect(equals(sum(s.endpoints.map((e) => e.probability)), ONE)).toBe(true);
  });

  it("every chain name matches kube-proxy's hash: no problems", () => {
    expect(list.flatMap((s) => s.problems)).toEqual([]);
    for (const s of list) {
      expect(serviceChainName(s.id, s.protocol)).toBe(s.chain);
      for (const e of s.endpoints) expect(endpointChainName(s.id, s.protocol, `${e.ip}:${e.port}`)).toBe(e.chain);
    }
  });

  it("accounts for every KUBE-SVC and KUBE-SEP chain of the dump", () => {
    const nat = findTable(parse(wordpress).dump, "nat")!;
    const dumped = nat.chains.map((c) => c.name).filter((n) => /^KUBE-(SVC|SEP)-/.test(n)).sort();
    const found = list.flatMap((s) => [s.chain, ...s.endpoints.map((e) => e.chain)]).sort();
    expect(found).toEqual(dumped);
  });
});

describe("kube-proxy's chain names", () => {
  it("are a prefix and 16 base32 characters of SHA-256 over the service port name and protocol (and endpoint)", () => {
    expect(serviceChainName("default/wordpress-01-svc:", "tcp")).toBe("KUBE-SVC-QYS3VDMSAZUOTSWJ");
    expect(serviceChainName("kube-system/kube-dns:dns", "udp")).toBe("KUBE-SVC-TCOU7JCQXEZGVUNU");
    expect(serviceChainName("kube-system/kube-dns:dns", "UDP")).toBe("KUBE-SVC-TCOU7JCQXEZGVUNU");
    expect(endpointChainName("default/wordpress-01-svc:", "tcp", "10.253.25.4:80")).toBe("KUBE-SEP-Q6QA3I2UU4P2TRVC");
    expect(kubeProxyHash("default/wordpress-01-svc:tcp10.253.25.4:80")).toBe("Q6QA3I2UU4P2TRVC");
    expect(serviceChainName("default/wordpress-01-svc:", "tcp", "KUBE-EXT-")).toBe("KUBE-EXT-QYS3VDMSAZUOTSWJ");
  });
});

describe("the wordpress dump without comments", () => {
  const stripped = withoutComments(wordpress);
  const plain = catalog(wordpress);
  const bare = catalog(stripped);

  it("really has no comments left", () => {
    expect(stripped).not.toContain("--comment");
    expect(stripped.split("\n")).toHaveLength(wordpress.split("\n").length);
  });

  it("still yields 14 service ports, with the same addresses, ports, endpoints, shares and affinity", () => {
    expect(bare).toHaveLength(14);
    const summary = (s: KubeService) => ({
      chain: s.chain, protocol: s.protocol, clusterIP: s.clusterIP, port: s.port, nodePort: s.nodePort, affinity: s.affinity,
      endpoints: s.endpoints.map((e) => ({ ip: e.ip, port: e.port, chain: e.chain, probability: e.probability, kernel: e.ruleProbability?.kernel ?? null })),
    });
    const byName = (a: { chain: string }, b: { chain: string }) => (a.chain < b.chain ? -1 : 1);
    expect(bare.map(summary).sort(byName)).toEqual(plain.map(summary).sort(byName));
  });

  it("falls back to the chain names for ids, with no names and no problems", () => {
    for (const s of bare) {
      expect(s.id).toBe(s.chain);
      expect([s.namespace, s.name, s.portName]).toEqual([null, null, null]);
      expect(s.problems).toEqual([]);
    }
  });
});

describe("a chain name that does not match its hash", () => {
  it("an endpoint chain renamed is reported against its DNAT target", () => {
    const list = catalog(wordpress.replaceAll("KUBE-SEP-Q6QA3I2UU4P2TRVC", "KUBE-SEP-Q6QA3I2UU4P2TRVX"));
    const wp = byChain(list, "KUBE-SVC-QYS3VDMSAZUOTSWJ");
    expect(wp.problems).toEqual([
      "chain KUBE-SEP-Q6QA3I2UU4P2TRVX does not match its DNAT target 10.253.25.4:80: kube-proxy names it KUBE-SEP-Q6QA3I2UU4P2TRVC",
    ]);
    expect(list.filter((s) => s !== wp).flatMap((s) => s.problems)).toEqual([]);
  });

  it("a service chain renamed is reported against its comment", () => {
    const list = catalog(wordpress.replaceAll("KUBE-SVC-QYS3VDMSAZUOTSWJ", "KUBE-SVC-QYS3VDMSAZUOTSWK"));
    expect(byChain(list, "KUBE-SVC-QYS3VDMSAZUOTSWK").problems).toEqual([
      "chain KUBE-SVC-QYS3VDMSAZUOTSWK does not match its comment: kube-proxy names default/wordpress-01-svc: (tcp) KUBE-SVC-QYS3VDMSAZUOTSWJ",
    ]);
  });
});

describe("today's style (test/fixtures/dumps/kube-proxy-nft.txt)", () => {
  const list = catalog(readRepoFile("test/fixtures/dumps/kube-proxy-nft.txt"));

  it("follows NodePort traffic through KUBE-EXT to the service chain", () => {
    expect(list.map((s) => [s.id, s.chain, s.clusterIP, s.port, s.nodePort])).toEqual([
      // No endpoints: only its filter REJECT rule; the chain is the name kube-proxy would give it.
      ["default/empty:http", serviceChainName("default/empty:http", "tcp"), "10.96.44.3", 80, null],
      ["default/kubernetes:https", "KUBE-SVC-NPX46M4PTMTKRN6Y", "10.96.0.1", 443, null],
      ["default/web:http", serviceChainName("default/web:http", "tcp"), "10.96.120.7", 80, 30080],
      ["kube-system/kube-dns:dns", "KUBE-SVC-TCOU7JCQXEZGVUNU", "10.96.0.10", 53, null],
      ["kube-system/kube-dns:dns-tcp", "KUBE-SVC-ERIFXISQEP7F7OF4", "10.96.0.10", 53, null],
    ]);
    expect(list.flatMap((s) => s.problems)).toEqual([]);
  });

  it("counts the masquerade rules of KUBE-EXT and of the top of KUBE-SVC", () => {
    const web = list.find((s) => s.id === "default/web:http")!;
    const ext = serviceChainName("default/web:http", "tcp", "KUBE-EXT-");
    expect(web.masquerade.map((m) => `${m.reason} ${m.chain}`).sort()).toEqual(
      [`external ${ext}`, ...web.endpoints.map((e) => `hairpin ${e.chain}`), `service ${web.chain}`].sort(),
    );
  });

  it("splits new connections exactly, summing to 1", () => {
    const web = list.find((s) => s.id === "default/web:http")!;
    const kernel = 715827883; // round(0.33333333349 * 2^31)
    expect(web.endpoints.map((e) => e.probability)).toEqual([
      fraction(kernel, SCALE), fraction(SCALE - kernel, 2 * SCALE), fraction(SCALE - kernel, 2 * SCALE),
    ]);
    expect(equals(sum(web.endpoints.map((e) => e.probability)), ONE)).toBe(true);
  });
});
