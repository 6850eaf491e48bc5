/**
 * Throwaway Linux network namespaces for the kernel lab.
 *
 * Safety rules this module enforces:
 * - it only runs commands in namespaces it created itself in this process
 *   (`execIn` and `spawnIn` refuse any other name), so nothing touches the
 *   host's own network namespace or its iptables;
 * - names are unique per run (`kilab-<pid>-<random>-<role>`), and nothing
 *   here ever connects a namespace to the host's namespace;
 * - teardown always runs: `removeNamespaces` in `finally` blocks, and from
 *   process exit / SIGINT / SIGTERM / SIGHUP handlers for namespaces still
 *   alive when the process ends; it kills every process inside first;
 * - every command has a timeout (SIGKILL after it).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What a command did. */
export interface ExecResult {
  /** Exit status, or null when killed by a signal. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when the command could not be started or timed out. */
  error?: string;
}

/** Options of a command. */
export interface ExecOptions {
  /** Written to the command's standard input. */
  input?: string;
  /** Killed with SIGKILL after this many milliseconds (default 30 000). */
  timeoutMs?: number;
}

/** Whether the lab can run here, and why not. */
export type Availability = { ok: true } | { ok: false; reason: string };

/** A problem setting up or running the lab (not a disagreement). */
export class LabError extends Error {}

const DEFAULT_TIMEOUT_MS = 30_000;
/** The prefix of every namespace the lab creates. */
export const NAMESPACE_PREFIX = "kilab";
const NAME_PATTERN = /^kilab-(\d+)-[0-9a-f]{6}-[a-z0-9]{1,16}$/;

/** Namespaces created by this process and not yet deleted. */
const live = new Set<string>();
let handlersInstalled = false;

function describe(what: string, r: ExecResult): string {
  const detail = r.error ?? (r.stderr.trim() || r.stdout.trim() || (r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`));
  return `${what}: ${detail.split("\n")[0]}`;
}

/**
 * The environment of commands run inside a namespace. iptables-legacy takes
 * a lock file that lives on the host's filesystem (/run/xtables.lock), shared
 * by every namespace: parallel tests in other namespaces would make each
 * other's iptables calls fail with "Can't lock". Each namespace gets a lock
 * file of its own instead, which still serialises the calls inside it.
 */
export function namespaceEnv(ns: string): NodeJS.ProcessEnv {
  return { ...process.env, XTABLES_LOCKFILE: join(tmpdir(), `kil-xtables-${ns}.lock`) };
}

/** Run a command on the host side (only `ip netns ...` and version probes are run this way), synchronously. */
function runSync(cmd: string, args: string[], opts: ExecOptions = {}, env?: NodeJS.ProcessEnv): ExecResult {
  const r = spawnSync(cmd, args, {
    env: env ?? process.env,
    input: opts.input,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    killSignal: "SIGKILL",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const result: ExecResult = { status: r.status, signal: r.signal, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    result.error = code === "ETIMEDOUT" ? `timed out after ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms` : r.error.message;
  }
  return result;
}

/** Run a command asynchronously, with a timeout. */
function runAsync(cmd: string, args: string[], opts: ExecOptions = {}, env?: NodeJS.ProcessEnv): Promise<ExecResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], env: env ?? process.env });
    } catch (e) {
      resolve({ status: null, signal: null, stdout: "", stderr: "", error: (e as Error).message });
      return;
    }
    let stdout = "";
    let stderr = "";
    let error: string | undefined;
    let done = false;
    const timer = setTimeout(() => {
      error = `timed out after ${timeoutMs} ms`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (e) => {
      error ??= e.message;
    });
    child.on("close", (status, signal) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, ...(error !== undefined ? { error } : {}) });
    });
    child.stdin!.on("error", () => {
      // The command exited before reading its input; its status tells why.
    });
    child.stdin!.end(opts.input ?? "");
  });
}

function pidsIn(name: string): number[] {
  const r = runSync("ip", ["netns", "pids", name], { timeoutMs: 5_000 });
  if (r.status !== 0) return [];
  return r.stdout
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Kill every process inside one of our namespaces, then delete it.
 * Synchronous, so that it also works from a process "exit" handler.
 * Returns an error message, or null.
 */
function removeOne(name: string): string | null {
  // Bounded: a process that survives SIGKILL ten times is left to `ip netns del`'s error.
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
  const r = runSync("ip", ["netns", "del", name], { timeoutMs: 10_000 });
  live.delete(name);
  rmSync(join(tmpdir(), `kil-xtables-${name}.lock`), { force: true });
  if (r.status !== 0 && !/No such file|not exist/i.test(r.stderr)) return describe(`ip netns del ${name}`, r);
  return null;
}

function removeAllLive(): void {
  for (const name of [...live]) removeOne(name);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", removeAllLive);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = (): void => {
      removeAllLive();
      // Alone, our listener replaced Node's default action (terminate): restore it and re-raise.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.once(sig, onSignal);
  }
}

let cachedAvailability: Availability | undefined;

/**
 * Whether the lab can run here: Linux, the tools (`ip`, `iptables-legacy`,
 * `iptables-legacy-save`, `iptables-legacy-restore`, `conntrack`), and the
 * right to create a namespace (root, or CAP_SYS_ADMIN + CAP_NET_ADMIN). A
 * probe namespace is created and deleted again. Computed once per process.
 */
export function netnsAvailable(): Availability {
  cachedAvailability ??= probe();
  return cachedAvailability;
}

function probe(): Availability {
  if (process.platform !== "linux") return { ok: false, reason: `network namespaces need Linux (this is ${process.platform})` };
  for (const [cmd, args] of [
    ["ip", ["-V"]],
    ["iptables-legacy", ["--version"]],
    ["iptables-legacy-save", ["--version"]],
    ["iptables-legacy-restore", ["--version"]],
    ["conntrack", ["--version"]],
  ] as const) {
    const r = runSync(cmd, [...args], { timeoutMs: 10_000 });
    if (r.error || r.status !== 0) return { ok: false, reason: describe(`${cmd} is not usable (install iproute2, iptables and conntrack)`, r) };
  }
  const name = uniqueName("probe");
  installHandlers();
  live.add(name);
  const add = runSync("ip", ["netns", "add", name], { timeoutMs: 10_000 });
  if (add.status !== 0) {
    live.delete(name);
    return { ok: false, reason: describe("cannot create a network namespace (needs root, or CAP_SYS_ADMIN and CAP_NET_ADMIN); ip netns add", add) };
  }
  try {
    const save = runSync("ip", ["netns", "exec", name, "iptables-legacy-save"], { timeoutMs: 10_000 }, namespaceEnv(name));
    if (save.status !== 0) return { ok: false, reason: describe("iptables-legacy-save does not run inside a namespace", save) };
    return { ok: true };
  } finally {
    removeOne(name);
  }
}

let runId: string | undefined;

/** `kilab-<pid>-<6 hex, one per process>-<role>`. */
function uniqueName(role: string): string {
  runId ??= randomBytes(3).toString("hex");
  const clean = role.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 16) || "ns";
  return `${NAMESPACE_PREFIX}-${process.pid}-${runId}-${clean}`;
}

/** Namespaces created together, by role. */
export interface NamespaceSet {
  /** Role -> namespace name. */
  names: Record<string, string>;
}

let batch = 0;

/**
 * Create one fresh namespace per role (with `lo` up). Roles are short
 * lowercase words; a counter keeps two sets of the same process apart.
 */
export function createNamespaces(roles: string[]): NamespaceSet {
  if (roles.length < 1 || roles.length > 32) throw new RangeError(`createNamespaces: 1 to 32 roles, got ${roles.length}`);
  installHandlers();
  removeOrphanedNamespaces();
  batch += 1;
  const names: Record<string, string> = {};
  try {
    for (const role of roles) {
      if (names[role]) throw new RangeError(`createNamespaces: role ${role} given twice`);
      const name = uniqueName(`${role.replace(/[^a-z0-9]/gi, "").slice(0, 12)}${batch}`);
      // Registered before creation, so a crash in between still cleans up.
      live.add(name);
      names[role] = name;
      const add = runSync("ip", ["netns", "add", name], { timeoutMs: 10_000 });
      if (add.status !== 0) throw new LabError(describe(`ip netns add ${name}`, add));
      const lo = runSync("ip", ["-n", name, "link", "set", "lo", "up"], { timeoutMs: 10_000 });
      if (lo.status !== 0) throw new LabError(describe(`bringing lo up in ${name}`, lo));
    }
  } catch (e) {
    removeNamespaces({ names });
    throw e;
  }
  return { names };
}

/** Kill everything inside the set's namespaces and delete them. Returns the problems met (empty when clean). */
export function removeNamespaces(set: NamespaceSet): string[] {
  const problems: string[] = [];
  for (const name of Object.values(set.names)) {
    if (!live.has(name)) continue;
    const err = removeOne(name);
    if (err) problems.push(err);
  }
  return problems;
}

/** Create namespaces for `roles`, run fn, and always delete them afterwards. */
export async function withNamespaces<T>(roles: string[], fn: (set: NamespaceSet) => Promise<T>): Promise<T> {
  const set = createNamespaces(roles);
  try {
    return await fn(set);
  } finally {
    for (const p of removeNamespaces(set)) console.warn(`lab cleanup: ${p}`);
  }
}

/**
 * Namespaces left by an earlier lab run that was killed with SIGKILL
 * (`kilab-<pid>-...` whose process no longer exists). Only the lab's own
 * prefix is ever considered.
 */
export function orphanedNamespaces(): string[] {
  const r = runSync("ip", ["netns", "list"], { timeoutMs: 10_000 });
  if (r.status !== 0) return [];
  const out: string[] = [];
  for (const line of r.stdout.split("\n")) {
    const name = line.split(" ")[0] ?? "";
    const m = NAME_PATTERN.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid) continue;
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === "EPERM";
    }
    if (!alive) out.push(name);
  }
  return out;
}

/** Delete the namespaces `orphanedNamespaces` finds (done before every new lab). Returns their names. */
export function removeOrphanedNamespaces(): string[] {
  const names = orphanedNamespaces();
  for (const name of names) {
    live.add(name);
    removeOne(name);
  }
  return names;
}

/** This process's lab namespaces that still exist (for checks after a run). */
export function liveNamespaces(): string[] {
  return [...live];
}

function checkOwned(ns: string, who: string): void {
  if (!live.has(ns)) throw new LabError(`${who}: ${JSON.stringify(ns)} is not a namespace created by this lab process`);
}

/** Run `cmd args...` inside one of our namespaces (`ip netns exec NS ...`), with a timeout. */
export function execIn(ns: string, cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  checkOwned(ns, "execIn");
  return runAsync("ip", ["netns", "exec", ns, cmd, ...args], opts, namespaceEnv(ns));
}

/** Like execIn, failing with a LabError unless the command exits with status 0. */
export async function mustExecIn(ns: string, cmd: string, args: string[], opts: ExecOptions = {}): Promise<string> {
  const r = await execIn(ns, cmd, args, opts);
  if (r.status !== 0) throw new LabError(describe(`${cmd} ${args.join(" ")} (in ${ns})`, r));
  return r.stdout;
}

/** Run `ip -n NS -batch -` with the given commands (one per line). */
export async function ipBatch(ns: string, commands: string[]): Promise<void> {
  checkOwned(ns, "ipBatch");
  if (commands.length === 0) return;
  const r = await runAsync("ip", ["-n", ns, "-batch", "-"], { input: commands.join("\n") + "\n", timeoutMs: 30_000 });
  if (r.status !== 0) {
    const m = /Command failed -:(\d+)/.exec(r.stderr);
    const failed = m ? ` (command: ip ${commands[Number(m[1]) - 1]})` : "";
    throw new LabError(`${describe(`ip -n ${ns} -batch`, r)}${failed}`);
  }
}

/** Start a long-lived process inside one of our namespaces; it is killed with the namespace at teardown. */
export function spawnIn(ns: string, cmd: string, args: string[]): ChildProcess {
  checkOwned(ns, "spawnIn");
  return spawn("ip", ["netns", "exec", ns, cmd, ...args], { stdio: ["pipe", "pipe", "pipe"], env: namespaceEnv(ns) });
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=,+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * A long-lived `sh` inside one of our namespaces that runs commands one at a
 * time (queued), each with a timeout: much cheaper than one `ip netns exec`
 * per command for the lab's per-connection reads. Standard error is merged
 * into the output. When a command times out, the shell is killed and every
 * later command fails.
 */
export class NamespaceShell {
  private buffer = "";
  private queue: Promise<unknown> = Promise.resolve();
  private waiting: { resolve(v: { status: number; output: string }): void; reject(e: Error): void } | null = null;
  private dead: string | null = null;
  private readonly marker = `@@kilab-end-${randomBytes(6).toString("hex")}`;
  private readonly child: ChildProcess;

  constructor(readonly ns: string) {
    this.child = spawnIn(ns, "sh", []);
    this.child.stdout!.setEncoding("utf8").on("data", (d: string) => this.onData(d));
    this.child.stderr!.resume();
    this.child.stdin!.on("error", () => {
      // Reported through the exit handler.
    });
    this.child.on("exit", (code, signal) => {
      this.dead ??= `the shell in ${ns} exited (${signal ?? `status ${code}`})`;
      this.waiting?.reject(new LabError(this.dead));
      this.waiting = null;
    });
  }

  private onData(d: string): void {
    this.buffer += d;
    const re = new RegExp(`\\n${this.marker} (\\d+)\\n`);
    const m = re.exec(this.buffer);
    if (!m || !this.waiting) return;
    const output = this.buffer.slice(0, m.index);
    this.buffer = this.buffer.slice(m.index + m[0].length);
    const w = this.waiting;
    this.waiting = null;
    w.resolve({ status: Number(m[1]), output });
  }

  /** Run `cmd args...` (no standard input); resolves with its status and merged output. */
  run(cmd: string, args: string[], timeoutMs = 15_000): Promise<{ status: number; output: string }> {
    const line = `${[cmd, ...args].map(shellQuote).join(" ")} </dev/null 2>&1; printf '\\n%s %d\\n' ${this.marker} $?\n`;
    const next = this.queue.then(() => new Promise<{ status: number; output: string }>((resolve, reject) => {
      if (this.dead) {
        reject(new LabError(this.dead));
        return;
      }
      const timer = setTimeout(() => {
        this.dead = `${cmd} did not finish within ${timeoutMs} ms in ${this.ns}`;
        this.child.kill("SIGKILL");
      }, timeoutMs);
      this.waiting = {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.child.stdin!.write(line);
    }));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Like run, failing with a LabError unless the status is 0; returns the output. */
  async must(cmd: string, args: string[], timeoutMs?: number): Promise<string> {
    const r = await this.run(cmd, args, timeoutMs);
    if (r.status !== 0) throw new LabError(`${cmd} ${args.join(" ")} (in ${this.ns}): status ${r.status}: ${r.output.trim().split("\n")[0] ?? ""}`);
    return r.output;
  }

  stop(): void {
    if (this.dead) return;
    this.dead = `the shell in ${this.ns} was stopped`;
    this.child.stdin!.end();
    const t = setTimeout(() => this.child.kill("SIGKILL"), 1000);
    t.unref();
    this.child.once("exit", () => clearTimeout(t));
  }
}
