// The real iptables is the judge of what a dump means: every valid test dump is
// loaded into a throwaway network namespace with iptables-legacy-restore, read
// back with iptables-legacy-save, and our parse of both must be the same model
// (same tables, chains, policies and typed rules in order; counters, header
// comments and table order aside, since those depend on the machine).
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatRule, parseDump, type Dump } from "../../lib/index.js";
import { iptablesRoundTrip, netnsAvailable } from "../support/netns.js";

const availability = netnsAvailable();
const required = process.env.KIL_REQUIRE_KERNEL === "1";
if (!availability.ok && !required) console.warn(`iptables round-trip tests skipped: ${availability.reason}`);

const dumps: [string, string][] = [
  ["data/wordpress/iptables-save.txt", readFileSync(new URL("../../data/wordpress/iptables-save.txt", import.meta.url), "utf8")],
  ["data/wordpress-scaled/iptables-save.txt", readFileSync(new URL("../../data/wordpress-scaled/iptables-save.txt", import.meta.url), "utf8")],
  ["data/wordpress-today/iptables-save.txt", readFileSync(new URL("../../data/wordpress-today/iptables-save.txt", import.meta.url), "utf8")],
  ...readdirSync(new URL("../fixtures/dumps/", import.meta.url))
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((f): [string, string] => [`test/fixtures/dumps/${f}`, readFileSync(new URL(`../fixtures/dumps/${f}`, import.meta.url), "utf8")]),
];

/** The meaning of a dump: per table, each chain's policy and its rules as printed from typed fields, without counters. */
function meaning(dump: Dump): Record<string, { chain: string; policy: string | null; rules: string[] }[]> {
  const out: Record<string, { chain: string; policy: string | null; rules: string[] }[]> = {};
  for (const t of dump.tables)
    out[t.name] = t.chains.map((c) => ({ chain: c.name, policy: c.policy, rules: c.rules.map((r) => formatRule({ ...r, counters: null })) }));
  return out;
}

describe("parse of a dump = parse of what iptables-legacy makes of it", () => {
  it.runIf(required)("can run (KIL_REQUIRE_KERNEL=1)", () => {
    expect(availability).toEqual({ ok: true });
  });

  it.skipIf(!availability.ok).each(dumps)("%s", async (name, text) => {
    const ours = parseDump(text, { file: name });
    expect(ours.errors).toEqual([]);
    const saved = await iptablesRoundTrip(text);
    if (!saved.ok) throw new Error(`${name}: iptables-legacy-restore refused it: ${saved.error}`);
    const theirs = parseDump(saved.saved, { file: `${name} (saved)` });
    expect(theirs.errors).toEqual([]);
    expect(meaning(theirs.dump)).toEqual(meaning(ours.dump));
  }, 60_000);
});
