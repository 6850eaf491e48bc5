/**
 * `npm run kernel-bench` (root): measures what the kernel pays for
 * kube-proxy's rules (lib/bench/kernel.ts) and writes the numbers as JSON.
 *
 *   node dist/bench/kernel-main.js [--out FILE] [--sizes 1000,5000,10000,20000] [--samples 1000] [--warmup 50] [--sync-runs 5] [--full-sync-timeout 300]
 *
 * The committed reference run is data/kernel-bench/reference.json (its README describes the fields).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { measureKernel } from "./kernel.js";
import { summaryLines } from "./kernel-main-lines.js";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function whole(name: string, fallback: number): number {
  const v = flag(name);
  if (v === undefined) return fallback;
  if (!/^[1-9][0-9]*$/.test(v)) {
    console.error(`kernel-bench: ${name}: expected a whole number above 0, got '${v}'`);
    process.exit(2);
  }
  return Number(v);
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error("kernel-bench: needs root (it builds network namespaces and loads rules into them)");
    process.exit(1);
  }
  const sizesText = flag("--sizes") ?? "1000,5000,10000,20000";
  if (!/^[1-9][0-9]*(,[1-9][0-9]*)*$/.test(sizesText)) {
    console.error(`kernel-bench: --sizes: expected numbers separated by commas, got '${sizesText}'`);
    process.exit(2);
  }
  const out = flag("--out") ?? "test-output/kernel-bench.json";
  const result = await measureKernel({
    sizes: sizesText.split(",").map(Number),
    samples: whole("--samples", 1000), warmup: whole("--warmup", 50), syncRuns: whole("--sync-runs", 5),
    fullSyncTimeoutMs: whole("--full-sync-timeout", 300) * 1000,
    progress: (l) => console.error(l),
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
  for (const l of summaryLines(result)) console.log(l);
  console.error(`wrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(`kernel-bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
