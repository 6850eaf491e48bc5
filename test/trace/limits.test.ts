// Limits of the simulator reported as errors in the input, located at the rule, never thrown as crashes.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../lib/cli/main.js";
import { loadNodeContext, MAX_WORLDS, parseDump, PathLimitError, traceConnection } from "../../lib/index.js";
import { readRepoFile, repo } from "../parse/support.js";

const NODE = join(repo, "data/wordpress/node.json");
const dir = mkdtempSync(join(tmpdir(), "kil-limits-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A nat table whose PREROUTING goes through `n` chained chains, each with one coin-flip MARK rule: 2^n paths. */
function chainedCoins(n: number): string {
  const lines = ["*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]"];
  for (let i = 0; i < n; i++) lines.push(`:C${i} - [0:0]`);
  lines.push("-A PREROUTING -j C0");
  for (let i = 0; i < n; i++) {
    lines.push(`-A C${i} -m statistic --mode random --probability 0.50000000000 -j MARK --set-xmark 0x1/0x1`);
    if (i + 1 < n) lines.push(`-A C${i} -j C${i + 1}`);
  }
  return [...lines, "COMMIT", ""].join("\n");
}

describe("path explosion", () => {
  const n = 40;
  const text = chainedCoins(n);
  const node = loadNodeContext(JSON.parse(readRepoFile("data/wordpress/node.json")), NODE);

  /** The error the library raises for the dump, as a diagnostic (worked out once per file name: it takes seconds). */
  const known = new Map<string, ReturnType<typeof limitDiagnosticOnce>>();
  const limitDiagnostic = (file: string) => known.get(file) ?? known.set(file, limitDiagnosticOnce(file)).get(file)!;
  function limitDiagnosticOnce(file: string) {
    const { dump, errors } = parseDump(text, { file });
    expect(errors).toEqual([]);
    try {
      traceConnection(dump, node, { src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }, { explain: false, followUp: false });
    } catch (e) {
      expect(e).toBeInstanceOf(PathLimitError);
      return (e as PathLimitError).diagnostic;
    }
    throw new Error("no PathLimitError");
  }

  it("is an error located at the random rule where the count is exceeded", () => {
    const d = limitDiagnostic("coins.txt");
    expect(d.file).toBe("coins.txt");
    expect(text.split("\n")[d.line - 1].slice(d.column - 1)).toMatch(/^-m statistic --mode random/);
    expect(d.message).toContain(`more than ${MAX_WORLDS} possible paths`);
  }, 60_000);

  it("fits when the paths stay under the limit", () => {
    const { dump } = parseDump(chainedCoins(10));
    const t = traceConnection(dump, node, { src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }, { explain: false, followUp: false });
    expect(t.outcomes).toHaveLength(2 ** 10);
  });

  for (const command of ["trace", "simulate"]) {
    it(`${command}: exit status 1 and FILE:LINE:COL on standard error`, async () => {
      const dumpFile = join(dir, "coins.txt");
      writeFileSync(dumpFile, text);
      const d = limitDiagnostic(dumpFile);
      const connections = join(dir, "connections.json");
      writeFileSync(connections, JSON.stringify([{ time: 0, src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }]));
      const extra = command === "trace" ? ["--src", "172.16.1.100", "--dst", "10.254.42.62:80"] : ["--connections", connections];
      const out: string[] = [], err: string[] = [];
      const code = await main([command, dumpFile, "--node", NODE, ...extra], { out: (s) => out.push(s), err: (s) => err.push(s) });
      expect(code).toBe(1);
      expect(out).toEqual([]);
      expect(err).toHaveLength(1);
      expect(err[0]).toBe(`${dumpFile}:${d.line}:${d.column}: error: ${d.message}`);
    }, 60_000);
  }
});
