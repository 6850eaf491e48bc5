import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { countedRules, LabError, parseProcRecent, parseRecentFiles, parseSavedCounters } from "../../lib/index.js";
import { dump, root } from "./support.js";

// What iptables-legacy-save -c (1.8.9) printed for the wordpress dump, all counters zero.
const saved = readFileSync(`${root}test/fixtures/kernel/wordpress.legacy-c.save`, "utf8");

function withCounter(text: string, rulePrefix: string, packets: number): string {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.startsWith(`[0:0] ${rulePrefix}`));
  if (i < 0) throw new Error(`no rule starting with ${rulePrefix}`);
  lines[i] = lines[i].replace("[0:0]", `[${packets}:${packets * 60}]`);
  return lines.join("\n");
}

describe("parseSavedCounters", () => {
  it("reads every chain of the table, with one counter per rule in order", () => {
    const c = parseSavedCounters(saved, "nat");
    expect(c.get("PREROUTING")).toEqual([0n, 0n]);
    expect(c.get("KUBE-FIRE-WALL")).toEqual([]);
    expect(c.get("KUBE-SVC-QYS3VDMSAZUOTSWJ")).toHaveLength(4);
    expect(parseSavedCounters(saved, "filter").get("FORWARD")).toHaveLength(9);
  });

  it("refuses output without counters or without the table", () => {
    expect(() => parseSavedCounters("*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j ACCEPT\nCOMMIT\n", "nat")).toThrow(/without counters/);
    expect(() => parseSavedCounters("*filter\nCOMMIT\n", "nat")).toThrow(/no \*nat table/);
  });
});

describe("countedRules", () => {
  it("maps moved counters to lines of our parse by chain and position", () => {
    let text = withCounter(saved, "-A PREROUTING -m comment", 1);
    text = withCounter(text, "-A KUBE-MARK-MASQ -j MARK", 2);
    const moved = countedRules(parseSavedCounters(text, "nat"), dump, "nat");
    expect(moved).toEqual([
      { line: 77, table: "nat", chain: "PREROUTING", index: 0, packets: 1 },
      { line: 85, table: "nat", chain: "KUBE-MARK-MASQ", index: 0, packets: 2 },
    ]);
  });

  it("does not depend on how the rule is printed", () => {
    // Same position, different text (as a newer iptables might print it).
    const text = withCounter(saved, "-A PREROUTING -m addrtype", 3).replace("-m addrtype --dst-type LOCAL -j DOCKER", "-m addrtype --dst-type LOCAL --limit-iface-in -j DOCKER");
    expect(countedRules(parseSavedCounters(text, "nat"), dump, "nat")).toEqual([{ line: 78, table: "nat", chain: "PREROUTING", index: 1, packets: 3 }]);
  });

  it("refuses a kernel table that does not have the dump's rules", () => {
    const missing = saved.split("\n").filter((l) => !l.includes("-A PREROUTING -m addrtype")).join("\n");
    expect(() => countedRules(parseSavedCounters(missing, "nat"), dump, "nat")).toThrow(LabError);
    expect(() => countedRules(parseSavedCounters(missing, "nat"), dump, "nat")).toThrow(/PREROUTING: the kernel has 1 rules, the dump 2/);
    const extra = saved.replace(":KUBE-FIRE-WALL - [0:0]", ":KUBE-FIRE-WALL - [0:0]\n:SURPRISE - [0:0]");
    expect(() => countedRules(parseSavedCounters(extra, "nat"), dump, "nat")).toThrow(/SURPRISE/);
  });
});

describe("xt_recent lists", () => {
  const text = [
    "src=172.16.1.101 ttl: 64 last_seen: 4295123000 oldest_pkt: 1 4295123000",
    "src=172.16.1.100 ttl: 63 last_seen: 4295124000 oldest_pkt: 3 4295122000, 4295123500, 4295124000",
    "",
  ].join("\n");

  it("parses /proc/net/xt_recent/NAME", () => {
    expect(parseProcRecent(text)).toEqual([
      { address: "172.16.1.101", ttl: 64, lastSeen: 4295123000, hits: 1 },
      { address: "172.16.1.100", ttl: 63, lastSeen: 4295124000, hits: 3 },
    ]);
    expect(() => parseProcRecent("nonsense")).toThrow(LabError);
  });

  it("keeps non-empty lists, entries sorted by address", () => {
    expect(parseRecentFiles({ B: text, A: "" })).toEqual({
      B: [
        { address: "172.16.1.100", ttl: 63, lastSeen: 4295124000, hits: 3 },
        { address: "172.16.1.101", ttl: 64, lastSeen: 4295123000, hits: 1 },
      ],
    });
  });
});
