// The benchmark reads its options with node:util parseArgs, as the commands do: --help, and wrong usage is status 2.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repo } from "../parse/support.js";

const BENCH = join(repo, "dist/bench/main.js");
const bench = (...args: string[]) => spawnSync(process.execPath, [BENCH, ...args], { cwd: repo, encoding: "utf8", timeout: 30_000 });

describe("npm run bench options (dist/bench, built by npm run build)", () => {
  it("--help lists every option", () => {
    const r = bench("--help");
    expect(r.status).toBe(0);
    for (const option of ["--out", "--sizes", "--style", "--connections", "--help"]) expect(r.stdout).toContain(option);
  });

  it.each([["--bogus"], ["--sizes", "5"], ["--style", "1999"], ["--connections", "many"], ["--out"], ["extra"]])("%s is wrong usage, status 2", (...args) => {
    const r = bench(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^bench: .+\nusage: npm run bench/);
  });
});
