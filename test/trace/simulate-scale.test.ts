// simulate keeps only what is alive: conntrack entries expire, xt_recent lists hold the node's
// recentListSize addresses (ip_list_tot), and events can be taken one at a time.
import { describe, expect, it } from "vitest";
import {
  CONNTRACK_TIMEOUT, DEFAULT_RECENT_LIST_SIZE, loadNodeContext, NodeContextError, parseDump, simulateConnections, simulationEvents,
  type SimulationEvent, type TimedConnection,
} from "../../lib/index.js";
import { readRepoFile } from "../parse/support.js";

const wordpress = parseDump(readRepoFile("data/wordpress/iptables-save.txt")).dump;
const nodeJson = JSON.parse(readRepoFile("data/wordpress/node.json"));
const node = loadNodeContext(nodeJson);

/** `n` clients (distinct addresses) opening one connection each to the wordpress ClusterIP (ClientIP affinity), `gap` seconds apart. */
function clients(n: number, gap: number): TimedConnection[] {
  return Array.from({ length: n }, (_, i) => ({ time: i * gap, src: `172.16.${2 + (i >> 8)}.${i & 255}`, dst: "10.254.42.62", dport: 80 }));
}

/** The addresses of each xt_recent list after the event. */
function lists(e: SimulationEvent): Map<string, string[]> {
  return new Map([...e.recent].map(([name, entries]) => [name, entries.map((x) => x.address)]));
}

describe("xt_recent lists are bounded like the kernel's (ip_list_tot)", () => {
  it(`hold ${DEFAULT_RECENT_LIST_SIZE} addresses by default, the least recently set evicted first`, () => {
    const events = simulateConnections(wordpress, node, clients(260, 1));
    const last = lists(events[events.length - 1]);
    expect(last.size).toBeGreaterThan(0);
    // Each wordpress endpoint's list holds only its clients; together, every list is at most 100 long.
    for (const addresses of last.values()) expect(addresses.length).toBeLessThanOrEqual(DEFAULT_RECENT_LIST_SIZE);
    const all = [...last.values()].flat();
    // The newest client is always there; the first one was evicted from its (full) list.
    expect([...last.values()].map((a) => a.length)).toEqual([DEFAULT_RECENT_LIST_SIZE, DEFAULT_RECENT_LIST_SIZE]);
    expect(all).not.toContain("172.16.2.0");
    expect(all).toContain("172.16.3.3");
  });

  it("take their size from the node's recentListSize", () => {
    const small = loadNodeContext({ ...nodeJson, recentListSize: 3 });
    const events = simulateConnections(wordpress, small, clients(20, 1));
    for (const addresses of lists(events[events.length - 1]).values()) expect(addresses.length).toBeLessThanOrEqual(3);
    // The three kept in a list are its three most recent clients, oldest first.
    const byList = new Map<string, string[]>();
    for (const e of events) {
      const o = e.possible[e.chosen];
      for (const [name, entries] of e.recent) if (entries.some((x) => x.address === e.connection.src)) byList.set(name, [...(byList.get(name) ?? []), e.connection.src]);
      expect(o.verdict).toBe("accepted");
    }
    for (const [name, addresses] of lists(events[events.length - 1])) expect(addresses).toEqual(byList.get(name)!.slice(-3));
  });

  it("refuse a recentListSize that is not a whole number of at least 1", () => {
    for (const bad of [0, -1, 1.5, "100", null]) expect(() => loadNodeContext({ ...nodeJson, recentListSize: bad }, "n.json")).toThrow(NodeContextError);
    expect(() => loadNodeContext({ ...nodeJson, recentListSize: 0 }, "n.json")).toThrow(/^n\.json: recentListSize: expected the xt_recent module's ip_list_tot/);
  });
});

describe("conntrack entries expire", () => {
  it(`after ${CONNTRACK_TIMEOUT.tcp} s for a TCP connection: the table holds only the connections of the last ${CONNTRACK_TIMEOUT.tcp} s`, () => {
    let largest = 0;
    let table: ReadonlyMap<string, unknown> | null = null;
    for (const e of simulationEvents(wordpress, node, clients(600, 1))) {
      table = e.possible[e.chosen].state.conntrack;
      largest = Math.max(largest, table.size);
    }
    // One connection a second: the table never holds more than the last 120 seconds' worth.
    expect(largest).toBe(CONNTRACK_TIMEOUT.tcp);
    expect(table!.size).toBe(CONNTRACK_TIMEOUT.tcp);
  });

  it("a connection reuses its recorded NAT while the entry lives, not after it expired", () => {
    const again = (gap: number) => simulateConnections(wordpress, node, [
      { time: 0, src: "172.16.1.100", sport: 50000, dst: "10.254.42.62", dport: 80 },
      { time: gap, src: "172.16.1.100", sport: 50000, dst: "10.254.42.62", dport: 80 },
    ]);
    const steps = (e: SimulationEvent) => e.possible[e.chosen].steps.map((s) => s.kind);
    expect(steps(again(10)[1])).toContain("conntrack");
    expect(steps(again(CONNTRACK_TIMEOUT.tcp + 1)[1])).not.toContain("conntrack");
  });
});

describe("simulationEvents", () => {
  it("gives the same events as simulateConnections, one at a time", () => {
    const list = clients(50, 0.5);
    const all = simulateConnections(wordpress, node, list, { seed: 7 });
    const streamed = [...simulationEvents(wordpress, node, list, { seed: 7 })];
    expect(streamed.map((e) => [e.chosen, e.possible[e.chosen].after])).toEqual(all.map((e) => [e.chosen, e.possible[e.chosen].after]));
  });

  it("draws source ports from the ephemeral range and wraps around instead of passing 65535", () => {
    const list = Array.from({ length: 30_000 }, (_, i) => ({ time: i, src: "172.16.1.100", dst: "172.16.1.10", dport: 22 }));
    let lowest = Infinity, highest = 0;
    for (const e of simulationEvents(wordpress, node, list)) {
      lowest = Math.min(lowest, e.connection.sport!);
      highest = Math.max(highest, e.connection.sport!);
    }
    expect(lowest).toBe(32768);
    expect(highest).toBe(60999);
  });
});
