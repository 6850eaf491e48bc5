/** The `generate` subcommand: print a realistic kube-proxy dump of any size. */
import { writeFileSync } from "node:fs";
import { generateCluster, type GenerateOptions, type GenerateStyle } from "../generate/generate.js";
import { generatedClusterSpec, kubeProxyNftablesInput } from "../generate/nftables.js";
import { readArgs, UsageError } from "./args.js";
import type { Command } from "./commands.js";
import { fileProblem, InputError } from "./io.js";

function whole(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text)) throw new UsageError(`${flag}: expected a whole number, got '${text}'`);
  return Number(text);
}

function share(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(text) || Number(text) > 1) throw new UsageError(`${flag}: expected a share from 0 to 1, got '${text}'`);
  return Number(text);
}

/** The flag of each option, for error messages. */
const FLAGS: Record<string, string> = {
  services: "--services", endpointsMax: "--endpoints-max", seed: "--seed", style: "--style", affinityShare: "--affinity-share",
  nodePorts: "--nodeports", emptyShare: "--empty-share", clusterCIDR: "--cluster-cidr", serviceCIDR: "--service-cidr", nodeIP: "--node-ip",
};

/** `kube-iptables-lab generate --services N ...`. */
export const GENERATE_COMMAND: Command = {
  name: "generate",
  usage: "kube-iptables-lab generate --services N [--endpoints-max M] [--seed S] [--style 2018|modern|nftables] [--affinity-share F] [--nodeports K] [--empty-share F] [--cluster-cidr CIDR] [--service-cidr CIDR] [--node-ip IP] [--node-out NODE.json]",
  summary: "a realistic kube-proxy dump of N service ports (seeded)",
  description: "print a realistic kube-proxy iptables-save dump with N service ports, or with --style nftables the nft transaction of its nftables mode (same seed, same output)",
  spec: {
    positionals: [],
    values: [
      "--services", "--endpoints-max", "--seed", "--style", "--affinity-share", "--nodeports", "--empty-share",
      "--cluster-cidr", "--service-cidr", "--node-ip", "--node-out",
    ],
    help: {
      "--services": { arg: "N", text: "how many service ports (required)" },
      "--endpoints-max": { arg: "M", text: "most endpoints of one service port (default 8)" },
      "--seed": { arg: "S", text: "seed of every random choice (default 1): the same seed gives the same dump" },
      "--style": { arg: "2018|modern|nftables", text: "kube-proxy of 2018 (iptables 1.4.21), of today (default), or its nftables mode" },
      "--affinity-share": { arg: "F", text: "share of Services with ClientIP session affinity, 0 to 1 (default 0.05)" },
      "--nodeports": { arg: "K", text: "how many service ports get a NodePort (default 0)" },
      "--empty-share": { arg: "F", text: "share of Services without ready endpoints, 0 to 1 (default 0)" },
      "--cluster-cidr": { arg: "CIDR", text: "the pod network (default 10.244.0.0/16; 2018: 10.253.0.0/16)" },
      "--service-cidr": { arg: "CIDR", text: "the Service range (default 10.96.0.0/12; 2018: 10.254.0.0/16)" },
      "--node-ip": { arg: "IP", text: "the node's address on eth0 (default 192.168.10.11; 2018: 172.16.1.10)" },
      "--node-out": { arg: "NODE.json", text: "also write the matching node description to this file" },
    },
  },
  run(argv, io) {
    const args = readArgs(argv, this.spec);
    const v = args.values;
    const services = whole(v["--services"], "--services");
    if (services === undefined) throw new UsageError("--services is required");
    const style = v["--style"] ?? "modern";
    if (style !== "2018" && style !== "modern" && style !== "nftables") throw new UsageError(`--style: expected 2018, modern or nftables, got '${style}'`);
    const options: GenerateOptions = {
      services,
      // The nftables mode writes the Services of today's style in its own language.
      style: (style === "nftables" ? "modern" : style) as GenerateStyle,
      endpointsMax: whole(v["--endpoints-max"], "--endpoints-max"),
      seed: whole(v["--seed"], "--seed"),
      affinityShare: share(v["--affinity-share"], "--affinity-share"),
      nodePorts: whole(v["--nodeports"], "--nodeports"),
      emptyShare: share(v["--empty-share"], "--empty-share"),
      clusterCIDR: v["--cluster-cidr"],
      serviceCIDR: v["--service-cidr"],
      nodeIP: v["--node-ip"],
    };
    let cluster;
    try {
      cluster = generateCluster(options);
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(e.message.replace(/^(\w+):/, (m, name: string) => (FLAGS[name] ? `${FLAGS[name]}:` : m)));
      throw e;
    }
    const nodeOut = v["--node-out"];
    if (nodeOut !== undefined) {
      try {
        writeFileSync(nodeOut, JSON.stringify(cluster.node, null, 2) + "\n");
      } catch (e) {
        throw new InputError(`cannot write ${nodeOut}: ${fileProblem(e, "no such folder")}`);
      }
    }
    const text = style === "nftables" ? kubeProxyNftablesInput(generatedClusterSpec(cluster)) : cluster.text;
    // io.out adds the final newline.
    io.out(text.endsWith("\n") ? text.slice(0, -1) : text);
    return 0;
  },
};
