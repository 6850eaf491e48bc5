// What iptables-legacy-restore 1.8.9 refuses (test/fixtures/kernel/rejected.json), against what the parser reports.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, readRepoFile, repo } from "./support.js";

interface Case {
  name: string;
  what: string;
  input: string;
  legacyLoad: { status: number | null; line: number | null };
}

const path = join(repo, "test/fixtures/kernel/rejected.json");
const cases: Case[] = existsSync(path) ? JSON.parse(readRepoFile("test/fixtures/kernel/rejected.json")) : [];

/**
 * Where the parser knowingly judges differently from a real load, and what it does instead.
 * Every other case must get the same verdict as the kernel.
 */
const DELIBERATE: Record<string, { ours: "error" | "warning"; why: string }> = {
  "unterminated-quote": { ours: "error", why: "iptables takes the rest of the line and its newline into the comment; a saved dump never has this" },
  "old-negation-form": { ours: "warning", why: "dumps saved before iptables 1.4.3 use it, so it is read with a warning and printed back the same way" },
  "unknown-match": { ours: "warning", why: "the kit cannot know every extension: an unknown module is kept verbatim and the rule flagged" },
  "port-range-reversed": { ours: "warning", why: "iptables-save prints such a range when a kernel holds one (loaded by an older iptables), so the kit reads it back; it matches no port" },
  "hostname-localhost": { ours: "error", why: "iptables resolves names when loading; a dump holds addresses, so the kit asks for one" },
  "dnat-after-accept": { ours: "warning", why: "iptables-legacy checks a target's hook only on rules its walk reaches, so a DNAT after an unconditional ACCEPT (or in a chain only such a rule jumps to) is committed, and the kit follows it; iptables-nft refuses it, which the warning says" },
  "commit-without-newline": { ours: "warning", why: "iptables-legacy-restore compares the line with \"COMMIT\\n\" and refuses it, iptables-nft-restore takes it; an editor that drops the last newline should not make the dump unreadable, so it is read with a warning that says both" },
  "loop-after-return": { ours: "warning", why: "iptables-legacy commits a loop closed only by rules after an unconditional verdict (its loop check never walks them, nor does any packet) and the kit follows it; iptables-nft refuses it, which the warning says" },
};

/**
 * The stable code (lib/parse/codes.ts) of the first diagnostic each case gets, errors before warnings:
 * what `--json` output carries, so a tool can tell the problems apart without reading messages.
 */
const CODE: Record<string, string> = {
  "undeclared-chain": "undeclared-chain",
  "jump-to-missing-chain": "jump-to-missing-chain",
  "unknown-target": "jump-to-missing-chain",
  "missing-commit": "missing-commit",
  "policy-on-user-chain": "policy-on-user-chain",
  "duplicate-chain": "duplicate-chain",
  "duplicate-builtin-chain": "duplicate-chain",
  "out-iface-in-prerouting": "wrong-interface-option",
  "in-iface-in-postrouting": "wrong-interface-option",
  "dnat-in-filter": "wrong-table",
  "dnat-in-postrouting": "wrong-chain",
  "dnat-in-user-chain-from-postrouting": "wrong-chain",
  "masquerade-in-output": "wrong-chain",
  "jump-loop": "jump-loop",
  "jump-to-builtin": "jump-to-builtin",
  "unterminated-quote": "unterminated-quote",
  "single-quotes": "unexpected-word",
  "text-after-closing-quote": "unexpected-word",
  "old-negation-form": "old-negation-form",
  "unknown-table": "unknown-table",
  "unknown-match": "not-modelled",
  "unknown-option": "unknown-option",
  "option-without-protocol": "unknown-option",
  "icmp-without-protocol": "needs-protocol",
  "icmp-type-ambiguous": "ambiguous-value",
  "tcp-match-with-udp": "needs-protocol",
  "multiport-without-protocol": "needs-protocol",
  "chain-name-29": "chain-name-too-long",
  "comment-256": "comment-truncated",
  "dport-70000": "out-of-range",
  "port-range-reversed": "port-range-reversed",
  "hostname-unresolvable": "host-name",
  "hostname-localhost": "host-name",
  "statistic-every-without-packet": "missing-option",
  "statistic-probability-above-1": "out-of-range",
  "statistic-negated-mode": "misplaced-negation",
  "mark-value-too-big": "out-of-range",
  "tcp-reset-without-tcp": "needs-protocol",
  "dnat-port-without-protocol": "needs-protocol",
  "rule-before-table": "not-iptables-save",
  "second-table-fails": "wrong-chain",
  "delete-chain-in-use": "chain-in-use",
  "loop-after-return": "loop-after-verdict",
  "dnat-after-accept": "placement-after-verdict",
  "commit-without-newline": "commit-without-newline",
  "table-twice": "duplicate-table",
  "byte-order-mark": "byte-order-mark",
};

describe.skipIf(cases.length === 0)("the inputs iptables-restore refuses or surprisingly accepts", () => {
  for (const c of cases) {
    const refused = c.legacyLoad.status !== 0;
    const deliberate = DELIBERATE[c.name];
    const verdict = deliberate ? `${deliberate.ours} (${deliberate.why})` : refused ? "an error" : "no error";

    it(`${c.name} (${c.what}): ${verdict}`, () => {
      const r = parse(c.input);
      if (deliberate?.ours === "warning") {
        expect(r.errors).toEqual([]);
        expect(r.warnings.length).toBeGreaterThan(0);
      } else if (deliberate?.ours === "error" || refused) {
        expect(r.errors.length).toBeGreaterThan(0);
      } else {
        expect(r.errors).toEqual([]);
      }
      // The first diagnostic carries the code of its kind; an input the kit reads without a word has none to check.
      const first = r.errors[0] ?? r.warnings[0];
      if (first) expect(first.code, first.message).toBe(CODE[c.name]);
      else expect(CODE[c.name]).toBeUndefined();
      // When iptables names the offending line itself (option parsing, exit status 2), it is the line the parser names.
      if (!deliberate && c.legacyLoad.status === 2) expect(r.errors[0].line).toBe(c.legacyLoad.line);
    });
  }
});
