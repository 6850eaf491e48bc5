/**
 * A running lab: the namespaces of a plan, the dump loaded into the node
 * namespace, servers and client agents started, and one operation that
 * matters: make a connection and read back everything the kernel did.
 */
import { spawnSync } from "node:child_process";
import { release } from "node:os";
import type { Dump } from "../model/dump.js";
import { cidrContains } from "../model/address.js";
import { parseDump } from "../parse/parser.js";
import type { NodeContext } from "../node/context.js";
import type { ConnectionSpec, Protocol } from "../trace/packet.js";
import { ClientAgent, ServerProcess } from "./agents.js";
import type { ConnectionObservation } from "./kernel-vs-simulator.js";
import { createNamespaces, execIn, LabError, NamespaceShell, removeNamespaces, type NamespaceSet } from "./netns.js";
import { countedRules, parseRecentFiles, parseSavedCounters, type KernelRecentLists } from "./observe.js";
import { buildLab, farRole, planLab, type ClientPlacement, type LabPlan } from "./topology.js";

/** What a lab is built from. */
export interface LabOptions {
  /** The dump as text (loaded with iptables-legacy-restore) and its parse (for mapping counters to lines). */
  dumpText: string;
  dump: Dump;
  node: NodeContext;
  /** Addresses connections will start from. */
  clients?: ClientPlacement[];
  /** TCP ports the router's catch-all answers on. */
  catchAllPorts?: number[];
}

/** Versions of what the lab ran on. */
export interface LabEnvironment {
  kernel: string;
  iptables: string;
  node: string;
}

const IPTABLES_WAIT = ["-w", "10"];

/** A lab that is up. Always `close()` it (or use `withLab`). */
export class Lab {
  private dump: Dump;
  private closed = false;

  private constructor(
    readonly plan: LabPlan,
    private readonly set: NamespaceSet,
    private readonly servers: ServerProcess[],
    private readonly agents: Map<string, ClientAgent>,
    private readonly shell: NamespaceShell,
    options: LabOptions,
    readonly node: NodeContext,
  ) {
    this.dump = options.dump;
  }

  /** Build the namespaces, load the rules, start every server and agent. */
  static async open(options: LabOptions): Promise<Lab> {
    const plan = planLab(options.dump, options.node, { clients: options.clients ?? [], catchAllPorts: options.catchAllPorts ?? [] });
    const set = createNamespaces(plan.namespaces.map((p) => p.role));
    const servers: ServerProcess[] = [];
    const agents = new Map<string, ClientAgent>();
    let shell: NamespaceShell | null = null;
    try {
      await buildLab(plan, set);
      await loadInto(set.names.node, options.dumpText);
      const started = await Promise.all([
        ...plan.namespaces.filter((p) => p.listeners.length > 0).map((p) => ServerProcess.start(set.names[p.role], p.listeners)),
      ]);
      servers.push(...started);
      await Promise.all(plan.namespaces.map(async (p) => {
        agents.set(p.role, await ClientAgent.start(set.names[p.role]));
      }));
      shell = new NamespaceShell(set.names.node);
      await shell.must("true", []);
      return new Lab(plan, set, servers, agents, shell, options, options.node);
    } catch (e) {
      shell?.stop();
      for (const s of servers) s.stop();
      for (const a of agents.values()) a.stop();
      removeNamespaces(set);
      throw e;
    }
  }

  /** Namespace names by role. */
  get namespaces(): Record<string, string> {
    return { ...this.set.names };
  }

  /** Replace the node's rules (and the parse used to map counters to lines). */
  async loadRules(text: string, dump: Dump): Promise<void> {
    await loadInto(this.set.names.node, text);
    this.dump = dump;
  }

  /**
   * Replace the node's rules with an nftables ruleset, as kube-proxy's nftables mode programs
   * a node: the iptables tables are emptied first, then `nft -f` loads the text. The rule
   * counters `connect` reads then stay empty; which endpoint answered and the source it saw
   * are still observed.
   */
  async loadNftables(text: string): Promise<void> {
    await loadInto(this.set.names.node, "*mangle\nCOMMIT\n*filter\nCOMMIT\n*nat\nCOMMIT\n");
    // Counters are then read against the empty tables, as iptables-legacy-save prints them.
    const empty = parseDump(await this.shell.must("iptables-legacy-save", []), { file: "iptables-legacy-save (emptied)" });
    if (empty.errors.length) throw new LabError(`emptied iptables tables: ${empty.errors[0]!.message}`);
    this.dump = empty.dump;
    const r = await execIn(this.set.names.node, "nft", ["-f", "-"], { input: text, timeoutMs: 120_000 });
    if (r.status !== 0) throw new LabError(`nft -f refused the ruleset: ${(r.stderr.trim() || r.error || `status ${r.status}`).split("\n")[0]}`);
  }

  /** Forget every connection (`conntrack -F`) and empty every xt_recent list in the node namespace. */
  async reset(): Promise<void> {
    await Promise.all([this.shell.must("conntrack", ["-F"]), this.agent("node").clearRecent()]);
  }

  /** The node namespace's xt_recent lists. */
  async recent(): Promise<KernelRecentLists> {
    return parseRecentFiles(await this.agent("node").recentLists());
  }

  private agent(role: string): ClientAgent {
    const a = this.agents.get(role);
    if (!a) throw new LabError(`no client agent in ${role}`);
    return a;
  }

  /** Which namespace a connection starts in. */
  clientRole(spec: ConnectionSpec): string {
    if (spec.from === "local") return "node";
    if (spec.from) {
      // Behind a bridge (the pod subnet) each pod address has a namespace of its own.
      const iface = spec.from.interface;
      return this.plan.namespaces.find((n) => n.behind === iface && n.addresses.some((a) => a.cidr.split("/")[0] === spec.src))?.role ?? farRole(iface);
    }
    const p = this.plan.namespaces.find((n) => n.addresses.some((a) => a.cidr.split("/")[0] === spec.src))
      ?? (this.node.interfaces.some((i) => i.addresses.some((a) => a.address === spec.src)) ? this.plan.namespaces.find((n) => n.role === "node") : undefined);
    if (!p) throw new LabError(`no lab namespace holds ${spec.src}: list it among the lab's clients`);
    return p.role;
  }

  /**
   * Make one connection and read back what the kernel did: nat (and filter,
   * when the dump has that table) counters are zeroed first and read after;
   * the xt_recent lists are read after.
   * `time` is the simulator's clock for this connection (seconds).
   */
  async connect(spec: ConnectionSpec, time: number, timeoutMs = 3000): Promise<ConnectionObservation> {
    if (this.closed) throw new LabError("the lab is closed");
    const protocol: Protocol = spec.protocol ?? "tcp";
    if (protocol === "sctp") throw new LabError("the lab's clients speak tcp and udp only");
    const agent = this.agent(this.clientRole(spec));
    const withFilter = this.dump.tables.some((t) => t.name === "filter");
    await this.shell.must("iptables-legacy", [...IPTABLES_WAIT, "-t", "nat", "-Z"]);
    if (withFilter) await this.shell.must("iptables-legacy", [...IPTABLES_WAIT, "-t", "filter", "-Z"]);
    const r = await agent.connect({ protocol, src: spec.src, sport: spec.sport ?? 0, dst: spec.dst, dport: spec.dport, timeoutMs });
    if (!r.ok && r.local === null && r.error && /EADDRNOTAVAIL|EADDRINUSE|EINVAL/.test(r.error))
      throw new LabError(`connecting from ${spec.src}: ${r.error}`);
    const [saved, savedFilter, recent] = await Promise.all([
      this.shell.must("iptables-legacy-save", ["-t", "nat", "-c"]),
      withFilter ? this.shell.must("iptables-legacy-save", ["-t", "filter", "-c"]) : Promise.resolve(null),
      this.recent(),
    ]);
    const nat = countedRules(parseSavedCounters(saved, "nat"), this.dump, "nat");
    const filter = savedFilter === null ? undefined : countedRules(parseSavedCounters(savedFilter, "filter"), this.dump, "filter");
    const localPort = r.local ? Number(r.local.slice(r.local.lastIndexOf(":") + 1)) : spec.sport ?? 0;
    const answered = r.ok && typeof r.reply?.server === "string";
    const server = answered ? r.reply!.server! : null;
    const serviceRange = this.node.serviceCIDR;
    return {
      spec: { ...spec, protocol, sport: localPort },
      answered,
      error: answered ? null : r.error ?? (r.ok ? `unexpected answer ${JSON.stringify(r.reply)}` : "no answer"),
      server,
      peer: answered ? r.reply!.peer ?? null : null,
      ...(server !== null && serviceRange && cidrContains(serviceRange, server.slice(0, server.lastIndexOf(":"))) ? { probe: true } : {}),
      nat,
      ...(filter ? { filter } : {}),
      recent,
      time,
    };
  }

  /** Stop every process and delete every namespace. Returns cleanup problems (empty when clean). */
  close(): string[] {
    if (this.closed) return [];
    this.closed = true;
    this.shell.stop();
    for (const s of this.servers) s.stop();
    for (const a of this.agents.values()) a.stop();
    return removeNamespaces(this.set);
  }
}

async function loadInto(ns: string, text: string): Promise<void> {
  const r = await execIn(ns, "iptables-legacy-restore", IPTABLES_WAIT, { input: text, timeoutMs: 30_000 });
  if (r.status !== 0) throw new LabError(`iptables-legacy-restore refused the dump: ${(r.stderr.trim() || r.error || `status ${r.status}`).split("\n")[0]}`);
}

/** Open a lab, run fn, and always tear the lab down. */
export async function withLab<T>(options: LabOptions, fn: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await Lab.open(options);
  try {
    return await fn(lab);
  } finally {
    for (const p of lab.close()) console.warn(`lab cleanup: ${p}`);
  }
}

/** Kernel, iptables and Node versions, for reports. */
export async function labEnvironment(): Promise<LabEnvironment> {
  const v = spawnSync("iptables-legacy", ["--version"], { encoding: "utf8", timeout: 10_000 });
  return { kernel: release(), iptables: (v.stdout ?? "").trim() || "unknown", node: process.version };
}
