// ClientIP affinity over time: stickiness across ClusterIP and NodePort, expiry, lazy reaping.
import { describe, expect, it } from "vitest";
import { formatRecentList, fraction, parseRecentLists, simulateConnections, traceConnection, emptyState, type TimedConnection } from "../../lib/index.js";
import { destination, dump, node } from "./wordpress.js";

const A = "172.16.1.100";

describe("ClientIP affinity", () => {
  it("keeps a client on one endpoint across the ClusterIP and the NodePort", () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const conns: TimedConnection[] = [
        { time: 0, src: A, dst: "10.254.42.62", dport: 80 },
        { time: 60, src: A, dst: "172.16.1.10", dport: 32765 },
        { time: 3600, src: A, dst: "10.254.42.62", dport: 80 },
      ];
      const events = simulateConnections(dump, node, conns, { seed });
      const first = destination(events[0].possible[events[0].chosen]);
      expect(events[0].possible).toHaveLength(2);
      for (const e of events.slice(1)) {
        // Once the client is in a list, only one outcome is possible.
        expect(e.possible).toHaveLength(1);
        expect(e.possible[0].probability).toEqual(fraction(1));
        expect(destination(e.possible[0])).toBe(first);
      }
    }
  });

  it("the first connection puts the client in the chosen endpoint's list only", () => {
    const t = traceConnection(dump, node, { src: A, dst: "10.254.42.62", dport: 80 });
    const [a, b] = t.outcomes;
    expect([...a.state.recent.keys()]).toEqual(["KUBE-SEP-Q6QA3I2UU4P2TRVC"]);
    expect([...b.state.recent.keys()]).toEqual(["KUBE-SEP-I7ZLLXO3AGNMS3PQ"]);
    expect(formatRecentList(a.state.recent, "KUBE-SEP-Q6QA3I2UU4P2TRVC")).toBe("src=172.16.1.100 ttl: 64 last_seen: 0 oldest_pkt: 1 0");
  });

  it("expires after --seconds 10800: the next connection is random again", () => {
    const state = { ...emptyState(), recent: parseRecentLists({ "KUBE-SEP-Q6QA3I2UU4P2TRVC": "src=172.16.1.100 ttl: 64 last_seen: 0 oldest_pkt: 1 0" }) };
    const fresh = traceConnection(dump, node, { src: A, dst: "10.254.42.62", dport: 80 }, { state, now: 10800 });
    expect(fresh.outcomes.map(destination)).toEqual(["10.253.25.4:80"]);
    const stale = traceConnection(dump, node, { src: A, dst: "10.254.42.62", dport: 80 }, { state, now: 10801 });
    expect(stale.outcomes.map(destination)).toEqual(["10.253.25.4:80", "10.253.84.4:80"]);
    expect(stale.outcomes[0].steps.find((s) => s.line === 172)!.reason).toContain("last seen 10801s ago, more than 10800s");
  });

  it("reaps lazily: a check of an address in the list removes only the list's oldest stale entry", () => {
    const state = {
      ...emptyState(),
      recent: parseRecentLists({
        "KUBE-SEP-Q6QA3I2UU4P2TRVC": [
          "src=10.0.0.1 ttl: 64 last_seen: 0 oldest_pkt: 1 0",
          "src=10.0.0.2 ttl: 64 last_seen: 5 oldest_pkt: 1 5",
          "src=172.16.1.100 ttl: 64 last_seen: 20000 oldest_pkt: 1 20000",
        ].join("\n"),
      }),
    };
    const t = traceConnection(dump, node, { src: A, dst: "10.254.42.62", dport: 80 }, { state, now: 20010 });
    expect(t.outcomes).toHaveLength(1);
    const list = t.outcomes[0].state.recent.get("KUBE-SEP-Q6QA3I2UU4P2TRVC")!;
    expect(list.map((e) => e.address)).toEqual(["10.0.0.2", "172.16.1.100"]);
    // A client not in the list triggers no reaping.
    const other = traceConnection(dump, node, { src: "172.16.1.101", dst: "10.254.42.62", dport: 80 }, { state, now: 20010 });
    expect(other.outcomes[1].state.recent.get("KUBE-SEP-Q6QA3I2UU4P2TRVC")!.map((e) => e.address)).toEqual(["10.0.0.1", "10.0.0.2", "172.16.1.100"]);
  });

  it("is deterministic for a seed", () => {
    const conns: TimedConnection[] = Array.from({ length: 20 }, (_, i) => ({ time: i, src: `172.16.1.${100 + i}`, dst: "10.254.42.62", dport: 80 }));
    const a = simulateConnections(dump, node, conns, { seed: 7 }).map((e) => e.chosen);
    const b = simulateConnections(dump, node, conns, { seed: 7 }).map((e) => e.chosen);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(2);
  });
});
