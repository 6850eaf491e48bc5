/**
 * Where the time goes: a CPU profile of one piece of work, taken with the
 * inspector built into Node, summed by function ("self time", as a share of
 * the samples taken while the work ran). The benchmark records the top of
 * each profile next to its timings, so a target that is missed comes with
 * the functions that limit it.
 */
import { Session } from "node:inspector/promises";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

/** One function's share of a profile. */
export interface ProfileLine {
  /** Function name (`(garbage collector)` for the GC). */
  name: string;
  /** The module, relative to the package (`trace/engine.js`), or empty for the runtime. */
  module: string;
  /** Share of the samples, in percent. */
  percent: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Frames that are the profiler's own work or idle time, not the work measured. */
const NOT_WORK = new Set(["(idle)", "(program)", "(root)", "dispatch"]);

const root = fileURLToPath(new URL("..", import.meta.url));

function moduleOf(url: string): string {
  if (!url) return "";
  if (!url.startsWith("file:")) return url;
  const path = relative(root, fileURLToPath(url));
  return path.startsWith("..") ? url.slice(url.lastIndexOf("/") + 1) : path;
}

/** Sum a profile's samples by function and keep the `top` largest shares. */
export function summarizeProfile(profile: Profile, top = 10): ProfileLine[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const time = new Map<string, { name: string; module: string; us: number }>();
  let total = 0;
  (profile.samples ?? []).forEach((id, i) => {
    const node = byId.get(id);
    const us = profile.timeDeltas?.[i] ?? 0;
    if (!node || NOT_WORK.has(node.callFrame.functionName)) return;
    const name = node.callFrame.functionName || "(anonymous)";
    const module = moduleOf(node.callFrame.url);
    const key = `${name}\u0000${module}`;
    const entry = time.get(key) ?? { name, module, us: 0 };
    entry.us += us;
    time.set(key, entry);
    total += us;
  });
  return [...time.values()]
    .sort((a, b) => b.us - a.us || (a.name < b.name ? -1 : 1))
    .slice(0, top)
    .map((e) => ({ name: e.name, module: e.module, percent: total > 0 ? Math.round((e.us / total) * 1000) / 10 : 0 }));
}

/** Run `work` under the CPU profiler and return where its time went. */
export async function profileOf(work: () => void, top = 10): Promise<ProfileLine[]> {
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 250 });
    await session.post("Profiler.start");
    work();
    const { profile } = await session.post("Profiler.stop");
    return summarizeProfile(profile as Profile, top);
  } finally {
    session.disconnect();
  }
}
