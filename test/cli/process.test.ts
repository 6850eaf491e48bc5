// The built command line as a real process: exit codes, standard input, byte-exact output.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../lib/cli/main.js";
import { repo, wordpress } from "../parse/support.js";

const MAIN = join(repo, "dist/cli/bin.js");
const WORDPRESS = join(repo, "data/wordpress/iptables-save.txt");

/** The newest modification time under lib/ (and of the build configuration). */
function newestSource(): number {
  let newest = 0;
  const visit = (path: string) => {
    const s = statSync(path);
    if (s.isDirectory()) for (const f of readdirSync(path)) visit(join(path, f));
    else newest = Math.max(newest, s.mtimeMs);
  };
  visit(join(repo, "lib"));
  for (const f of ["tsconfig.json", "tsconfig.build.json"]) visit(join(repo, f));
  return newest;
}

/** Run `node dist/cli/bin.js ARGS`, with optional standard input. */
function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: repo, input, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // Build dist/ as `npm run build` does, unless it is newer than every source file.
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestSource()) return;
  const tsc = join(repo, "node_modules/typescript/bin/tsc");
  const build = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--pretty", "false"], { cwd: repo, encoding: "utf8", timeout: 180_000 });
  // Type errors elsewhere in lib/ still emit JavaScript; what matters here is that the entry point was written.
  expect(existsSync(MAIN), `the build wrote no ${MAIN}:\n${build.stdout}${build.stderr}`).toBe(true);
}, 200_000);

describe("node dist/cli/bin.js", () => {
  it("exits 0 and prints the summary", () => {
    const r = cli(["parse", WORDPRESS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^TABLE +CHAINS +USER-CHAINS +RULES +FLAGGED\nfilter +9 +6 +19 +0\nnat +42 +38 +103 +0\n$/);
  });

  it("reads standard input for '-', named <stdin> in diagnostics", () => {
    expect(cli(["format", "-"], wordpress)).toEqual({ code: 0, stdout: wordpress, stderr: "" });
    expect(cli(["services", "-"], wordpress).stdout).toMatch(/\n14 service ports\n$/);
    expect(cli(["parse", "-"], "*filter\n-A NOPE -j ACCEPT\nCOMMIT\n")).toEqual({
      code: 1, stdout: "",
      stderr: "<stdin>:2:4: error: rule in undeclared chain NOPE: declare it with ':NOPE - [0:0]' earlier in table filter\n1 error in <stdin>\n",
    });
  });

  it("takes standard input for one input only: a second '-' would read an empty file", () => {
    const usage = (command: string) => `kube-iptables-lab ${command}: only one input can be standard input (-)\nusage: ${COMMANDS.find((c) => c.name === command)!.usage}\n`;
    expect(cli(["diff", "-", "-"], wordpress)).toEqual({ code: 2, stdout: "", stderr: usage("diff") });
    const node = join(repo, "data/wordpress/node.json");
    expect(cli(["trace", "-", "--node=-", "-s", "172.16.1.100", "-d", "10.254.42.62:80"], wordpress)).toEqual({ code: 2, stdout: "", stderr: usage("trace") });
    expect(cli(["trace", "-", "--node", node, "-s", "172.16.1.100", "-d", "10.254.42.62:80"], wordpress).code).toBe(0);
  });

  it("exits 1 on bad input and on a missing file", () => {
    expect(cli(["parse", "-"], "Chain INPUT (policy ACCEPT)\n").code).toBe(1);
    expect(cli(["parse", join(repo, "no-such-file.save")])).toEqual({
      code: 1, stdout: "", stderr: `kube-iptables-lab parse: cannot read ${join(repo, "no-such-file.save")}: no such file\n`,
    });
  });

  it("exits 2 on wrong usage", () => {
    expect(cli(["parse"])).toEqual({ code: 2, stdout: "", stderr: "kube-iptables-lab parse: missing FILE\nusage: kube-iptables-lab parse FILE [--json]\n" });
    expect(cli([]).code).toBe(2);
    expect(cli(["format", "--help"])).toMatchObject({ code: 0, stderr: "" });
    expect(cli(["format", "--help"]).stdout).toMatch(/^usage: kube-iptables-lab format FILE\n\nprint the dump back as iptables-save would print it\n\noptions:\n/);
  });
});

/** Run the command with its standard output (or error) a pipe whose reader has already gone, as `| head` leaves it. */
function intoClosedPipe(args: string[], closed: "stdout" | "stderr"): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    // Closing our end now, long before Node has started in the child, makes its first write fail with EPIPE.
    child[closed].destroy();
    const open = closed === "stdout" ? child.stderr : child.stdout;
    let text = "";
    open.setEncoding("utf8").on("data", (d: string) => (text += d));
    child.on("close", (code, signal) => resolve({ code, signal, stdout: closed === "stderr" ? text : "", stderr: closed === "stdout" ? text : "" }));
  });
}

describe("a closed pipe (| head) ends every command quietly with status 0", () => {
  const dir = mkdtempSync(join(tmpdir(), "kil-pipe-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const node = join(repo, "data/wordpress/node.json");
  const connections = join(dir, "connections.json");
  writeFileSync(connections, JSON.stringify([{ time: 0, src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }, { time: 5, src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }]));
  const bad = join(dir, "bad.save");
  writeFileSync(bad, "*filter\n-A NOPE -j ACCEPT\n".repeat(3000));
  const scaled = join(repo, "data/wordpress-scaled/iptables-save.txt");
  const byo = join(repo, "data/bring-your-own");
  /** One run of each command that prints to standard output. */
  const printing: Record<string, string[]> = {
    parse: ["parse", WORDPRESS, "--json"],
    services: ["services", scaled],
    format: ["format", scaled],
    trace: ["trace", WORDPRESS, "--node", node, "--src", "172.16.1.100", "--dst", "10.254.42.62:80"],
    simulate: ["simulate", WORDPRESS, "--node", node, "--connections", connections],
    "node-context": ["node-context", "--addr", join(byo, "ip-addr.json"), "--route", join(byo, "ip-route.json")],
    generate: ["generate", "--services", "2000"],
    diff: ["diff", WORDPRESS, scaled],
  };

  for (const command of COMMANDS.map((c) => c.name)) {
    const args = printing[command] ?? [command, "--help"];
    it(`${args.join(" ").replaceAll(repo + "/", "")} | head`, async () => {
      expect(await intoClosedPipe(args, "stdout")).toEqual({ code: 0, signal: null, stdout: "", stderr: "" });
    });
  }

  it("--help and the list of commands", async () => {
    expect(await intoClosedPipe(["--help"], "stdout")).toEqual({ code: 0, signal: null, stdout: "", stderr: "" });
  });

  it("errors into a closed pipe (2>&1 | head) end quietly, with the status the errors give", async () => {
    expect(await intoClosedPipe(["parse", bad], "stderr")).toEqual({ code: 1, signal: null, stdout: "", stderr: "" });
    expect(await intoClosedPipe(["frobnicate"], "stderr")).toEqual({ code: 2, signal: null, stdout: "", stderr: "" });
    expect(await intoClosedPipe(["diff", bad, WORDPRESS], "stderr")).toEqual({ code: 2, signal: null, stdout: "", stderr: "" });
  });
});

describe("no stack trace reaches the user", () => {
  it("a null where an interface belongs is a located error, status 1", () => {
    // `ip -j addr` output holding a null where an interface belongs: checked against its schema before it is read.
    const r = cli(["node-context", "--addr", "-", "--route", join(repo, "data/bring-your-own/ip-route.json")], "[null]");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^<stdin>:1:2: error: \[0\]: expected an interface as `ip -j addr` prints it[^\n]*, got null\n$/);
    expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+/);
  });
});
