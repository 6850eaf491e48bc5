// Generated dumps against the real iptables, in throwaway network namespaces only:
// iptables-legacy-restore --test accepts them, and a real load saved back by
// iptables-legacy-save prints every table exactly as generated.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateDump, type GenerateStyle } from "../../lib/index.js";
import { execIn, iptablesRoundTrip, netnsAvailable, withNetns } from "../support/netns.js";

const availability = netnsAvailable();
const kernelRequired = process.env.KIL_REQUIRE_KERNEL === "1";
if (!availability.ok && !kernelRequired) console.warn(`generated-dump kernel tests skipped: ${availability.reason}`);

const STYLES: GenerateStyle[] = ["2018", "modern"];
const OPTIONS = { services: 500, endpointsMax: 12, seed: 5, affinityShare: 0.3, nodePorts: 60, emptyShare: 0.05 };

/** Table name -> its lines (declarations, rules), without the timestamped comment lines. */
function tables(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of text.split("\n")) {
    if (line.startsWith("*")) out.set(line.slice(1), (current = []));
    else if (line === "COMMIT") current = null;
    else if (current && !line.startsWith("#")) current.push(line);
  }
  return out;
}

describe("generated dumps and the kernel", () => {
  it.runIf(kernelRequired)("kernel access is available (KIL_REQUIRE_KERNEL=1)", () => {
    if (!availability.ok) throw new Error(`kernel tests required but unavailable: ${availability.reason}`);
  });

  it.skipIf(!availability.ok).each(STYLES)("%s: iptables-legacy-restore --test accepts the dump", async (style) => {
    const dir = mkdtempSync(join(tmpdir(), "kil-gen-"));
    try {
      const file = join(dir, "dump.txt");
      writeFileSync(file, generateDump({ ...OPTIONS, style }));
      const r = await withNetns("gentest", 1, async ([ns]) => execIn(ns!, "iptables-legacy-restore", ["--test", file], { timeoutMs: 60_000 }));
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!availability.ok).each(STYLES)("%s: loaded for real and saved back, every table is printed exactly as generated", async (style) => {
    const text = generateDump({ ...OPTIONS, style });
    const r = await iptablesRoundTrip(text);
    if (!r.ok) throw new Error(r.error);
    const saved = tables(r.saved);
    const generated = tables(text);
    expect([...saved.keys()].sort()).toEqual([...generated.keys()].sort());
    for (const [name, lines] of generated) expect(saved.get(name), `table ${name}`).toEqual(lines);
  });
});
