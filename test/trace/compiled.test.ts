// The compiled fast path against the explaining engine (the reference): for thousands of seeded
// connections of every kind, over generated dumps of both styles and every dump in data/, the same
// outcomes: probabilities, verdicts, delivery, DNAT and SNAT, marks, the rules met, the deciding
// line and reason, the state left behind (xt_recent lists, nth counters), follow-up packets and replies.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  generateCluster, loadNodeContext, parseDump, services, traceConnection,
  type ConnectionSpec, type Dump, type NodeContext, type Outcome, type Protocol, type Trace, type TraceOptions,
} from "../../lib/index.js";
import { rulesMet } from "../../lib/trace/compiled/lazy-steps.js";
import { runCompiled } from "../../lib/trace/compiled/run.js";
import { forgetCompiled } from "../../lib/trace/compiled/compile.js";
import { emptyState } from "../../lib/trace/state.js";
import { setIndexMinRules } from "../../lib/trace/chain-index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

interface Scene {
  dump: Dump;
  node: NodeContext;
  /** Service ports: ClusterIP, port, protocol, NodePort, endpoint addresses. */
  ports: { clusterIP: string; port: number; protocol: Protocol; nodePort: number | null; endpoints: string[] }[];
  nodeIP: string;
  /** The pod bridge, this node's pod network prefix (`10.253.51`), the cluster network's (`10.253`), the service network's. */
  bridge: string;
  /** Where packets from pods on other nodes arrive (the overlay, or eth0 without one). */
  overlay: string;
  podNet: string;
  clusterNet: string;
  serviceNet: string;
}

function prefix(cidr: string, n: number): string {
  return cidr.split(".").slice(0, n).join(".");
}

function sceneOf(dump: Dump, node: NodeContext): Scene {
  const ports = services(dump)
    .filter((s) => s.clusterIP !== null && s.port !== null)
    .map((s) => ({ clusterIP: s.clusterIP!, port: s.port!, protocol: s.protocol, nodePort: s.nodePort, endpoints: s.endpoints.map((e) => e.ip) }));
  const bridge = node.interfaces.find((i) => i.name !== "lo" && i.name !== "eth0" && !i.name.startsWith("flannel"))?.name ?? "eth0";
  const overlay = node.interfaces.find((i) => i.name.startsWith("flannel"))?.name ?? "eth0";
  const nodeIP = node.interfaces.find((i) => i.name === "eth0")?.addresses[0]?.address ?? "172.16.1.10";
  const cidrText = (c: NodeContext["podCIDR"], fallback: string) => (c ? c.address : fallback);
  return {
    dump, node, ports, nodeIP, bridge, overlay,
    podNet: prefix(cidrText(node.podCIDR, "10.253.51.0"), 3),
    clusterNet: prefix(cidrText(node.clusterCIDR, "10.253.0.0"), 2),
    serviceNet: prefix(cidrText(node.serviceCIDR, "10.254.0.0"), 2),
  };
}

function generated(style: "2018" | "modern"): Scene {
  const c = generateCluster({ services: 300, endpointsMax: 6, seed: 33, style, affinityShare: 0.3, nodePorts: 40, emptyShare: 0.05 });
  const r = parseDump(c.text);
  if (r.errors.length) throw new Error(r.errors[0].message);
  return sceneOf(r.dump, loadNodeContext(c.node));
}

function bundled(dir: string, nodeDir = dir): Scene {
  const r = parseDump(readFileSync(`${root}data/${dir}/iptables-save.txt`, "utf8"), { file: `${dir}/iptables-save.txt` });
  if (r.errors.length) throw new Error(r.errors[0].message);
  return sceneOf(r.dump, loadNodeContext(JSON.parse(readFileSync(`${root}data/${nodeDir}/node.json`, "utf8"))));
}

/** A random connection of one kind: outside client, pod, node itself, remote pod, hairpin, NodePort, no match; TCP, UDP, SCTP. */
function connection(s: Scene): fc.Arbitrary<ConnectionSpec> {
  const byte = fc.integer({ min: 1, max: 254 });
  const protocol = fc.constantFrom<Protocol>("tcp", "tcp", "udp", "sctp");
  const anyPort = fc.oneof(fc.constantFrom(53, 80, 443, 8080, 9090, 30080), fc.integer({ min: 1, max: 65535 }));
  const service = fc.integer({ min: 0, max: Math.max(0, s.ports.length - 1) }).map((i) => s.ports[i]);
  const sport = fc.integer({ min: 1024, max: 65534 });
  const outside = fc.tuple(byte, byte).map(([a, b]) => ({ src: `192.168.${a}.${b}`, from: { interface: "eth0" } }));
  const pod = byte.map((a) => ({ src: `${s.podNet}.${a}`, from: { interface: s.bridge } }));
  const remotePod = fc.tuple(byte, byte).map(([a, b]) => ({ src: `${s.clusterNet}.${a}.${b}`, from: { interface: s.overlay } }));
  const self = fc.constant({ src: s.nodeIP, from: "local" as const });
  const source: fc.Arbitrary<{ src: string; from: ConnectionSpec["from"] }> = fc.oneof(outside, pod, remotePod, self);
  const toService = service.map((v) => ({ dst: v.clusterIP, dport: v.port, protocol: v.protocol }));
  const kinds: fc.Arbitrary<ConnectionSpec>[] = [
    // To a ClusterIP from each kind of client.
    fc.tuple(toService, source, sport).map(([t, src, p]) => ({ ...t, ...src, sport: p })),
    // Hairpin: an endpoint calling its own Service (whichever endpoint it is, and wherever it lives).
    fc.tuple(service, sport).map(([v, p]) => {
      const own = v.endpoints[p % Math.max(1, v.endpoints.length)] ?? `${s.podNet}.9`;
      const local = own.startsWith(`${s.podNet}.`);
      return { dst: v.clusterIP, dport: v.port, protocol: v.protocol, src: own, from: { interface: local ? s.bridge : s.overlay }, sport: p };
    }),
    // NodePort: on the node's address, on localhost, from every kind of client.
    fc.tuple(service, fc.constantFrom(s.nodeIP, "127.0.0.1", `${s.podNet}.1`), source, sport).map(([v, ip, src, p]) => ({
      dst: ip, dport: v.nodePort ?? 30000 + (v.port % 2000), protocol: v.protocol, ...src, sport: p,
    })),
    // No match: a Service address on a port or protocol it does not serve, the service range, the cluster, the world.
    fc.tuple(service, protocol, anyPort, source, sport).map(([v, pr, n, src, p]) => ({ dst: v.clusterIP, dport: n, protocol: pr, ...src, sport: p })),
    fc.tuple(byte, byte, protocol, anyPort, source, sport).map(([a, b, pr, n, src, p]) => ({ dst: `${s.serviceNet}.${a}.${b}`, dport: n, protocol: pr, ...src, sport: p })),
    fc.tuple(byte, byte, protocol, anyPort, source, sport).map(([a, b, pr, n, src, p]) => ({ dst: `${s.clusterNet}.${a}.${b}`, dport: n, protocol: pr, ...src, sport: p })),
    fc.tuple(byte, byte, protocol, anyPort, source, sport).map(([a, b, pr, n, src, p]) => ({ dst: `203.0.${a}.${b}`, dport: n, protocol: pr, ...src, sport: p })),
    // UDP to a Service port, and a stray packet conntrack cannot place.
    fc.tuple(service, source, sport).map(([v, src, p]) => ({ dst: v.clusterIP, dport: v.port, protocol: "udp" as const, ...src, sport: p })),
    fc.tuple(toService, source, sport).map(([t, src, p]) => ({ ...t, ...src, sport: p, ctstate: "INVALID" as const })),
  ];
  return fc.oneof(...kinds);
}

/** Everything an outcome says except its step records, and the rules it met (from the steps, or the fast path's record). */
function outcomeFacts(o: Outcome): unknown {
  const { steps: _steps, state, ...rest } = o as Outcome & { followUp?: unknown };
  const follow = (o as { followUp?: { connection: unknown; original: Outcome[]; reply: Outcome[] } | null }).followUp;
  return {
    ...rest,
    followUp: follow ? { connection: follow.connection, original: follow.original.map(outcomeFacts), reply: follow.reply.map(outcomeFacts) } : follow,
    rulesMet: rulesMet(o),
    recent: [...state.recent].map(([name, entries]) => [name, entries.map((e) => `${e.address} ${e.stamps.join(",")}`)]),
    nth: [...state.nthCounters],
  };
}

function facts(t: Trace): unknown {
  return { ...t, outcomes: t.outcomes.map(outcomeFacts) };
}

/** The fast path and the explaining engine agree on everything but the step records; the steps made on demand are the reference's. */
function agree(s: Scene, spec: ConnectionSpec, options: TraceOptions = {}): void {
  const fast = traceConnection(s.dump, s.node, spec, { ...options, explain: false });
  const explained = traceConnection(s.dump, s.node, spec, { ...options, explain: true });
  expect(facts(fast)).toEqual(facts(explained));
}

/** Every compiled check and target, and the matches left to decideRule, in one hand-written dump over the wordpress node. */
const FEATURES = [
  "*raw", ":PREROUTING ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]",
  "-A PREROUTING -p udp -m udp --dport 5353 -j CT --notrack",
  "COMMIT",
  "*mangle", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]", ":M - [0:0]",
  "-A PREROUTING -i docker+ -j M",
  "-A PREROUTING ! -i eth0 -p tcp -m multiport --dports 80,443,8000:8100 -j MARK --set-xmark 0x10/0x10",
  "-A PREROUTING -m statistic --mode random --probability 0.25000000000 -m statistic --mode random --probability 0.50000000000 -j MARK --set-xmark 0x20/0x20",
  "-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff",
  "-A M -d 10.253.84.9/32 -j MARK --set-xmark 0x100/0x100",
  "-A M -d 172.16.1.10/32 -p udp -j MARK --set-xmark 0x200/0x200",
  "-A M -s 10.253.51.0/26 -j RETURN",
  "-A M -m mark --mark 0x0/0x4 -j MARK --set-xmark 0x4/0x4",
  "-A M -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j MARK --set-xmark 0x8/0x8",
  "-A FORWARD -f -j DROP",
  "-A FORWARD -m conntrack --ctstate DNAT -j MARK --set-xmark 0x40/0x40",
  "-A FORWARD -m conntrack ! --ctstate SNAT -j MARK --set-xmark 0x80/0x80",
  "-A POSTROUTING -o flannel+ -p udp -m multiport --sports 1024:2048 -j LOG",
  "COMMIT",
  "*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]", ":G - [0:0]",
  "-A PREROUTING -p tcp -m tcp --dport 8080 -j REDIRECT --to-ports 80",
  "-A PREROUTING -p tcp -m tcp --dport 9000:9100 -g G",
  "-A PREROUTING -m addrtype ! --src-type LOCAL --dst-type LOCAL -p udp -j DNAT --to-destination 10.253.51.7:53",
  "-A PREROUTING -m recent --rcheck --seconds 60 --name seen --rsource -j DNAT --to-destination 10.253.84.9",
  "-A PREROUTING -p tcp -m recent --set --name seen --rsource",
  "-A OUTPUT -p tcp -m tcp --dport 8080 -j REDIRECT --to-ports 81",
  "-A G -p tcp -m statistic --mode nth --every 2 --packet 0 -j DNAT --to-destination 10.253.25.3:9090",
  "-A G -j RETURN",
  "-A POSTROUTING -s 10.253.51.0/24 ! -d 10.253.0.0/16 -p tcp -j SNAT --to-source 172.16.1.10:5000",
  "-A POSTROUTING -m mark --mark 0x4/0x4 -j MASQUERADE --random-fully",
  "COMMIT",
  "*filter", ":INPUT ACCEPT [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]", ":F - [0:0]",
  "-A INPUT -p sctp -j REJECT --reject-with icmp-port-unreachable",
  "-A INPUT -p tcp -m tcp --dport 81 -j QUEUE",
  "-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
  "-A FORWARD -m conntrack --ctstate DNAT -j F",
  "-A FORWARD -m state ! --state NEW -j DROP",
  "-A FORWARD -m conntrack --ctstate NEW --ctorigdst 10.253.84.0/24 -j ACCEPT",
  "-A FORWARD -i docker0 -o eth0 -j ACCEPT",
  "-A FORWARD -p udp -m udp ! --sport 1024:65535 -j REJECT",
  "-A FORWARD -m mark --mark 0x10/0x10 -j F",
  "-A F -p tcp -m tcp ! --dport 443 -j ACCEPT",
  "-A F -m set --match-set allowed src -j ACCEPT",
  "-A F -j RETURN",
  "-A OUTPUT -p tcp -m tcp --dport 9999 -j TOS --set-tos 0x10",
  "COMMIT", "",
].join("\n");

function features(): Scene {
  const r = parseDump(FEATURES, { file: "features.txt" });
  if (r.errors.length) throw new Error(r.errors[0].message);
  const s = sceneOf(r.dump, loadNodeContext(JSON.parse(readFileSync(`${root}data/wordpress/node.json`, "utf8"))));
  const ports = [80, 443, 8080, 8050, 9050, 53, 5353, 81, 9999, 1500].flatMap((port) => (["tcp", "udp", "sctp"] as const).map((protocol) => ({
    clusterIP: port % 2 ? "10.253.84.9" : "172.16.1.10", port, protocol, nodePort: null, endpoints: ["10.253.51.7", "10.253.25.3"],
  })));
  return { ...s, ports };
}

const SCENES: [string, () => Scene][] = [
  ["hand-written, every check", features],
  ["generated 2018", () => generated("2018")],
  ["generated modern", () => generated("modern")],
  ["data/wordpress", () => bundled("wordpress")],
  ["data/wordpress-scaled", () => bundled("wordpress-scaled", "wordpress")],
  ["data/wordpress-today", () => bundled("wordpress-today")],
  ["data/policies-today", () => bundled("policies-today")],
  ["data/link-scope-today", () => bundled("link-scope-today")],
];

describe.each(SCENES)("compiled fast path = explaining engine: %s", (name, make) => {
  const s = make();
  const runs = name.startsWith("generated") ? 1500 : 700;

  it("on new connections of every kind, with follow-up packets and replies", { timeout: 180_000 }, () => {
    expect(s.ports.length).toBeGreaterThan(0);
    fc.assert(fc.property(connection(s), (spec) => agree(s, spec)), { seed: 15_001, numRuns: runs });
  });

  it("with affinity state (xt_recent lists) from an earlier connection, fresh and expired", { timeout: 180_000 }, () => {
    fc.assert(fc.property(connection(s), fc.constantFrom(5, 10_900, 20_000), (spec, later) => {
      const first = traceConnection(s.dump, s.node, spec, { explain: true, followUp: false });
      for (const o of first.outcomes.filter((x) => x.verdict === "accepted").slice(0, 2)) {
        agree(s, { ...spec, sport: (spec.sport ?? 40000) + 1 }, { state: o.state, now: later });
      }
    }), { seed: 15_002, numRuns: Math.round(runs / 3) });
  });
});

// The fast path's candidate index (./compiled/candidates.ts) is built when a dump is compiled, for the chains
// long enough at that moment: here every chain is indexed, every check and target of the hand-written dump and
// the short chains of the bundled ones included, against the explaining engine (which explains without an index).
describe.each(SCENES.filter(([name]) => !name.startsWith("generated")))("with every chain indexed, compiled fast path = explaining engine: %s", (_name, make) => {
  let s: Scene;
  let previous = 32;
  beforeAll(() => {
    previous = setIndexMinRules(1);
    s = make();
  });
  afterAll(() => {
    setIndexMinRules(previous);
  });

  it("on new connections of every kind, with follow-up packets and replies", { timeout: 180_000 }, () => {
    fc.assert(fc.property(connection(s), (spec) => agree(s, spec)), { seed: 15_003, numRuns: 400 });
  });
});

describe("the fast path's own record", () => {
  const s = generated("modern");
  const spec = { src: "192.168.7.7", from: { interface: "eth0" } as const, dst: s.ports[0].clusterIP, dport: s.ports[0].port, protocol: s.ports[0].protocol };

  it("gives the rules met as line numbers and the random choices taken, and the explaining engine follows those choices to the same outcome", () => {
    const input = {
      dump: s.dump, node: s.node, packet: { ...spec, sport: 40000, inInterface: "eth0", outInterface: null, mark: 0, ctstate: "NEW" as const },
      origin: "interface" as const, state: emptyState(), now: 0, connection: null, reply: false, explain: false,
    };
    const outcomes = runCompiled(input);
    expect(outcomes.length).toBe(s.ports[0].endpoints.length || 1);
    const explained = traceConnection(s.dump, s.node, { ...spec, sport: 40000 }, { followUp: false }).outcomes;
    outcomes.forEach((o, i) => {
      expect(o.rules).toEqual(explained[i].steps.filter((x) => x.kind === "rule" && x.matched).map((x) => x.line));
      expect(o.path.length).toBe(explained[i].steps.filter((x) => x.probability !== undefined).length);
    });
  });

  it("is rebuilt after forgetCompiled, so a dump changed in place is traced as it now is", () => {
    const text = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -d 203.0.113.5/32 -j DROP\nCOMMIT\n";
    const { dump } = parseDump(text);
    const go = { src: "192.168.7.7", from: { interface: "eth0" } as const, dst: "203.0.113.5", dport: 80 };
    expect(traceConnection(dump, s.node, go, { explain: false }).outcomes[0].verdict).toBe("dropped");
    dump.tables[0].chains.find((c) => c.name === "FORWARD")!.rules = [];
    forgetCompiled(dump);
    expect(traceConnection(dump, s.node, go, { explain: false }).outcomes[0].verdict).toBe("accepted");
  });
});
