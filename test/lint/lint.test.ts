// lintDump and `kube-iptables-lab lint`: what does nothing in a dump, with lines and whether it is harmless.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../lib/cli/main.js";
import { lintDump, parseDump } from "../../lib/index.js";
import { repo, wordpress } from "../parse/support.js";

function lint(text: string) {
  const { dump, errors } = parseDump(text, { file: "t.txt" });
  expect(errors).toEqual([]);
  return lintDump(dump).map((f) => `${f.kind} ${f.table} ${f.chain} ${f.line} ${f.harmless ? "harmless" : "not harmless"}`);
}

const table = (name: string, ...lines: string[]) => [`*${name}`, ...lines, "COMMIT", ""].join("\n");

describe("lintDump", () => {
  it("finds the wordpress dump's five: two empty chains jumped to, the 0x8000 test nothing reaches a setter for, two chains nothing jumps to", () => {
    const found = lintDump(parseDump(wordpress, { file: "wordpress" }).dump);
    expect(found.map((f) => `${f.kind} ${f.table} ${f.chain} ${f.line}`)).toEqual([
      "empty-chain filter DOCKER 6",
      "empty-chain filter KUBE-SERVICES 11",
      "mark-never-set filter KUBE-FIREWALL 27",
      "never-jumped-to nat KUBE-FIRE-WALL 40",
      "never-jumped-to nat KUBE-MARK-DROP 41",
    ]);
    expect(found.every((f) => f.harmless)).toBe(true);
    const drop = found.find((f) => f.kind === "mark-never-set")!;
    expect(drop.related).toEqual([84]);
    expect(drop.message).toContain("0x8000");
  });

  it("a chain reached only from a chain nothing reaches is unreachable; an empty one nothing jumps to is reported once", () => {
    expect(lint(table("filter", ":INPUT ACCEPT [0:0]", ":A - [0:0]", ":B - [0:0]", ":E - [0:0]", "-A A -j B", "-A B -j ACCEPT"))).toEqual([
      "never-jumped-to filter A 3 harmless",
      "unreachable-chain filter B 4 harmless",
      "never-jumped-to filter E 5 harmless",
    ]);
  });

  it("a rule covered by an earlier deciding rule is shadowed; a random, a RETURN-able jump or a narrower earlier rule does not shadow", () => {
    expect(lint(table("filter", ":INPUT ACCEPT [0:0]", ":SEP - [0:0]", ":MAY - [0:0]",
      "-A INPUT -s 10.0.0.0/8 -j ACCEPT",
      "-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j DROP",
      "-A INPUT -m statistic --mode random --probability 0.5 -j DROP",
      "-A INPUT -p udp -j MAY",
      "-A INPUT -p udp -j DROP",
      "-A INPUT -p tcp -m tcp --dport 80 -j SEP",
      "-A INPUT -p tcp -m tcp --dport 80 -m comment --comment \"x\" -j ACCEPT",
      "-A INPUT -p tcp -j ACCEPT",
      "-A MAY -s 1.2.3.4/32 -j RETURN",
      "-A MAY -j DROP",
      "-A SEP -j DROP",
    ))).toEqual([
      "shadowed-rule filter INPUT 6 not harmless",
      "shadowed-rule filter INPUT 11 not harmless",
    ]);
  });

  it("marks: set and never read, read and never set, a negated test that then always matches is not harmless", () => {
    expect(lint(table("mangle", ":PREROUTING ACCEPT [0:0]", "-A PREROUTING -j MARK --set-xmark 0x1/0x1", "-A PREROUTING -m mark --mark 0x2/0x2 -j ACCEPT", "-A PREROUTING -m mark ! --mark 0x4/0x4 -j ACCEPT"))).toEqual([
      "mark-never-read mangle PREROUTING 3 harmless",
      "mark-never-set mangle PREROUTING 4 harmless",
      "mark-never-set mangle PREROUTING 5 not harmless",
    ]);
  });

  it("marks are followed across tables: set in nat, read in filter", () => {
    const text = table("nat", ":PREROUTING ACCEPT [0:0]", "-A PREROUTING -j MARK --set-xmark 0x4000/0x4000") + table("filter", ":FORWARD ACCEPT [0:0]", "-A FORWARD -m mark --mark 0x4000/0x4000 -j ACCEPT");
    expect(lint(text)).toEqual([]);
  });
});

describe("kube-iptables-lab lint", () => {
  async function run(...argv: string[]) {
    const out: string[] = [], err: string[] = [];
    const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  it("prints FILE:LINE: kind: message, then whether it is harmless and why", async () => {
    const file = join(repo, "data/wordpress/iptables-save.txt");
    const r = await run("lint", file);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${file}:40: never-jumped-to: nat chain KUBE-FIRE-WALL is declared, but no rule jumps or goes to it\n    harmless: `);
    expect(r.out.split("\n").at(-1)).toBe("5 findings, 0 not harmless");
    const json = JSON.parse((await run("lint", file, "--json")).out);
    expect(json.findings).toHaveLength(5);
    expect(json.findings[0]).toMatchObject({ kind: "empty-chain", table: "filter", chain: "DOCKER", line: 6, harmless: true });
  });

  it("reports a dump it cannot read with the file and line, exit 1", async () => {
    const r = await run("lint", join(repo, "data/wordpress/README.md"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/README\.md:\d+:\d+: /);
  });
});
