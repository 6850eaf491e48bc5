#!/usr/bin/env node
// Writes data/wordpress-scaled/iptables-save.txt: the 2018 wordpress dump as it
// would read after scaling wordpress-01-svc from 2 to 3 pods, the third pod
// (10.253.51.6:80) on this node. The wordpress chains are rewritten the way
// kube-proxy 2018 wrote them (endpoints sorted as text, probability 1/(n-i)
// with five decimals, printed back as the kernel keeps it, one affinity check
// and one KUBE-SEP chain per endpoint, chain names from kube-proxy's hash);
// everything else is the original dump. The result goes through the kit's own
// parser and printer, so the order of chains and rules is iptables-save's.
//
//   npm run build && node scripts/make-wordpress-scaled.mjs
import * as fs from "node:fs";
import { parseDump, formatDump, endpointChainName, formatProbability } from "../dist/index.js";

const id = "default/wordpress-01-svc:";
const svc = "KUBE-SVC-QYS3VDMSAZUOTSWJ";
const endpoints = ["10.253.25.4:80", "10.253.84.4:80", "10.253.51.6:80"].sort();
const text = fs.readFileSync(new URL("../data/wordpress/iptables-save.txt", import.meta.url), "utf8");
const comment = `-m comment --comment "${id}"`;
const sep = (ep) => endpointChainName(id, "tcp", ep);

const lines = text.split("\n").filter((l) => !l.startsWith(`-A ${svc} `) && !endpoints.some((ep) => l.startsWith(`-A ${sep(ep)} `)));
const at = lines.findIndex((l) => l.startsWith(`:${svc} `));
lines.splice(at, 0, `:${sep("10.253.51.6:80")} - [0:0]`);
const commit = lines.lastIndexOf("COMMIT");
const rules = [];
for (const ep of endpoints)
  rules.push(`-A ${svc} ${comment} -m recent --rcheck --seconds 10800 --reap --name ${sep(ep)} --mask 255.255.255.255 --rsource -j ${sep(ep)}`);
endpoints.forEach((ep, i) => {
  const n = endpoints.length - i;
  const p = n > 1 ? ` -m statistic --mode random --probability ${formatProbability(Math.round(Number((1 / n).toFixed(5)) * 2 ** 31))}` : "";
  rules.push(`-A ${svc} ${comment}${p} -j ${sep(ep)}`);
});
for (const ep of endpoints) {
  const ip = ep.split(":")[0];
  rules.push(`-A ${sep(ep)} -s ${ip}/32 ${comment} -j KUBE-MARK-MASQ`);
  rules.push(`-A ${sep(ep)} -p tcp ${comment} -m recent --set --name ${sep(ep)} --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination ${ep}`);
}
lines.splice(commit, 0, ...rules);
const result = parseDump(lines.join("\n"), { file: "wordpress-scaled" });
if (result.errors.length) throw new Error(result.errors.map((e) => `${e.line}: ${e.message}`).join("\n"));
const out = new URL("../data/wordpress-scaled/iptables-save.txt", import.meta.url);
fs.writeFileSync(out, formatDump(result.dump));
console.log(`wrote ${out.pathname}`);
