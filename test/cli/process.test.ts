// The built command line as a real process: exit codes, standard input, byte-exact output.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repo, wordpress } from "../parse/support.js";

const MAIN = join(repo, "dist/cli/main.js");
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

/** Run `node dist/cli/main.js ARGS`, with optional standard input. */
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

describe("node dist/cli/main.js", () => {
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
      stderr: "<stdin>:2:4: rule in undeclared chain NOPE: declare it with ':NOPE - [0:0]' earlier in table filter\n1 error in <stdin>\n",
    });
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
    expect(cli(["format", "--help"])).toEqual({ code: 0, stdout: "usage: kube-iptables-lab format FILE\n\nprint the dump back as iptables-save would print it\n", stderr: "" });
  });
});
