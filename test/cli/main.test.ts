// The command line run in-process: parse, services and format, their options, and the exit codes.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../lib/cli/main.js";
import { firstNonUtf8 } from "../../lib/math/utf8.js";
import { formatDump } from "../../lib/index.js";
import { repo, wordpress } from "../parse/support.js";

const WORDPRESS = join(repo, "data/wordpress/iptables-save.txt");
const dir = mkdtempSync(join(tmpdir(), "kil-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Write a file for one test. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Run main() with a capturing Io; stdout and stderr as the process would print them (each call one line). */
async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [], err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  const text = (lines: string[]) => lines.map((l) => `${l}\n`).join("");
  return { code, stdout: text(out), stderr: text(err) };
}

const BAD = ["*filter", ":INPUT ACCEPT [0:0]", "-A NOPE -j ACCEPT", "-A INPUT -p tcp --dport 70000 -j ACCEPT", "-A INPUT -s ! 10.0.0.1 -j DROP", "COMMIT", ""].join("\n");

describe("parse", () => {
  it("prints a summary per table", async () => {
    const r = await run("parse", WORDPRESS);
    expect(r).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "TABLE   CHAINS  USER-CHAINS  RULES  FLAGGED",
        "filter  9       6            19     0",
        "nat     42      38           103    0",
        "",
      ].join("\n"),
    });
  });

  it("lists flagged rules with their file and line", async () => {
    const path = file("flagged.save", "*filter\n-A INPUT -m foo --bar 1 -j ACCEPT\nCOMMIT\n");
    const r = await run("parse", path);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`${path}:2:10: warning: kept but not modelled: match module 'foo' is not modelled\n`);
    expect(r.stdout).toContain(`Flagged rules (kept, but the simulator cannot decide them):\n  ${path}:2: match module 'foo' is not modelled: -m foo --bar 1\n`);
  });

  it("--json prints the model and the warnings", async () => {
    const r = await run("parse", WORDPRESS, "--json");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(["format", "dump", "warnings"]);
    expect(json.format).toBe("kube-iptables-lab/parse@1");
    expect(json.warnings).toEqual([]);
    expect(json.dump.file).toBe(WORDPRESS);
    expect(formatDump(json.dump)).toBe(wordpress);
  });

  it("--help", async () => {
    expect(await run("parse", "--help")).toEqual({
      code: 0, stderr: "",
      stdout: [
        "usage: kube-iptables-lab parse FILE [--json]",
        "",
        "read an iptables-save dump; print a summary per table (or the model as JSON)",
        "",
        "options:",
        "      --json     print JSON instead of text",
        "  -h, --help     print this help",
        "  -V, --version  print the version of kube-iptables-lab",
        "",
        "Exit status: 0 success, 1 errors in the input, 2 wrong usage.",
        "",
      ].join("\n"),
    });
  });
});

describe("services", () => {
  it("prints the table of service ports and their count", async () => {
    const r = await run("services", WORDPRESS);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^SERVICE PORT +PROTO +CLUSTER-IP +NODEPORT +AFFINITY +CHAIN +ENDPOINTS \(share of new clients\)$/);
    expect(lines.find((l) => l.startsWith("default/wordpress-01-svc:"))).toMatch(
      /^default\/wordpress-01-svc: +tcp +10\.254\.42\.62:80 +32765 +ClientIP 10800s +KUBE-SVC-QYS3VDMSAZUOTSWJ +10\.253\.25\.4:80 50%, 10\.253\.84\.4:80 50%$/,
    );
    expect(lines.find((l) => l.startsWith("default/heketi-storage-endpoints:"))).toMatch(/172\.16\.1\.10:1 33\.333%, 172\.16\.1\.11:1 33\.334%, 172\.16\.1\.12:1 33\.334%$/);
    expect(r.stdout.endsWith("\n\n14 service ports\n")).toBe(true);
    expect(r.stdout).not.toContain("Problems:");
  });

  it("says why a dump gave no Service, rather than an empty table alone", async () => {
    const why = async (text: string) => (await run("services", file("no-services.save", text))).stdout.split("\n").slice(-3, -1);
    expect(await why("")).toEqual(["0 service ports", `(no tables: ${dir}/no-services.save is empty or holds only comments; iptables-save prints nothing when the kernel has no table of its kind: on a node, try iptables-legacy-save and iptables-nft-save, one of which holds kube-proxy's rules)`]);
    expect(await why("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n")).toEqual([
      "0 service ports", `(${dir}/no-services.save has no nat table, where kube-proxy writes its Services: save every table, not only one with -t)`,
    ]);
    expect((await why("*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n"))[1]).toMatch(/^\(the nat table has no KUBE-SERVICES chain: kube-proxy in iptables mode did not program this node;/);
    expect((await why("*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\nCOMMIT\n"))[1]).toMatch(/^\(KUBE-SERVICES in the nat table leads to no Service chain/);
    expect((await run("parse", file("empty.save", ""))).stdout).toBe(`TABLE  CHAINS  USER-CHAINS  RULES  FLAGGED\n(no tables: ${dir}/empty.save is empty or holds only comments)\n`);
  });

  it("lists problems, such as a chain whose name does not match its hash", async () => {
    const path = file("renamed.save", wordpress.replaceAll("KUBE-SEP-Q6QA3I2UU4P2TRVC", "KUBE-SEP-Q6QA3I2UU4P2TRVX"));
    const r = await run("services", path);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("\nProblems:\n  default/wordpress-01-svc:: chain KUBE-SEP-Q6QA3I2UU4P2TRVX does not match its DNAT target 10.253.25.4:80: kube-proxy names it KUBE-SEP-Q6QA3I2UU4P2TRVC\n");
  });

  it("--json prints exact probabilities as fractions, with their value", async () => {
    const r = await run("services", WORDPRESS, "--json");
    expect(r.code).toBe(0);
    const { format, services: list } = JSON.parse(r.stdout);
    expect(format).toBe("kube-iptables-lab/services@2");
    expect(list).toHaveLength(14);
    const wp = list.find((s: { chain: string }) => s.chain === "KUBE-SVC-QYS3VDMSAZUOTSWJ");
    expect(wp.endpoints.map((e: { probability: string; probabilityValue: number }) => [e.probability, e.probabilityValue])).toEqual([["1/2", 0.5], ["1/2", 0.5]]);
    expect(wp.fallThrough).toBe("0");
    const heketi = list.find((s: { chain: string }) => s.chain === "KUBE-SVC-E6QDTEVXMTWFYZ6I");
    expect(heketi.endpoints.map((e: { probability: string }) => e.probability)).toEqual(["178955181/536870912", "357915731/1073741824", "357915731/1073741824"]);
  });

  it("--help", async () => {
    const r = await run("services", "-h");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: kube-iptables-lab services FILE \[--json\]\n\nlist the Kubernetes Service ports recovered from kube-proxy's chains\n\noptions:\n/);
  });
});

describe("format", () => {
  it("prints the wordpress dump back byte for byte", async () => {
    expect(await run("format", WORDPRESS)).toEqual({ code: 0, stdout: wordpress, stderr: "" });
  });

  it("refuses a CRLF dump as iptables-restore does, at its first table", async () => {
    const crlf = wordpress.replace(/\n/g, "\r\n");
    const r = await run("format", file("crlf.save", crlf));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/crlf\.save:2:2: error: unable to initialize table 'filter\\r'/);
  });

  it("prints an empty ruleset as 0 bytes, as iptables-save does", async () => {
    expect(await run("format", file("empty.save", ""))).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("prints restore input as iptables-save would", async () => {
    const r = await run("format", file("restore.rules", "*filter\n-A INPUT -p tcp --dport 22 -s 10.1.2.3/8 -j ACCEPT\nCOMMIT\n"));
    expect(r.stdout).toBe("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n");
  });

  it("takes no --json, and has --help", async () => {
    expect(await run("format", WORDPRESS, "--json")).toEqual({
      code: 2, stdout: "", stderr: "kube-iptables-lab format: unknown option --json\nusage: kube-iptables-lab format FILE\n",
    });
    expect((await run("format", "--help")).stdout).toMatch(/^usage: kube-iptables-lab format FILE\n\nprint the dump back as iptables-save would print it\n\noptions:\n  -h, --help     print this help\n  -V, --version  print the version of kube-iptables-lab\n/);
  });
});

describe("trace", () => {
  it("says no server sees a rejected packet, rather than what the server sees", async () => {
    const today = (f: string) => join(repo, "data/policies-today", f);
    const r = await run("trace", today("iptables-save.txt"), "--node", today("node.json"), "-s", "172.16.1.100", "-d", "172.16.1.10:31090");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("\n        mark 0x0; no server sees it: rejected as 172.16.1.100:40000 -> 172.16.1.10:31090\n");
    expect(r.stdout).not.toContain("the server sees");
  });

  it("says where an undecided trace stopped, and that it reached no Service port before it", async () => {
    const rule = '-A KUBE-SERVICES -d 10.254.42.62/32 -p tcp -m comment --comment "default/wordpress-01-svc: cluster IP" -m tcp --dport 80 -j KUBE-SVC-QYS3VDMSAZUOTSWJ';
    expect(wordpress).toContain(rule);
    const path = file("cgroup.save", wordpress.replace(rule, "-A KUBE-SERVICES -d 10.254.42.62/32 -p tcp -m cgroup --path x -m tcp --dport 80 -j KUBE-SVC-QYS3VDMSAZUOTSWJ"));
    const r = await run("trace", path, "--node", join(repo, "data/wordpress/node.json"), "-s", "172.16.1.100", "-d", "10.254.42.62:80");
    expect(r.stdout).toContain("uncertain: line 140: -m cgroup --path x: match module 'cgroup' is not modelled; no Service port reached before that rule\n");
    expect(r.stdout).toContain("\n        mark 0x4000; undecided: the packet was then 172.16.1.100:40000 -> 10.254.42.62:80\n");
  });
});

describe("bytes that are not UTF-8", () => {
  it("are a warning at their line and column, counted, and the dump is still read", async () => {
    const latin1 = Buffer.concat([Buffer.from("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment \"caf"), Buffer.from([0xe9, 0x22, 0x20, 0xff]), Buffer.from(" -j ACCEPT\nCOMMIT\n")]);
    const path = join(dir, "latin1.save");
    writeFileSync(path, latin1);
    const r = await run("parse", path);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe(`${path}:3:35: warning: byte 0xe9 is not UTF-8 (2 such bytes in the file): read as U+FFFD, so this text is not printed back byte for byte`);
    writeFileSync(path, Buffer.concat([Buffer.from("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment \"caf"), Buffer.from([0xe9]), Buffer.from("\" -j ACCEPT\nCOMMIT\n")]));
    const ok = await run("services", path);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe(`${path}:3:35: warning: byte 0xe9 is not UTF-8 (1 such byte in the file): read as U+FFFD, so this text is not printed back byte for byte\n`);
  });

  it("are found exactly: overlong forms, surrogates, cut sequences; U+FFFD itself and four-byte characters are UTF-8", () => {
    const at = (...bytes: number[]) => firstNonUtf8(Uint8Array.from(bytes));
    expect(at(0x61, 0xef, 0xbf, 0xbd, 0xf0, 0x9f, 0x98, 0x80, 0x0a)).toBeNull();
    expect(at(0x61, 0xc0, 0x80)).toEqual({ line: 1, column: 2, byte: 0xc0, count: 2 });
    expect(at(0x0a, 0xed, 0xa0, 0x80)).toEqual({ line: 2, column: 1, byte: 0xed, count: 3 });
    expect(at(0xc3, 0xa9, 0x0a, 0x0a, 0x62, 0xe2, 0x82)).toEqual({ line: 3, column: 2, byte: 0xe2, count: 2 });
    expect(at(0xf4, 0x90, 0x80, 0x80)).toMatchObject({ line: 1, column: 1, byte: 0xf4 });
    // A four-byte character is two UTF-16 units of the decoded line, as the parser's columns count.
    expect(at(0xf0, 0x9f, 0x98, 0x80, 0xff)).toEqual({ line: 1, column: 3, byte: 0xff, count: 1 });
  });
});

describe("bad input: exit 1", () => {
  for (const command of ["parse", "services", "format"]) {
    it(`${command} prints FILE:LINE:COL lines, warnings first, then a count`, async () => {
      const path = file("bad.save", BAD);
      expect(await run(command, path)).toEqual({
        code: 1,
        stdout: "",
        stderr: [
          `${path}:5:13: warning: '-s !' is the pre-1.4.3 way to write '! -s'; iptables 1.8.8 and later refuse it`,
          `${path}:3:4: error: rule in undeclared chain NOPE: declare it with ':NOPE - [0:0]' earlier in table filter`,
          `${path}:4:25: error: --dport: port 70000 is out of range: expected 0 to 65535`,
          `2 errors in ${path}`,
          "",
        ].join("\n"),
      });
    });
  }

  it("after 20 errors of a file, one line says how many more there are", async () => {
    const path = file("many.save", "*filter\n" + "-A NOPE -j ACCEPT\n".repeat(23) + "COMMIT\n");
    const lines = (await run("parse", path)).stderr.split("\n");
    expect(lines.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => `${path}:${i + 2}:4: error: rule in undeclared chain NOPE: declare it with ':NOPE - [0:0]' earlier in table filter`));
    expect(lines.slice(20)).toEqual([`${path}: 3 more errors not shown`, `23 errors in ${path}`, ""]);
  });

  it("one error is counted in the singular", async () => {
    const path = file("one.save", "*filter\n");
    expect((await run("parse", path)).stderr).toBe(`${path}:1:1: error: table filter has no COMMIT: expected a COMMIT line to end it\n1 error in ${path}\n`);
  });

  it("a missing file is one clear line", async () => {
    const missing = join(dir, "no-such.save");
    expect(await run("parse", missing)).toEqual({ code: 1, stdout: "", stderr: `kube-iptables-lab parse: cannot read ${missing}: no such file\n` });
    expect(await run("services", dir)).toEqual({ code: 1, stdout: "", stderr: `kube-iptables-lab services: cannot read ${dir}: it is a directory\n` });
  });
});

describe("wrong usage: exit 2 with a usage line", () => {
  it("an unknown option, a missing or extra argument", async () => {
    expect(await run("parse", WORDPRESS, "--frob")).toEqual({
      code: 2, stdout: "", stderr: "kube-iptables-lab parse: unknown option --frob\nusage: kube-iptables-lab parse FILE [--json]\n",
    });
    expect(await run("services")).toEqual({
      code: 2, stdout: "", stderr: "kube-iptables-lab services: missing FILE\nusage: kube-iptables-lab services FILE [--json]\n",
    });
    expect(await run("parse", WORDPRESS, "extra")).toEqual({
      code: 2, stdout: "", stderr: "kube-iptables-lab parse: unexpected argument 'extra'\nusage: kube-iptables-lab parse FILE [--json]\n",
    });
    expect(await run("parse", WORDPRESS, "--json=yes")).toEqual({
      code: 2, stdout: "", stderr: "kube-iptables-lab parse: --json takes no value\nusage: kube-iptables-lab parse FILE [--json]\n",
    });
  });

  it("an unknown command, or none, prints the help on stderr", async () => {
    const unknown = await run("frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^kube-iptables-lab: unknown command 'frobnicate'\nusage: kube-iptables-lab COMMAND \[options\]/);
    const none = await run();
    expect(none.code).toBe(2);
    expect(none.stdout).toBe("");
    expect(none.stderr).toMatch(/^usage: kube-iptables-lab COMMAND \[options\]/);
  });

  it("--help lists the commands on stdout", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: kube-iptables-lab COMMAND \[options\]\nA FILE or DUMP given as - is read from standard input \(one per command\)\.\n\ncommands:\n/);
    for (const name of ["parse", "services", "format"]) expect(r.stdout).toMatch(new RegExp(`\\n  ${name} +\\S`));
    expect(r.stdout).toContain("Exit status: 0 success, 1 errors in the input, 2 wrong usage.\ndiff: 0 same, 1 different, 2 trouble, as diff(1).\n");
  });
});

describe("files that cannot be written", () => {
  it("are named with the reason in words, not Node's error code", async () => {
    expect(await run("generate", "--services", "2", "--node-out", join(dir, "no-such-folder", "node.json"))).toEqual({
      code: 1, stdout: "", stderr: `kube-iptables-lab generate: cannot write ${join(dir, "no-such-folder", "node.json")}: no such folder\n`,
    });
    expect((await run("generate", "--services", "2", "--node-out", dir)).stderr).toBe(`kube-iptables-lab generate: cannot write ${dir}: it is a directory\n`);
  });
});
