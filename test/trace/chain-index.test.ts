// The chain index against the full scan: the same outcomes (probabilities, verdicts, NAT, marks,
// the rules met, the state left behind) for thousands of seeded random connections.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  generateCluster, loadNodeContext, parseDump, traceConnection,
  type ConnectionSpec, type Dump, type FollowUp, type Outcome, type GeneratedService, type NodeContext, type Protocol, type TraceOptions,
} from "../../lib/index.js";
import { nextCandidate, ruleKey, setIndexMinRules } from "../../lib/trace/chain-index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

interface Scene {
  name: string;
  dump: Dump;
  node: NodeContext;
  services: Pick<GeneratedService, "clusterIP" | "port" | "protocol" | "nodePort">[];
  nodeIP: string;
  bridge: string;
  podNet: string;
  clusterNet: string;
  serviceNet: string;
}

function generated(style: "2018" | "modern"): Scene {
  const c = generateCluster({ services: 300, endpointsMax: 6, seed: 21, style, affinityShare: 0.3, nodePorts: 40, emptyShare: 0.05 });
  const r = parseDump(c.text);
  if (r.errors.length) throw new Error(r.errors[0].message);
  const prefix = (cidr: string, n: number) => cidr.split(".").slice(0, n).join(".");
  return {
    name: `generated ${style}`, dump: r.dump, node: loadNodeContext(c.node), services: c.services,
    nodeIP: c.node.interfaces[1].addresses[0].split("/")[0], bridge: c.node.interfaces[2].name,
    podNet: prefix(c.node.podCIDR, 3), clusterNet: prefix(c.node.clusterCIDR, 2), serviceNet: prefix(c.node.serviceCIDR, 2),
  };
}

function wordpress(): Scene {
  const r = parseDump(readFileSync(`${root}data/wordpress/iptables-save.txt`, "utf8"));
  const services = r.dump.tables.find((t) => t.name === "nat")!.chains.find((c) => c.name === "KUBE-SERVICES")!.rules
    .filter((rule) => rule.ip.destination && !rule.ip.source)
    .map((rule) => {
      const m = rule.matches.find((x) => x.kind === "tcp" || x.kind === "udp");
      return { clusterIP: rule.ip.destination!.value.address, port: m && "dport" in m ? m.dport!.value.min : 80, protocol: (rule.ip.protocol?.value ?? "tcp") as "tcp" | "udp", nodePort: null };
    });
  for (const p of [30080, 32765, 30443, 32767, 32766]) services.push({ clusterIP: "10.254.0.1", port: 443, protocol: "tcp", nodePort: p });
  return {
    name: "wordpress", dump: r.dump, node: loadNodeContext(JSON.parse(readFileSync(`${root}data/wordpress/node.json`, "utf8"))), services,
    nodeIP: "172.16.1.10", bridge: "docker0", podNet: "10.253.51", clusterNet: "10.253", serviceNet: "10.254",
  };
}

/** A random connection: to a ClusterIP, a NodePort or anywhere, from outside, a pod or the node itself. */
function connection(s: Scene): fc.Arbitrary<ConnectionSpec> {
  const byte = fc.integer({ min: 1, max: 254 });
  const protocol = fc.constantFrom<Protocol>("tcp", "tcp", "udp", "sctp");
  const port = fc.oneof(fc.constantFrom(53, 80, 443, 8080, 9090, 30080), fc.integer({ min: 1, max: 65535 }));
  const service = fc.integer({ min: 0, max: s.services.length - 1 }).map((i) => s.services[i]);
  const target = fc.oneof(
    { weight: 6, arbitrary: service.map((v) => ({ dst: v.clusterIP, dport: v.port, protocol: v.protocol })) },
    { weight: 2, arbitrary: fc.tuple(service, protocol, port).map(([v, p, n]) => ({ dst: v.clusterIP, dport: n, protocol: p })) },
    { weight: 3, arbitrary: fc.tuple(service, fc.constantFrom(s.nodeIP, "127.0.0.1", `${s.podNet}.1`)).map(([v, ip]) => ({ dst: ip, dport: v.nodePort ?? 30000 + (v.port % 2000), protocol: v.protocol })) },
    { weight: 1, arbitrary: fc.tuple(byte, byte, protocol, port).map(([a, b, p, n]) => ({ dst: `${s.serviceNet}.${a}.${b}`, dport: n, protocol: p })) },
    { weight: 1, arbitrary: fc.tuple(byte, byte, protocol, port).map(([a, b, p, n]) => ({ dst: `${s.clusterNet}.${a}.${b}`, dport: n, protocol: p })) },
    { weight: 1, arbitrary: fc.tuple(byte, byte, protocol, port).map(([a, b, p, n]) => ({ dst: `203.0.${a}.${b}`, dport: n, protocol: p })) },
  );
  const source = fc.oneof(
    fc.tuple(byte, byte).map(([a, b]) => ({ src: `192.168.${a}.${b}`, from: { interface: "eth0" } as const })),
    byte.map((a) => ({ src: `${s.podNet}.${a}`, from: { interface: s.bridge } as const })),
    fc.tuple(byte, byte).map(([a, b]) => ({ src: `${s.clusterNet}.${a}.${b}`, from: { interface: "flannel.1" } as const })),
    fc.constant({ src: s.nodeIP, from: "local" as const }),
  );
  return fc.tuple(target, source, fc.integer({ min: 1024, max: 65534 })).map(([t, src, sport]) => ({ ...t, ...src, sport }));
}

/** An outcome as plain data, its steps read (the fast path's outcomes make them on first read, as an accessor of their class). */
function plainOutcome(o: Outcome & { followUp?: FollowUp | null }): unknown {
  const follow = o.followUp ? { ...o.followUp, original: o.followUp.original.map(plainOutcome), reply: o.followUp.reply.map(plainOutcome) } : o.followUp;
  return { ...o, steps: o.steps, ...(follow === undefined ? {} : { followUp: follow }) };
}

/** Trace with the index and with the full scan; everything must be the same. */
function same(s: Scene, spec: ConnectionSpec, options: TraceOptions = {}): void {
  const naive = traceConnection(s.dump, s.node, spec, { ...options, explain: false, naive: true });
  const indexed = traceConnection(s.dump, s.node, spec, { ...options, explain: false });
  expect({ ...indexed, outcomes: indexed.outcomes.map(plainOutcome) }).toEqual({ ...naive, outcomes: naive.outcomes.map(plainOutcome) });
}

describe.each([
  ["generated 2018", () => generated("2018"), 32],
  ["generated modern", () => generated("modern"), 32],
  // The wordpress dump's chains are short: index every chain so it is exercised too.
  ["wordpress", wordpress, 1],
] as const)("indexed and naive traces agree: %s", (_name, scene, minRules) => {
  let s: Scene;
  let previous = 32;
  beforeAll(() => {
    s = scene();
    previous = setIndexMinRules(minRules);
  });
  afterAll(() => {
    setIndexMinRules(previous);
  });

  it("on new connections of every kind (outcomes, rules met, NAT, marks, follow-up packets and replies)", { timeout: 120_000 }, () => {
    fc.assert(fc.property(connection(s), (spec) => same(s, spec)), { seed: 20250101, numRuns: 1200 });
  });

  it("with a client that has affinity entries, fresh and expired", { timeout: 120_000 }, () => {
    fc.assert(fc.property(connection(s), fc.constantFrom(5, 20_000), (spec, later) => {
      const first = traceConnection(s.dump, s.node, spec, { explain: false, naive: true, followUp: false });
      const state = first.outcomes.find((o) => o.verdict === "accepted")?.state;
      if (state) same(s, { ...spec, sport: (spec.sport ?? 40000) + 1 }, { state, now: later });
    }), { seed: 20250102, numRuns: 400 });
  });
});

describe("what the index leaves out", () => {
  const text = [
    "*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]", ":X - [0:0]",
    "-A X -d 10.0.0.1/32 -p tcp -m comment --comment a -m tcp --dport 80 -j RETURN", // 1: keyed dst, tcp, 80
    "-A X -p udp -m udp --dport 53 -j RETURN", // 2: keyed udp 53
    "-A X -d 10.0.0.0/24 -p tcp -m tcp --dport 80 -j RETURN", // 3: not a /32: keyed tcp 80 only
    "-A X ! -d 10.0.0.1/32 -j RETURN", // 4: negated: always
    "-A X -p tcp -m tcp --dport 80:90 -j RETURN", // 5: a range: keyed tcp only
    "-A X -p tcp -m tcp ! --dport 80 -j RETURN", // 6: negated port: keyed tcp only
    "-A X -p tcp -m recent --set --name L --mask 255.255.255.255 --rsource -m tcp --dport 80 -j RETURN", // 7: recent first: keyed tcp only
    "-A X -p tcp -m statistic --mode random --probability 0.50000000000 -m tcp --dport 80 -j RETURN", // 8: random first: keyed tcp only
    "-A X -m addrtype --dst-type LOCAL -j RETURN", // 9: always
    "COMMIT", "",
  ].join("\n");
  const chain = parseDump(text).dump.tables[0].chains.find((c) => c.name === "X")!;
  const packet = (dst: string, protocol: Protocol, dport: number) =>
    ({ protocol, src: "192.168.0.9", sport: 40000, dst, dport, inInterface: "eth0", outInterface: null, mark: 0, ctstate: "NEW" as const });
  const candidates = (dst: string, protocol: Protocol, dport: number) => {
    const previous = setIndexMinRules(1);
    try {
      const out: number[] = [];
      for (let i = nextCandidate(chain, 0, packet(dst, protocol, dport)); i < chain.rules.length; i = nextCandidate(chain, i + 1, packet(dst, protocol, dport))) out.push(i + 1);
      return out;
    } finally {
      setIndexMinRules(previous);
    }
  };

  it("keys rules by destination /32, protocol and a single destination port that only comments precede", () => {
    expect(chain.rules.map(ruleKey).map((k) => k && `${k.dst === null ? "*" : "dst"}|${k.proto ?? "*"}|${k.port ?? "*"}`)).toEqual([
      "dst|tcp|80", "*|udp|53", "*|tcp|80", "*|*|*", "*|tcp|*", "*|tcp|*", "*|tcp|*", "*|tcp|*", "*|*|*",
    ]);
  });

  it("keeps every rule that could match or act, in order", () => {
    expect(candidates("10.0.0.1", "tcp", 80)).toEqual([1, 3, 4, 5, 6, 7, 8, 9]);
    expect(candidates("10.0.0.2", "tcp", 80)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(candidates("10.0.0.1", "tcp", 81)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(candidates("10.0.0.1", "udp", 53)).toEqual([2, 4, 9]);
    expect(candidates("10.9.9.9", "sctp", 80)).toEqual([4, 9]);
  });

  it("never keys a rule whose header and port match want different protocols", () => {
    // The parser refuses `-p tcp -m udp` as the kernel does; a program can still build such a rule.
    const text = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p udp -m udp --dport 53 -j ACCEPT\nCOMMIT\n";
    const r = parseDump(text).dump.tables[0].chains[0].rules[0];
    expect(ruleKey(r)).toEqual({ dst: null, proto: "udp", port: 53 });
    expect(ruleKey({ ...r, ip: { protocol: { value: "tcp", invert: false } } })).toBeNull();
  });
});
