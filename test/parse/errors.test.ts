// Every error kind, with its exact line and column; errors are collected, never thrown.
import { describe, expect, it } from "vitest";
import { formatDiagnostic, formatDump, parseDump } from "../../lib/index.js";
import { located, parse } from "./support.js";

/** The located errors of a dump given as lines. */
function errorsOf(...lines: string[]): string[] {
  return located(parse(lines.join("\n") + "\n").errors);
}

describe("diagnostics", () => {
  it("carry the file, line, column, message, severity and code", () => {
    const r = parseDump("*filter\n-A NOPE -j ACCEPT\nCOMMIT\n", { file: "node.save" });
    expect(r.errors).toEqual([{
      file: "node.save", line: 2, column: 4, severity: "error", code: "undeclared-chain",
      message: "rule in undeclared chain NOPE: declare it with ':NOPE - [0:0]' earlier in table filter",
    }]);
    expect(formatDiagnostic(r.errors[0])).toBe("node.save:2:4: error: rule in undeclared chain NOPE: declare it with ':NOPE - [0:0]' earlier in table filter");
  });

  it("print warnings as such", () => {
    const r = parseDump("*filter\n-A INPUT -s ! 10.0.0.1 -j DROP\nCOMMIT\n", { file: "x" });
    expect(formatDiagnostic(r.warnings[0])).toBe("x:2:13: warning: '-s !' is the pre-1.4.3 way to write '! -s'; iptables 1.8.8 and later refuse it");
  });

  it("are all reported, in line order, when a file has several problems", () => {
    const r = parse([
      "*filter",
      ":USER ACCEPT [0:0]",
      "-A NOPE -j ACCEPT",
      "-A INPUT -p tcp --dport 70000 -j ACCEPT",
      "-A INPUT -s kube-node-1.invalid -j ACCEPT",
      "what is this",
      "-A INPUT -j MISSING",
      "COMMIT",
      "COMMIT",
      "",
    ].join("\n"));
    expect(located(r.errors)).toEqual([
      "2:7 user chain USER cannot have a policy: expected '-' (only INPUT, FORWARD, OUTPUT in table filter take ACCEPT or DROP)",
      "3:4 rule in undeclared chain NOPE: declare it with ':NOPE - [0:0]' earlier in table filter",
      "4:25 --dport: port 70000 is out of range: expected 0 to 65535",
      "5:13 -s: expected an IPv4 address, got the host name 'kube-node-1.invalid' (iptables resolves names when loading; use the address)",
      "6:1 cannot read this line: iptables-restore reads it as a rule and refuses its first word 'what' (Bad argument); expected '# comment' (at the start of the line), ':CHAIN POLICY [pkts:bytes]', '-A CHAIN rule...' or 'COMMIT'",
      "7:13 -j MISSING: no chain called 'MISSING' is declared in table filter before this line, and it is not a known target",
      "9:1 COMMIT outside a table: expected a *table line before it",
    ]);
    expect(r.errors.every((e) => e.file === "t.save" && e.severity === "error")).toBe(true);
  });
});

describe("chains", () => {
  it("a rule in an undeclared chain", () => {
    expect(errorsOf("*filter", ":INPUT ACCEPT [0:0]", "-A NOPE -j ACCEPT", "COMMIT")).toEqual([
      "3:4 rule in undeclared chain NOPE: declare it with ':NOPE - [0:0]' earlier in table filter",
    ]);
  });

  it("a jump or goto to a missing chain", () => {
    expect(errorsOf("*filter", "-A INPUT -j NOPE", "-A INPUT -g NOPE", "COMMIT")).toEqual([
      "2:13 -j NOPE: no chain called 'NOPE' is declared in table filter before this line, and it is not a known target",
      "3:13 -g NOPE: no chain called 'NOPE' is declared in table filter before this line, and it is not a known target",
    ]);
  });

  it("a policy on a user chain, and a policy a built-in chain cannot have", () => {
    expect(errorsOf("*filter", ":USER ACCEPT [0:0]", ":INPUT REJECT [0:0]", "COMMIT")).toEqual([
      "2:7 user chain USER cannot have a policy: expected '-' (only INPUT, FORWARD, OUTPUT in table filter take ACCEPT or DROP)",
      "3:8 policy 'REJECT' of built-in chain INPUT: expected ACCEPT or DROP",
    ]);
  });

  it("a user chain declared twice", () => {
    expect(errorsOf("*filter", ":USER - [0:0]", ":USER - [0:0]", "COMMIT")).toEqual(["3:2 chain USER is declared twice in table filter (first on line 2)"]);
  });

  it("a chain name over 28 characters (28 is fine), declared or created with -N", () => {
    expect(errorsOf("*filter", ":ABCDEFGHIJKLMNOPQRSTUVWXYZ01 - [0:0]", "COMMIT")).toEqual([]);
    expect(errorsOf("*filter", ":ABCDEFGHIJKLMNOPQRSTUVWXYZ012 - [0:0]", "-N ABCDEFGHIJKLMNOPQRSTUVWXYZ012", "COMMIT")).toEqual([
      "2:2 chain name 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012' is 29 characters long: the kernel allows at most 28",
      "3:4 chain name 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012' is 29 characters long: the kernel allows at most 28",
    ]);
  });

  it("a malformed declaration", () => {
    expect(errorsOf("*filter", ":", ":USER", ":INPUT ACCEPT [x:y]", "COMMIT")).toEqual([
      "2:2 expected ':CHAIN POLICY [packets:bytes]'",
      "3:6 expected a policy after ':USER' ('-' for a user chain)",
    ]);
    // Counters that are not numbers: ignored by iptables-restore, refused by iptables-restore -c.
    const text = ["*filter", ":INPUT ACCEPT [x:y]", "COMMIT", ""].join("\n");
    expect(located(parse(text).warnings)).toEqual(["2:15 counters '[x:y]' are not [packets:bytes]: iptables-restore ignores them (with -c it refuses them)"]);
    expect(located(parseDump(text, { counters: true }).errors)).toEqual(["2:15 invalid policy counters for chain 'INPUT': expected [packets:bytes], got '[x:y]' (iptables-restore -c reads them)"]);
  });
});

describe("tables", () => {
  it("a table without COMMIT, at its *table line, whether the file ends or another table starts", () => {
    expect(errorsOf("*filter", ":INPUT ACCEPT [0:0]")).toEqual(["1:1 table filter has no COMMIT: expected a COMMIT line to end it"]);
    expect(errorsOf("*filter", "*nat", "COMMIT")).toEqual(["1:1 table filter has no COMMIT: expected a COMMIT line to end it"]);
  });

  it("an unknown table: one error, its lines kept and printed back", () => {
    const text = "*bogus\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n*filter\nCOMMIT\n";
    const r = parse(text);
    expect(located(r.errors)).toEqual(["1:2 unknown table 'bogus': expected raw, mangle, nat, filter or security"]);
    expect(r.dump.tables.map((t) => t.name)).toEqual(["filter"]);
    expect(r.dump.tables[0].leading.map((e) => [e.kind, e.line])).toEqual([["unparsed", 1], ["unparsed", 2], ["unparsed", 3], ["unparsed", 4]]);
    expect(formatDump(r.dump)).toBe("*bogus\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n");
  });

  it("COMMIT, rules and declarations outside a table", () => {
    expect(errorsOf("*filter", "COMMIT", "COMMIT", "-A INPUT -j ACCEPT", ":INPUT ACCEPT [0:0]")).toEqual([
      "3:1 COMMIT outside a table: expected a *table line before it",
      "4:1 rule outside a table: expected a *table line (such as *filter) before it",
      "5:1 chain declaration outside a table: expected a *table line before it",
    ]);
  });
});

describe("rules the kernel refuses", () => {
  it("-o in PREROUTING and -i in POSTROUTING (also in long form)", () => {
    expect(errorsOf("*nat", "-A PREROUTING -o eth0 -j ACCEPT", "-A PREROUTING -m comment --comment x --out-interface eth0", "-A POSTROUTING -i eth0 -j ACCEPT", "COMMIT")).toEqual([
      "2:15 -o cannot be used in PREROUTING: the output interface is not known before routing",
      "3:38 -o cannot be used in PREROUTING: the output interface is not known before routing",
      "4:16 -i cannot be used in POSTROUTING: locally generated and outgoing packets have no input interface",
    ]);
    expect(errorsOf("*filter", "-A INPUT -o eth0 -j ACCEPT", "-A OUTPUT -i eth0 -j ACCEPT", "COMMIT")).toEqual([
      "2:10 -o cannot be used in INPUT: the output interface is not known before routing",
      "3:11 -i cannot be used in OUTPUT: locally generated and outgoing packets have no input interface",
    ]);
  });

  it("DNAT outside nat PREROUTING/OUTPUT, also in a user chain reached from POSTROUTING", () => {
    expect(errorsOf("*filter", "-A INPUT -p tcp -j DNAT --to-destination 10.1.1.1:80", "COMMIT")).toEqual([
      "2:17 DNAT is only valid in the nat table, not in filter",
    ]);
    expect(errorsOf("*nat", "-A POSTROUTING -p tcp -j DNAT --to-destination 10.1.1.1:80", "COMMIT")).toEqual([
      "2:23 DNAT is only valid in PREROUTING and OUTPUT, not in POSTROUTING",
    ]);
    expect(errorsOf("*nat", ":POSTROUTING ACCEPT [0:0]", ":KUBE-SEP-X - [0:0]", "-A POSTROUTING -j KUBE-SEP-X", "-A KUBE-SEP-X -p tcp -j DNAT --to-destination 10.1.1.1:80", "COMMIT")).toEqual([
      "5:22 DNAT is only valid in PREROUTING and OUTPUT (chain KUBE-SEP-X is reached from POSTROUTING)",
    ]);
    expect(errorsOf("*nat", ":KUBE-SEP-X - [0:0]", "-A PREROUTING -j KUBE-SEP-X", "-A OUTPUT -j KUBE-SEP-X", "-A KUBE-SEP-X -p tcp -j DNAT --to-destination 10.1.1.1:80", "COMMIT")).toEqual([]);
  });

  it("MASQUERADE outside POSTROUTING", () => {
    expect(errorsOf("*nat", "-A OUTPUT -j MASQUERADE", "COMMIT")).toEqual(["2:11 MASQUERADE is only valid in POSTROUTING, not in OUTPUT"]);
    expect(errorsOf("*filter", "-A OUTPUT -j MASQUERADE", "COMMIT")).toEqual(["2:11 MASQUERADE is only valid in the nat table, not in filter"]);
  });

  it("a jump loop reachable from a built-in chain (an unreachable loop loads, as in the kernel)", () => {
    expect(errorsOf("*filter", ":A - [0:0]", ":B - [0:0]", "-A INPUT -j A", "-A A -j B", "-A B -j A", "COMMIT")).toEqual([
      "6:6 jump loop A -> B -> A: the kernel refuses a table whose chains jump in a circle",
    ]);
    expect(errorsOf("*filter", ":A - [0:0]", "-A FORWARD -g A", "-A A -g A", "COMMIT")).toEqual([
      "4:6 jump loop A -> A: the kernel refuses a table whose chains jump in a circle",
    ]);
    expect(errorsOf("*filter", ":A - [0:0]", ":B - [0:0]", "-A A -j B", "-A B -j A", "COMMIT")).toEqual([]);
  });
});

describe("words and values", () => {
  it("an unterminated quote: the line is kept and printed back", () => {
    const text = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment "no end -j ACCEPT\nCOMMIT\n';
    const r = parse(text);
    expect(located(r.errors)).toEqual(["3:31 unterminated quote: expected a closing '\"'"]);
    expect(r.dump.tables[0].commit?.leading).toEqual([{ kind: "unparsed", line: 3, text: '-A INPUT -m comment --comment "no end -j ACCEPT' }]);
    expect(formatDump(r.dump)).toBe('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m comment --comment "no end -j ACCEPT\nCOMMIT\n');
  });

  it("a comment over 255 bytes: kept to its first 255 bytes, as the kernel keeps it, with a warning", () => {
    const r = parse(["*filter", `-A INPUT -m comment --comment ${"c".repeat(256)} -j ACCEPT`, "COMMIT", ""].join("\n"));
    expect(r.errors).toEqual([]);
    expect(located(r.warnings)).toEqual(["2:31 --comment: text is 256 bytes long: the kernel keeps its first 255 bytes, and so does the kit (iptables-save prints them)"]);
    expect(formatDump(r.dump)).toContain(`--comment ${"c".repeat(255)} -j ACCEPT`);
  });

  it("ports out of range are errors; a reversed range is read with a warning, as iptables-save can print one", () => {
    expect(errorsOf("*filter", "-A INPUT -p tcp --dport 70000 -j ACCEPT", "-A INPUT -p tcp --dport 9000:8000 -j ACCEPT", "COMMIT")).toEqual([
      "2:25 --dport: port 70000 is out of range: expected 0 to 65535",
    ]);
    const r = parse(["*filter", "-A INPUT -p tcp -m tcp --dport 65535:1 -j ACCEPT", "COMMIT", ""].join("\n"));
    expect(located(r.warnings)).toEqual(["2:32 port range '65535:1' has its first port above the second: it matches no port, and iptables-restore 1.8.9 refuses it (invalid portrange (min > max)); it is read because iptables-save prints such a range when a kernel holds one"]);
    expect(formatDump(r.dump)).toContain("-A INPUT -p tcp -m tcp --dport 65535:1 -j ACCEPT\n");
  });

  it("a host name, an IPv6 address and a bad prefix in -s/-d", () => {
    expect(errorsOf("*filter", "-A INPUT -s kube-node-1.invalid -j ACCEPT", "-A INPUT -d 10.0.0.0/33 -j ACCEPT", "-A INPUT -s 10.0.0.300 -j ACCEPT", "COMMIT")).toEqual([
      "2:13 -s: expected an IPv4 address, got the host name 'kube-node-1.invalid' (iptables resolves names when loading; use the address)",
      "3:13 -d: expected a prefix length 0 to 32 or a dotted mask after '/', got '33'",
      "4:13 -s: expected an IPv4 address, got '10.0.0.300'",
    ]);
  });

  it("options given twice and options missing their value", () => {
    expect(errorsOf("*filter", "-A INPUT -s 10.0.0.1 -s 10.0.0.2 -j ACCEPT", "-A INPUT -p tcp --dport 1 --dport 2", "-A INPUT -j ACCEPT -j DROP", "-A INPUT -s", "COMMIT")).toEqual([
      "2:22 -s given twice: expected at most one",
      "3:27 --dport given twice in -m tcp: expected at most one",
      "4:20 a rule has one target: -j/-g given twice",
      "5:10 -s expects a value",
    ]);
  });
});

describe("unparseable lines", () => {
  it("are errors at column 1, kept as unparsed extras, and printed back by formatDump", () => {
    const text = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nhello world\n-A INPUT -j ACCEPT\nCOMMIT\n";
    const r = parse(text);
    expect(located(r.errors)).toEqual([
      "5:1 cannot read this line: iptables-restore reads it as a rule and refuses its first word 'hello' (Bad argument); expected '# comment' (at the start of the line), ':CHAIN POLICY [pkts:bytes]', '-A CHAIN rule...' or 'COMMIT'",
    ]);
    const input = r.dump.tables[0].chains[0];
    expect(input.rules[0].leading).toEqual([{ kind: "unparsed", line: 5, text: "hello world" }]);
    expect(formatDump(r.dump)).toBe(text);
  });

  it("a rule with an error is kept as an unparsed line too", () => {
    const text = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -j NOPE\nCOMMIT\n";
    const r = parse(text);
    expect(r.errors).toHaveLength(1);
    expect(r.dump.tables[0].commit?.leading).toEqual([{ kind: "unparsed", line: 5, text: "-A INPUT -j NOPE" }]);
    expect(formatDump(r.dump)).toBe(text);
  });
});
