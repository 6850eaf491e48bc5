// Writes DIR/kube-proxy-nftables.txt from DIR/cluster.json with kubeProxyNftablesInput: the same
// Services as DIR/kube-proxy-input.txt, as kube-proxy's nftables mode sends them to `nft -f` on
// its first sync (needs a build: npm run build).
// Usage: node scripts/kube-proxy-nftables.mjs data/wordpress-today
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kubeProxyNftablesInput } from "../dist/index.js";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/kube-proxy-nftables.mjs DIR (with DIR/cluster.json)");
  process.exit(2);
}
const file = join(dir, "cluster.json");
const spec = JSON.parse(readFileSync(file, "utf8"));
if (spec.format !== "kube-iptables-lab/kube-proxy-input@1") {
  console.error(`${file}: format: expected "kube-iptables-lab/kube-proxy-input@1"`);
  process.exit(1);
}
spec.header = [
  `The Services of ${file} as kube-proxy's nftables mode (Kubernetes 1.33 and later) programs them:`,
  "the transaction of its first sync, for `nft -f` into an empty network namespace. Written by",
  "kubeProxyNftablesInput (lib/generate/nftables.ts); make.sh loads it with nft and lists the table",
  "back (nft-list.txt).",
];
writeFileSync(join(dir, "kube-proxy-nftables.txt"), kubeProxyNftablesInput(spec));
console.error(`wrote ${join(dir, "kube-proxy-nftables.txt")}`);
