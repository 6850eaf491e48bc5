/** The bundled examples the explorer offers: which dump, which node, and where they live in the kit. */
import { LESSON_EXAMPLES } from "../lib/lessons/examples.js";

export interface ExampleInfo {
  id: string;
  title: string;
  /** The node description used with it (a key of NODES). */
  node: string;
  /** Paths in the kit, for the equivalent command line. */
  dumpPath: string;
}

export interface NodeInfo {
  id: string;
  title: string;
  path: string;
}

/** Every bundled dump, in the order the picker shows them. */
export const EXAMPLES: readonly ExampleInfo[] = [
  { id: "wordpress", title: "wordpress: the post's node k8s01 in 2018 (iptables 1.4.21)", node: LESSON_EXAMPLES["wordpress"], dumpPath: "data/wordpress/iptables-save.txt" },
  { id: "wordpress-today", title: "wordpress-today: the same Services as today's kube-proxy writes them", node: LESSON_EXAMPLES["wordpress-today"], dumpPath: "data/wordpress-today/iptables-save.txt" },
  { id: "wordpress-scaled", title: "wordpress-scaled: the 2018 node after wordpress scaled to 3 pods", node: LESSON_EXAMPLES["wordpress-scaled"], dumpPath: "data/wordpress-scaled/iptables-save.txt" },
  { id: "policies-today", title: "policies-today: traffic policies, source ranges, external IPs, Services without endpoints", node: LESSON_EXAMPLES["policies-today"], dumpPath: "data/policies-today/iptables-save.txt" },
  { id: "link-scope-today", title: "link-scope-today: pod links with only a link-scope address (which source MASQUERADE picks)", node: LESSON_EXAMPLES["link-scope-today"], dumpPath: "data/link-scope-today/iptables-save.txt" },
];

/** Every bundled node description. */
export const NODES: readonly NodeInfo[] = [
  { id: "wordpress", title: "k8s01 (2018: docker0, flannel.1)", path: "data/wordpress/node.json" },
  { id: "wordpress-today", title: "k8s01 today (cni0, flannel.1)", path: "data/wordpress-today/node.json" },
  { id: "policies-today", title: "k8s01 of policies-today", path: "data/policies-today/node.json" },
  { id: "link-scope-today", title: "node-a (eth0, cali1 with 169.254.1.1/32 scope link)", path: "data/link-scope-today/node.json" },
];

/** The example with this id, if any. */
export function findExample(id: string): ExampleInfo | undefined {
  return EXAMPLES.find((e) => e.id === id);
}

/** The bundled node with this id, if any. */
export function findNode(id: string): NodeInfo | undefined {
  return NODES.find((n) => n.id === id);
}
