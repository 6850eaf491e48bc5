/**
 * The lab's long-lived processes inside the namespaces: one server process
 * per namespace (all its TCP/UDP listeners) and one client agent per
 * namespace that opens connections on request. Both speak JSON lines; every
 * wait is event-driven with a timeout. The scripts are plain .mjs files in
 * ./agents/ (copied next to the compiled module by `npm run build`).
 */
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LabError, spawnIn } from "./netns.js";
import type { ListenerPlan } from "./topology.js";

/** Path of a bundled agent script. */
export function agentScript(name: "servers.mjs" | "agent.mjs" | "kernel-timer.mjs"): string {
  const path = fileURLToPath(new URL(`./agents/${name}`, import.meta.url));
  if (!existsSync(path)) throw new LabError(`the lab's agent script ${path} is missing (run npm run build, which copies lib/lab/agents/ to dist/lab/agents/)`);
  return path;
}

/** A connection request for a client agent. */
export interface ConnectRequest {
  protocol: "tcp" | "udp";
  src: string;
  /** 0 or absent: an ephemeral port. */
  sport?: number;
  dst: string;
  dport: number;
  timeoutMs?: number;
}

/** What the client saw. */
export interface ConnectResult {
  ok: boolean;
  /** The client's own address:port. */
  local: string | null;
  /** The server's answer. */
  reply?: { server?: string; peer?: string; protocol?: string; raw?: string };
  /** `timeout`, `refused`, `reset`, `unreachable`, ... */
  error?: string;
}

interface Pending {
  resolve(v: Record<string, unknown>): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/** A JSON-lines process inside a namespace. */
class LineProcess {
  private buffer = "";
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: string | null = null;
  private stderr = "";
  private firstLine: ((v: Record<string, unknown>) => void) | null = null;

  constructor(readonly what: string, readonly child: ChildProcess) {
    child.stdout!.setEncoding("utf8").on("data", (d: string) => this.onData(d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      this.stderr = (this.stderr + d).slice(-4000);
    });
    child.stdin!.on("error", () => {
      // Reported through the exit handler.
    });
    child.on("exit", (code, signal) => {
      this.exited = `${what} exited (${signal ?? `status ${code}`})${this.stderr.trim() ? `: ${this.stderr.trim().split("\n").slice(-3).join(" | ")}` : ""}`;
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new LabError(this.exited));
      }
      this.pending.clear();
      this.firstLine?.({ error: this.exited });
    });
  }

  private onData(d: string): void {
    this.buffer += d;
    for (let nl = this.buffer.indexOf("\n"); nl >= 0; nl = this.buffer.indexOf("\n")) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (this.firstLine) {
        const f = this.firstLine;
        this.firstLine = null;
        f(msg);
        continue;
      }
      const p = typeof msg.id === "number" ? this.pending.get(msg.id) : undefined;
      if (p) {
        this.pending.delete(msg.id as number);
        clearTimeout(p.timer);
        p.resolve(msg);
      }
    }
  }

  /** Wait for the first line (`{"ready":true}` or `{"error":...}`). */
  ready(timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      if (this.exited) {
        reject(new LabError(this.exited));
        return;
      }
      const timer = setTimeout(() => {
        this.firstLine = null;
        reject(new LabError(`${this.what} did not start within ${timeoutMs} ms${this.stderr ? `: ${this.stderr.trim()}` : ""}`));
      }, timeoutMs);
      this.firstLine = (msg) => {
        clearTimeout(timer);
        if (msg.ready === true) resolve(msg);
        else reject(new LabError(`${this.what}: ${String(msg.error ?? JSON.stringify(msg))}`));
      };
    });
  }

  request(body: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(new LabError(this.exited));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new LabError(`${this.what} did not answer ${String(body.op)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.child.stdin!.write(JSON.stringify({ ...body, id }) + "\n");
    });
  }

  /** Close stdin (the agents exit on end of input) and kill after a grace period. */
  stop(): void {
    if (this.exited) return;
    this.child.stdin!.end();
    const t = setTimeout(() => this.child.kill("SIGKILL"), 1000);
    t.unref();
    this.child.once("exit", () => clearTimeout(t));
  }
}

const START_TIMEOUT_MS = 15_000;

/** The servers of one namespace. */
export class ServerProcess {
  private constructor(private readonly proc: LineProcess) {}

  /** Start the listeners of one namespace and wait until every one is bound. */
  static async start(ns: string, listeners: ListenerPlan[]): Promise<ServerProcess> {
    const spec = listeners.map((l) => ({ protocol: l.protocol, address: l.address, port: l.port }));
    const child = spawnIn(ns, process.execPath, [agentScript("servers.mjs"), JSON.stringify(spec)]);
    const proc = new LineProcess(`servers in ${ns}`, child);
    await proc.ready(START_TIMEOUT_MS);
    return new ServerProcess(proc);
  }

  stop(): void {
    this.proc.stop();
  }
}

/** The client agent of one namespace. */
export class ClientAgent {
  private constructor(private readonly proc: LineProcess, readonly ns: string) {}

  static async start(ns: string): Promise<ClientAgent> {
    const child = spawnIn(ns, process.execPath, [agentScript("agent.mjs")]);
    const proc = new LineProcess(`client agent in ${ns}`, child);
    await proc.ready(START_TIMEOUT_MS);
    return new ClientAgent(proc, ns);
  }

  /** Open one connection and wait for the server's answer (or the timeout). */
  async connect(req: ConnectRequest): Promise<ConnectResult> {
    const timeoutMs = req.timeoutMs ?? 3000;
    const msg = await this.proc.request({ op: "connect", ...req, timeoutMs }, timeoutMs + 5000);
    return {
      ok: msg.ok === true,
      local: typeof msg.local === "string" ? msg.local : null,
      ...(msg.reply ? { reply: msg.reply as ConnectResult["reply"] } : {}),
      ...(typeof msg.error === "string" ? { error: msg.error } : {}),
    };
  }

  /** The namespace's xt_recent lists, as /proc/net/xt_recent shows them (name -> file text). */
  async recentLists(): Promise<Record<string, string>> {
    const msg = await this.proc.request({ op: "recent" }, 10_000);
    if (msg.ok !== true) throw new LabError(`reading xt_recent lists in ${this.ns}: ${String(msg.error)}`);
    return msg.lists as Record<string, string>;
  }

  /** Empty every xt_recent list of the namespace (`echo / > /proc/net/xt_recent/NAME`). */
  async clearRecent(): Promise<string[]> {
    const msg = await this.proc.request({ op: "clear-recent" }, 10_000);
    if (msg.ok !== true) throw new LabError(`emptying xt_recent lists in ${this.ns}: ${String(msg.error)}`);
    return msg.cleared as string[];
  }

  stop(): void {
    this.proc.stop();
  }
}
