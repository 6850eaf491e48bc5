// What the fast path keeps from one trace to the next (a DNAT rule's route and MASQUERADE's choice for it,
// bound per node; the Service port owners the catalog remembers, per dump) follows what it is asked about; and its outcomes, whose steps are an accessor of their
// class, read and serialize like the explaining engine's.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadNodeContext, parseDump, services, traceConnection, type ConnectionSpec, type NodeContext, type Outcome, type Trace } from "../../lib/index.js";
import { ownersOf, rememberedOwners } from "../../lib/services/owners.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dump = parseDump(readFileSync(`${root}data/wordpress/iptables-save.txt`, "utf8")).dump;
const description = JSON.parse(readFileSync(`${root}data/wordpress/node.json`, "utf8"));
const k8s01 = loadNodeContext(description);
// The same interfaces elsewhere: eth0 on another network, the other nodes' pods behind a gateway on it.
const elsewhere = loadNodeContext({
  ...description,
  interfaces: description.interfaces.map((i: { name: string }) => (i.name === "eth0" ? { ...i, addresses: ["192.168.9.10/24"] } : i)),
  routes: [
    { dst: "default", via: "192.168.9.1", dev: "eth0" },
    { dst: "10.253.0.0/16", via: "192.168.9.254", dev: "eth0" },
    { dst: "10.253.51.0/24", dev: "docker0", src: "10.253.51.1" },
  ],
});

const SPEC: ConnectionSpec = { src: "198.51.100.20", sport: 41234, dst: "10.254.42.62", dport: 80, from: { interface: "eth0" } };

/** An outcome as plain data, its steps read, its follow-up packets too. */
function plain(o: Outcome & { followUp?: { original: Outcome[]; reply: Outcome[] } | null }): unknown {
  const follow = o.followUp ? { ...o.followUp, original: o.followUp.original.map(plain), reply: o.followUp.reply.map(plain) } : o.followUp;
  return { ...o, steps: o.steps, followUp: follow };
}

/** The fast path, and the explaining engine with explanations off (its steps: the rules met, as the fast path's replay makes them). */
function both(node: NodeContext): { fast: Trace; explained: Trace } {
  return { fast: traceConnection(dump, node, SPEC, { explain: false }), explained: traceConnection(dump, node, SPEC, { explain: false, reference: true }) };
}

/** JSON with the exact fractions written as text. */
function json(x: unknown): string {
  return JSON.stringify(x, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
}

describe("the fast path's kept work", () => {
  it("follows the node: the same dump traced on two nodes in turn gives each node's own routes and MASQUERADE addresses", () => {
    const first = both(k8s01);
    const second = both(elsewhere);
    const again = both(k8s01);
    for (const { fast, explained } of [first, second, again]) expect(fast.outcomes.map(plain)).toEqual(explained.outcomes.map(plain));
    // The nodes do differ where the kept work is: the source MASQUERADE picks and the next hop toward the pods.
    const sources = (t: Trace) => t.outcomes.map((o) => o.snat?.to ?? null);
    const hops = (t: Trace) => t.outcomes.map((o) => o.nextHop);
    expect(sources(second.fast)).not.toEqual(sources(first.fast));
    expect(hops(second.fast)).not.toEqual(hops(first.fast));
    expect(sources(again.fast)).toEqual(sources(first.fast));
  });

  it("writes the same JSON as the explaining engine, steps and follow-up packets included, in the same order", () => {
    const { fast, explained } = both(k8s01);
    expect(fast.outcomes.length).toBeGreaterThan(1);
    expect(json(fast)).toBe(json(explained));
  });

  it("makes the steps when read, and keeps a value written to them", () => {
    const { fast, explained } = both(k8s01);
    const o = fast.outcomes[0];
    expect(Object.keys(o)).not.toContain("steps");
    expect(o.steps).toEqual(explained.outcomes[0].steps);
    o.steps = [];
    expect(o.steps).toEqual([]);
  });
});

describe("what a binding and the catalog keep", () => {
  it("follows a node whose routes are replaced: its DNAT routes and MASQUERADE's choices are bound again", () => {
    const node = loadNodeContext(description);
    const before = traceConnection(dump, node, SPEC, { explain: false });
    node.routes = elsewhere.routes;
    node.interfaces = elsewhere.interfaces;
    const after = traceConnection(dump, node, SPEC, { explain: false });
    const explained = traceConnection(dump, node, SPEC, { explain: false, reference: true });
    expect(after.outcomes.map(plain)).toEqual(explained.outcomes.map(plain));
    expect(after.outcomes.map((o) => o.nextHop)).not.toEqual(before.outcomes.map((o) => o.nextHop));
  });

  it("names each outcome's Service port from the owners the catalog remembered, the same as read afresh", () => {
    const own = parseDump(readFileSync(`${root}data/wordpress/iptables-save.txt`, "utf8")).dump;
    // A dump traced before its catalog was read, and one whose catalog was read first.
    const unread = traceConnection(own, k8s01, SPEC, { explain: false }).outcomes.map((o) => o.service);
    const list = services(own);
    expect(rememberedOwners(own)).toEqual(ownersOf(list));
    expect(unread.filter((s) => s !== null).length).toBeGreaterThan(0);
    const fresh = parseDump(readFileSync(`${root}data/wordpress/iptables-save.txt`, "utf8")).dump;
    services(fresh);
    expect(traceConnection(fresh, k8s01, SPEC, { explain: false }).outcomes.map((o) => o.service)).toEqual(unread);
    // Replaced tables are a new dump to the catalog's memory.
    own.tables = [...own.tables];
    expect(rememberedOwners(own)).toBeNull();
  });
});
