// Safe, throwaway Linux network namespaces for kernel tests.
//
// Rules this module enforces (see shared notes, "kernel lab"):
// - it only ever runs commands in namespaces it created itself in this
//   process (execIn refuses any other name), so nothing touches the host's
//   own network namespace or its iptables;
// - namespaces get names unique to the run (kil-<prefix>-<pid>-<random>-<i>)
//   and contain only `lo`: nothing connects them to the host;
// - teardown always runs: in `finally`, and from process exit / SIGINT /
//   SIGTERM handlers for namespaces still alive when the process dies;
// - every command has a timeout.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";

export interface ExecResult {
  /** Exit status, or null when the command was killed by a signal. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when the command could not be run or timed out. */
  error?: string;
}

export interface ExecOptions {
  /** Written to the command's standard input. */
  input?: string;
  /** Default 30 000 ms; the command is killed with SIGKILL after it. */
  timeoutMs?: number;
}

export type Availability = { ok: true } | { ok: false; reason: string };

export type Backend = "legacy" | "nft";

export type RoundTripResult = { ok: true; saved: string } | { ok: false; error: string };

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_NAMESPACES_PER_CALL = 32;

/** Namespaces created by this process and not yet deleted. */
const live = new Set<string>();
let handlersInstalled = false;

function run(cmd: string, args: string[], opts: ExecOptions = {}): ExecResult {
  // iptables-legacy's lock file (/run/xtables.lock) is shared by every namespace;
  // give each namespace its own, so parallel tests never fail with "Can't lock".
  const inNs = cmd === "ip" && args[0] === "netns" && args[1] === "exec" ? args[2] : null;
  const r = spawnSync(cmd, args, {
    env: inNs ? { ...process.env, XTABLES_LOCKFILE: `${tmpdir()}/kil-xtables-${inNs}.lock` } : process.env,
    input: opts.input,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    killSignal: "SIGKILL",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const result: ExecResult = {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout ?? "",
    stderr: r.stderr ?? "",
  };
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    result.error = code === "ETIMEDOUT" ? `timed out after ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms` : r.error.message;
  }
  return result;
}

function describeFailure(what: string, r: ExecResult): string {
  const detail = r.error ?? (r.stderr.trim() || (r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`));
  return `${what}: ${detail}`;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidsIn(name: string): number[] {
  const r = run("ip", ["netns", "pids", name], { timeoutMs: 5_000 });
  if (r.status !== 0) return [];
  return r.stdout
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

/**
 * Kills every process inside the namespace, then deletes it. Synchronous so
 * that it can run from a process "exit" handler. Returns an error message,
 * or null on success.
 */
function removeNetns(name: string): string | null {
  for (let attempt = 0; attempt < 10; attempt++) {
    const pids = pidsIn(name);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    sleepSync(20);
  }
  const r = run("ip", ["netns", "del", name], { timeoutMs: 10_000 });
  rmSync(`${tmpdir()}/kil-xtables-${name}.lock`, { force: true });
  live.delete(name);
  if (r.status !== 0 && !/No such file|not exist/i.test(r.stderr)) {
    return describeFailure(`ip netns del ${name}`, r);
  }
  return null;
}

function removeAll(): void {
  for (const name of [...live]) removeNetns(name);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", removeAll);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    const onSignal = (): void => {
      removeAll();
      // With no other listener, Node's default action (terminate) was
      // replaced by ours: restore it and re-raise so the process still dies
      // of the signal. Otherwise leave the decision to the other listeners.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.once(sig, onSignal);
  }
}

const OWN_NAME = /^kil-[a-z0-9]+-(\d+)-[0-9a-f]{6}-\d+$/;
let staleSwept = false;

/**
 * Deletes namespaces that this module created in an earlier process that
 * died without cleaning up (SIGKILL cannot be caught): names of our own
 * pattern whose pid no longer exists. Runs once per process.
 */
function sweepStale(): void {
  if (staleSwept) return;
  staleSwept = true;
  const r = run("ip", ["netns", "list"], { timeoutMs: 5_000 });
  if (r.status !== 0) return;
  for (const line of r.stdout.split("\n")) {
    const name = line.split(" ")[0] ?? "";
    const m = OWN_NAME.exec(name);
    if (!m || live.has(name)) continue;
    const pid = Number(m[1]);
    if (pid === process.pid) continue;
    try {
      process.kill(pid, 0);
      continue; // its owner is alive
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ESRCH") continue;
    }
    removeNetns(name);
  }
}

function uniqueBase(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 12) || "ns";
  return `kil-${clean}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

let cachedAvailability: Availability | undefined;

/**
 * Whether kernel tests can run here: `ip netns add` of a probe namespace
 * must work (root / CAP_SYS_ADMIN + CAP_NET_ADMIN), iptables-legacy-save must
 * run inside it, and the legacy restore/save tools must exist. The probe
 * namespace is deleted again. The answer is computed once per process.
 */
export function netnsAvailable(): Availability {
  if (cachedAvailability) return cachedAvailability;
  cachedAvailability = probe();
  return cachedAvailability;
}

function probe(): Availability {
  if (process.platform !== "linux") return { ok: false, reason: `network namespaces need Linux (this is ${process.platform})` };
  for (const [cmd, args] of [
    ["ip", ["-V"]],
    ["iptables-legacy-restore", ["--version"]],
    ["iptables-legacy-save", ["--version"]],
  ] as const) {
    const r = run(cmd, [...args], { timeoutMs: 10_000 });
    if (r.error || r.status !== 0) return { ok: false, reason: describeFailure(`${cmd} is not usable`, r) };
  }
  const name = `${uniqueBase("probe")}-0`;
  installHandlers();
  sweepStale();
  live.add(name);
  const add = run("ip", ["netns", "add", name], { timeoutMs: 10_000 });
  if (add.status !== 0) {
    live.delete(name);
    return { ok: false, reason: describeFailure("cannot create a network namespace (needs root or CAP_SYS_ADMIN+CAP_NET_ADMIN); ip netns add", add) };
  }
  try {
    const save = run("ip", ["netns", "exec", name, "iptables-legacy-save"], { timeoutMs: 10_000 });
    if (save.status !== 0) return { ok: false, reason: describeFailure("iptables-legacy-save does not run inside a namespace", save) };
    return { ok: true };
  } finally {
    const err = removeNetns(name);
    if (err) console.warn(err);
  }
}

/**
 * Creates `count` fresh namespaces (lo up in each), runs fn with their
 * names, and always deletes them afterwards (killing any process left in
 * them), whether fn returns or throws.
 */
export async function withNetns<T>(prefix: string, count: number, fn: (names: string[]) => Promise<T>): Promise<T> {
  if (!Number.isInteger(count) || count < 1 || count > MAX_NAMESPACES_PER_CALL) {
    throw new RangeError(`withNetns: count must be an integer from 1 to ${MAX_NAMESPACES_PER_CALL}, got ${count}`);
  }
  installHandlers();
  sweepStale();
  const base = uniqueBase(prefix);
  const names: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const name = `${base}-${i}`;
      // Registered before creation so that a crash in between still cleans up.
      live.add(name);
      names.push(name);
      const add = run("ip", ["netns", "add", name], { timeoutMs: 10_000 });
      if (add.status !== 0) throw new Error(describeFailure(`ip netns add ${name}`, add));
      const lo = run("ip", ["netns", "exec", name, "ip", "link", "set", "lo", "up"], { timeoutMs: 10_000 });
      if (lo.status !== 0) throw new Error(describeFailure(`bringing lo up in ${name}`, lo));
    }
    return await fn([...names]);
  } finally {
    for (const name of names) {
      const err = removeNetns(name);
      if (err) console.warn(`withNetns cleanup: ${err}`);
    }
  }
}

/**
 * Runs `cmd args...` inside a namespace created by withNetns in this process
 * (`ip netns exec NS cmd args...`), with a timeout (default 30 s, SIGKILL).
 */
export function execIn(ns: string, cmd: string, args: string[], opts: ExecOptions = {}): ExecResult {
  if (!live.has(ns)) {
    throw new Error(`execIn: ${JSON.stringify(ns)} is not a namespace created by withNetns in this process`);
  }
  return run("ip", ["netns", "exec", ns, cmd, ...args], opts);
}

/**
 * Loads ruleText with iptables-<backend>-restore into a fresh namespace and
 * returns what iptables-<backend>-save prints (header lines included).
 * With counters, both restore and save get -c (counters are restored from
 * the text and printed back).
 */
export async function iptablesRoundTrip(
  ruleText: string,
  opts: { counters?: boolean; backend?: Backend } = {},
): Promise<RoundTripResult> {
  const backend = opts.backend ?? "legacy";
  const flags = opts.counters ? ["-c"] : [];
  return withNetns("rt", 1, async ([ns]) => {
    const restore = execIn(ns!, `iptables-${backend}-restore`, flags, { input: ruleText });
    if (restore.status !== 0) {
      return { ok: false as const, error: describeFailure(`iptables-${backend}-restore`, restore) };
    }
    const save = execIn(ns!, `iptables-${backend}-save`, flags);
    if (save.status !== 0) {
      return { ok: false as const, error: describeFailure(`iptables-${backend}-save`, save) };
    }
    return { ok: true as const, saved: save.stdout };
  });
}

/** Removes the "# Generated by ..." / "# Completed on ..." lines (they carry the time). */
export function stripSaveHeaders(saved: string): string {
  return saved
    .split("\n")
    .filter((line) => !/^# (Generated by|Completed on) /.test(line))
    .join("\n");
}
