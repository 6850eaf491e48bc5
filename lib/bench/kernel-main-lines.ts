/** The table `npm run kernel-bench` prints. */
import type { KernelBenchResult } from "./kernel.js";

/** One line per mode and size: medians (and 99th percentiles) over the same-run baseline. */
export function summaryLines(r: KernelBenchResult): string[] {
  const out = ["service ports  mode             connect µs: baseline  first  last  NodePort (p99 last)   full sync ms  endpoint change ms  memory kB"];
  for (const e of r.entries) {
    const c = e.connectUs;
    out.push(`${String(e.servicePorts).padStart(13)}  ${e.mode.padEnd(16)} ${String(c.baseline.median).padStart(19)} ${String(c.first.median).padStart(6)} ${String(c.last.median).padStart(5)} ${String(c.nodePort.median).padStart(9)} ${`(${c.last.p99})`.padStart(11)} ${(e.syncMs.full === null ? "stopped" : String(e.syncMs.full.median)).padStart(14)} ${String(e.syncMs.endpointChange.median).padStart(19)} ${String(e.kernelMemoryKB).padStart(10)}`);
  }
  return out;
}
