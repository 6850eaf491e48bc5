/** The `kube-iptables-lab trace` command that asks the same question as the explorer, to copy into a terminal. */
import type { ConnectionRequest, NodeSource } from "./protocol.js";

/** Quote a word for a POSIX shell when it needs it. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command line, with the dump and node files named as given. */
export function commandLine(dumpName: string, nodeName: string, c: ConnectionRequest): string {
  const words = [
    "kube-iptables-lab", "trace", dumpName, "--node", nodeName,
    "--src", c.sport !== undefined ? `${c.src}:${c.sport}` : c.src,
    "--dst", `${c.dst}:${c.dport}`,
    ...(c.protocol !== "tcp" ? ["--proto", c.protocol] : []),
    ...(c.from === "local" ? ["--local"] : c.from ? ["--in", c.from.interface] : []),
    "--json",
  ];
  return words.map(shellWord).join(" ");
}

/** The `kube-iptables-lab node-context` command that writes `out` from the same `ip -j addr` and `ip -j route` files as the page was given. */
export function nodeContextCommand(source: Extract<NodeSource, { kind: "ip" }>, out: string): string {
  const words = [
    "kube-iptables-lab", "node-context", "--addr", source.addr.name, "--route", source.route.name, "--name", source.name || "node",
    ...(source.clusterCIDR ? ["--cluster-cidr", source.clusterCIDR] : []),
    ...(source.podCIDR ? ["--pod-cidr", source.podCIDR] : []),
    ...(source.serviceCIDR ? ["--service-cidr", source.serviceCIDR] : []),
  ];
  return `${words.map(shellWord).join(" ")} > ${shellWord(out)}`;
}
