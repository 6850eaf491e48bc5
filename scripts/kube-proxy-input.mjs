// Writes DIR/kube-proxy-input.txt from DIR/cluster.json with kubeProxyRestoreInput (needs a build: npm run build).
// Usage: node scripts/kube-proxy-input.mjs data/wordpress-today
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kubeProxyRestoreInput } from "../dist/index.js";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/kube-proxy-input.mjs DIR (with DIR/cluster.json)");
  process.exit(2);
}
const spec = JSON.parse(readFileSync(join(dir, "cluster.json"), "utf8"));
if (spec.format !== "kube-iptables-lab/kube-proxy-input@1") {
  console.error(`${join(dir, "cluster.json")}: format: expected "kube-iptables-lab/kube-proxy-input@1"`);
  process.exit(1);
}
writeFileSync(join(dir, "kube-proxy-input.txt"), kubeProxyRestoreInput(spec));
console.error(`wrote ${join(dir, "kube-proxy-input.txt")}`);
