/** The subcommands that run the simulator: trace, simulate, node-context. */
import { checkIpJson, loadNodeContext, nodeFromIpJson, NodeContextError, type NodeContext } from "../node/context.js";
import { checkShape } from "../json/shape.js";
import { traceConnection, TraceInputError } from "../trace/trace.js";
import { PathLimitError } from "../trace/engine.js";
import { formatDiagnostic } from "../parse/errors.js";
import { simulationEvents, type TimedConnection } from "../trace/simulate.js";
import { parseIPv4 } from "../model/address.js";
import { splitHostPort, type ConnectionSpec, type Protocol } from "../trace/packet.js";
import { readArgs, UsageError } from "./args.js";
import { InputError, inputName, jsonDiagnostics, loadDump, loadJsonFile } from "./io.js";
import { toJson } from "../json/json-text.js";
import { traceJson } from "../json/trace-json.js";
import { simulationJson } from "../json/simulation-json.js";
import type { Command } from "./commands.js";
import { simulationReport, traceReport } from "./report.js";

/** Load a node description file; its problems are input errors at their line and column. */
export function loadNodeFile(path: string): NodeContext {
  return loadJsonFile(path, loadNodeContext);
}

/** Read simulate's connections file: a JSON list of connections (schemas/connections.schema.json). */
function loadConnectionsFile(path: string): TimedConnection[] {
  return loadJsonFile(path, (value, file) => checkShape<TimedConnection[]>("connections", value, file));
}

/** An option's IPv4 address and port as typed; anything else is a usage error naming the option. */
function hostPort(text: string, flag: string, needPort: boolean): { ip: string; port?: number } {
  const hp = splitHostPort(text);
  const wellFormed = hp !== null && parseIPv4(hp.ip) !== null && (!needPort || hp.port !== null) && (hp.port === null || hp.port <= 65535);
  if (!wellFormed) throw new UsageError(`${flag} '${text}': expected ${needPort ? "IP:PORT, e.g. 10.254.42.62:80" : "IP or IP:PORT, e.g. 172.16.1.100"} (IPv4, port 0-65535)`);
  return { ip: hp.ip, ...(hp.port !== null ? { port: hp.port } : {}) };
}

const trace: Command = {
  name: "trace",
  usage: "kube-iptables-lab trace DUMP --node NODE.json --src IP[:PORT] --dst IP:PORT [--proto tcp|udp|sctp] [--in IFACE | --local] [--json]",
  summary: "every way a new connection goes through the node, exact odds",
  description: "every way a new connection can go through the node: outcomes, exact probabilities, rules, NAT",
  spec: {
    positionals: ["DUMP"], values: ["--node", "--src", "--dst", "--proto", "--in"], switches: ["--local", "--json"],
    help: {
      "--src": { arg: "IP[:PORT]", text: "the client's address, and its source port (default 40000)" },
      "--dst": { arg: "IP:PORT", text: "the address and port the client opens: a ClusterIP, a NodePort on a node address, a pod" },
      "--proto": { arg: "tcp|udp|sctp", text: "the protocol (default tcp)" },
      "--in": { arg: "IFACE", text: "the interface the first packet arrives on (default: found from the routes back to the client)" },
      "--local": { text: "a process on the node opens the connection (OUTPUT instead of PREROUTING)" },
    },
  },
  run(argv, io) {
    const args = readArgs(argv, this.spec);
    for (const required of ["--node", "--src", "--dst"]) if (!args.values[required]) throw new UsageError(`${required} is required`);
    if (args.values["--in"] && args.switches.has("--local")) throw new UsageError("give either --in IFACE or --local, not both");
    const proto = (args.values["--proto"] ?? "tcp") as Protocol;
    if (!["tcp", "udp", "sctp"].includes(proto)) throw new UsageError(`--proto: expected tcp, udp or sctp, got '${proto}'`);
    const src = hostPort(args.values["--src"], "--src", false);
    const dst = hostPort(args.values["--dst"], "--dst", true);
    const node = loadNodeFile(args.values["--node"]);
    const r = loadDump(args.positionals[0], io.err, jsonDiagnostics(args, io));
    if (!r) return 1;
    const spec: ConnectionSpec = {
      protocol: proto, src: src.ip, dst: dst.ip, dport: dst.port!,
      ...(src.port !== undefined ? { sport: src.port } : {}),
      ...(args.switches.has("--local") ? { from: "local" as const } : args.values["--in"] ? { from: { interface: args.values["--in"] } } : {}),
    };
    try {
      const t = traceConnection(r.dump, node, spec);
      if (args.switches.has("--json")) {
        io.out(toJson(traceJson(t, r.warnings)));
      } else io.out(traceReport(t, r.dump.file));
      return 0;
    } catch (e) {
      if (e instanceof TraceInputError) throw new InputError(e.message);
      return pathLimitReported(e, io);
    }
  },
};

/** A dump too random to enumerate is an error in the dump, printed at its rule; anything else is rethrown. */
function pathLimitReported(e: unknown, io: { err(s: string): void }): number {
  if (!(e instanceof PathLimitError)) throw e;
  io.err(formatDiagnostic(e.diagnostic));
  return 1;
}

const simulate: Command = {
  name: "simulate",
  usage: "kube-iptables-lab simulate DUMP --node NODE.json --connections FILE.json [--seed N] [--json]",
  summary: "connections over time, carrying affinity lists and conntrack",
  description: "run a sequence of connections over time, carrying affinity lists and conntrack between them",
  spec: {
    positionals: ["DUMP"], values: ["--node", "--connections", "--seed"], switches: ["--json"],
    help: {
      "--connections": { arg: "FILE.json", text: "a JSON array of connections: { time, src, dst, dport, protocol?, sport?, from?, label? }" },
      "--seed": { arg: "N", text: "seed of the random choices (default 1): the same seed gives the same run" },
    },
  },
  run(argv, io) {
    const args = readArgs(argv, this.spec);
    for (const required of ["--node", "--connections"]) if (!args.values[required]) throw new UsageError(`${required} is required`);
    const seed = args.values["--seed"] === undefined ? 1 : Number(args.values["--seed"]);
    if (!Number.isInteger(seed)) throw new UsageError("--seed: expected an integer");
    const node = loadNodeFile(args.values["--node"]);
    const file = inputName(args.values["--connections"]);
    const connections = loadConnectionsFile(args.values["--connections"]);
    const r = loadDump(args.positionals[0], io.err, jsonDiagnostics(args, io));
    if (!r) return 1;
    try {
      // Event by event: each is reduced to what is printed before the next is made, so memory stays bounded.
      const events = simulationEvents(r.dump, node, connections, { seed });
      if (args.switches.has("--json")) io.out(toJson(simulationJson(events, r.warnings)));
      else io.out(simulationReport(events));
      return 0;
    } catch (e) {
      if (e instanceof TraceInputError) throw new InputError(`${file}: ${e.message}`);
      return pathLimitReported(e, io);
    }
  },
};

const nodeContext: Command = {
  name: "node-context",
  usage: "kube-iptables-lab node-context --addr ADDR.json --route ROUTE.json [--name NAME] [--cluster-cidr CIDR] [--pod-cidr CIDR] [--service-cidr CIDR]",
  summary: "a node description from `ip -j addr` and `ip -j route` output",
  description: "build a node description from `ip -j addr show` and `ip -j route show` captured on a node",
  spec: {
    positionals: [], values: ["--addr", "--route", "--name", "--cluster-cidr", "--pod-cidr", "--service-cidr"],
    help: {
      "--addr": { arg: "ADDR.json", text: "what `ip -j addr show` printed on the node" },
      "--route": { arg: "ROUTE.json", text: "what `ip -j route show` printed on the node" },
      "--name": { arg: "NAME", text: "the node's name (default node)" },
      "--cluster-cidr": { arg: "CIDR", text: "the cluster's pod network (kube-proxy's --cluster-cidr)" },
      "--pod-cidr": { arg: "CIDR", text: "this node's share of the pod network" },
      "--service-cidr": { arg: "CIDR", text: "the Service (ClusterIP) range" },
    },
  },
  run(argv, io) {
    const args = readArgs(argv, this.spec);
    for (const required of ["--addr", "--route"]) if (!args.values[required]) throw new UsageError(`${required} is required`);
    try {
      const addrFile = args.values["--addr"];
      const routeFile = args.values["--route"];
      const addr = loadJsonFile(addrFile, (value, file) => (checkIpJson("ipAddr", value, file), value));
      const route = loadJsonFile(routeFile, (value, file) => (checkIpJson("ipRoute", value, file), value));
      const node = nodeFromIpJson(addr, route, args.values["--name"] ?? "node", { addr: inputName(addrFile), route: inputName(routeFile) });
      if (args.values["--cluster-cidr"]) node.clusterCIDR = args.values["--cluster-cidr"];
      if (args.values["--pod-cidr"]) node.podCIDR = args.values["--pod-cidr"];
      if (args.values["--service-cidr"]) node.serviceCIDR = args.values["--service-cidr"];
      loadNodeContext(node, "the resulting node description");
      io.out(toJson(node));
      return 0;
    } catch (e) {
      if (e instanceof NodeContextError) throw new InputError(e.message);
      throw e;
    }
  },
};

/** The simulator's subcommands. */
export const TRACE_COMMANDS: Command[] = [trace, simulate, nodeContext];
