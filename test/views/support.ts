// Inputs shared by the view tests: the wordpress example, and a small dump whose comments and chain names try to break out of HTML.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadNodeContext, parseDump, services, type Dump } from "../../lib/index.js";

export const root = fileURLToPath(new URL("../../", import.meta.url));

function parse(text: string, file: string): Dump {
  const r = parseDump(text, { file });
  if (r.errors.length) throw new Error(`${file}: ${r.errors[0].message}`);
  return r.dump;
}

export const dump = parse(readFileSync(`${root}data/wordpress/iptables-save.txt`, "utf8"), "iptables-save.txt");
export const node = loadNodeContext(JSON.parse(readFileSync(`${root}data/wordpress/node.json`, "utf8")));
export const catalog = services(dump);
export const wordpress = catalog.find((s) => s.id === "default/wordpress-01-svc:")!;
export const heketi = catalog.find((s) => s.id === "default/heketi-storage-endpoints:")!;

/** The comment the issue asks for, plus a script that would set window.__pwned if it ever ran. */
export const HOSTILE = `</table><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> & "quoted" 'single' 中文注释`;
/** A comment that kube-proxy's `ns/name:port` reading accepts, so the hostile text becomes the Service's name. */
export const HOSTILE_NAME = `ns<b>/svc</table><script>window.__pwned=3</script>&"q"中文:p<i>`;
/** Long enough to be shortened in labels (the kernel keeps at most 255 bytes). */
export const LONG = `${"very-long-comment-".repeat(10)}中文结尾`;
/** A chain name with markup characters (iptables allows them; quotes would not survive iptables-restore). */
export const HOSTILE_CHAIN = `KUBE-SVC-<b>&X</b>`;

const q = (s: string) => `"${s.replace(/["\\']/g, (c) => `\\${c}`)}"`;

export const hostileText = [
  "*nat",
  ":PREROUTING ACCEPT [0:0]",
  ":INPUT ACCEPT [0:0]",
  ":OUTPUT ACCEPT [0:0]",
  ":POSTROUTING ACCEPT [0:0]",
  ":KUBE-MARK-MASQ - [0:0]",
  ":KUBE-POSTROUTING - [0:0]",
  ":KUBE-SEP-AAAAAAAAAAAAAAAA - [0:0]",
  ":KUBE-SEP-BBBBBBBBBBBBBBBB - [0:0]",
  ":KUBE-SERVICES - [0:0]",
  `:${HOSTILE_CHAIN} - [0:0]`,
  `-A PREROUTING -m comment --comment ${q(HOSTILE)} -j KUBE-SERVICES`,
  `-A OUTPUT -m comment --comment ${q(HOSTILE)} -j KUBE-SERVICES`,
  "-A POSTROUTING -j KUBE-POSTROUTING",
  "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000",
  `-A KUBE-POSTROUTING -m comment --comment ${q(HOSTILE)} -m mark --mark 0x4000/0x4000 -j MASQUERADE`,
  `-A KUBE-SEP-AAAAAAAAAAAAAAAA -p tcp -m comment --comment ${q(HOSTILE_NAME)} -m tcp -j DNAT --to-destination 10.1.0.2:8080`,
  `-A KUBE-SEP-BBBBBBBBBBBBBBBB -p tcp -m comment --comment ${q(LONG)} -m tcp -j DNAT --to-destination 10.1.0.3:8080`,
  `-A KUBE-SERVICES ! -s 10.1.0.0/16 -d 10.96.0.10/32 -p tcp -m comment --comment ${q(HOSTILE_NAME)} -m tcp --dport 80 -j KUBE-MARK-MASQ`,
  `-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment ${q(HOSTILE_NAME)} -m tcp --dport 80 -j ${HOSTILE_CHAIN}`,
  `-A ${HOSTILE_CHAIN} -m comment --comment ${q(HOSTILE_NAME)} -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-AAAAAAAAAAAAAAAA`,
  `-A ${HOSTILE_CHAIN} -m comment --comment ${q(LONG)} -j KUBE-SEP-BBBBBBBBBBBBBBBB`,
  "COMMIT",
  "",
].join("\n");

export const hostileDump = parse(hostileText, "hostile.txt");
export const hostileNode = loadNodeContext({
  interfaces: [
    { name: "lo", addresses: ["127.0.0.1/8"] },
    { name: "eth0", addresses: ["192.168.1.10/24"] },
    { name: "cni0", addresses: ["10.1.0.1/24"] },
  ],
  routes: [
    { dst: "default", via: "192.168.1.1", dev: "eth0" },
    { dst: "10.1.0.0/24", dev: "cni0" },
    { dst: "192.168.1.0/24", dev: "eth0" },
  ],
});
export const hostileServices = services(hostileDump);
