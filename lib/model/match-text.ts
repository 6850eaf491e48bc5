/**
 * Printers for match modules, each producing exactly what iptables-save prints (with a leading space).
 * They sit with the model because several stages render a match as iptables text: the dump printer
 * (lib/format), the trace engine's reasons and rule numbering (lib/trace).
 */
import type { Cidr } from "./address.js";
import type { Negatable } from "./dump.js";
import type { ConntrackMatch, Match, PortRange } from "./matches.js";
import { formatProbability } from "../math/probability.js";
import { hex } from "../math/hex.js";
import { protocolNumber } from "./protocols.js";
import { saveString } from "./quote.js";

const TCP_FLAGS: [string, number][] = [["FIN", 1], ["SYN", 2], ["RST", 4], ["PSH", 8], ["ACK", 16], ["URG", 32]];

function tcpFlags(bits: number): string {
  const names = TCP_FLAGS.filter(([, b]) => bits & b).map(([n]) => n);
  return names.length ? names.join(",") : "NONE";
}

function bang(invert: boolean): string {
  return invert ? " !" : "";
}

function ports(r: PortRange): string {
  return r.min === r.max ? `${r.min}` : `${r.min}:${r.max}`;
}

function portOpt(name: string, p: Negatable<PortRange> | undefined): string {
  return p ? `${bang(p.invert)} ${name} ${ports(p.value)}` : "";
}

/** libxt_tcp/libxt_udp skip a port range that covers every port (0:65535), even a negated one. */
function tcpUdpPort(name: string, p: Negatable<PortRange> | undefined): string {
  return p && (p.value.min !== 0 || p.value.max !== 65535) ? portOpt(name, p) : "";
}

/**
 * Conntrack prints addresses as given, without `/32`, unlike `-s`/`-d`; and
 * iptables 1.8.9 prints no mask at all when it is not a prefix
 * (`--ctorigsrc 10.0.0.0/255.0.255.0` comes back as `--ctorigsrc 10.0.0.0`).
 */
function ctAddr(name: string, c: Negatable<Cidr> | undefined): string {
  if (!c) return "";
  const prefix = c.value.prefix;
  return `${bang(c.invert)} ${name} ${c.value.address}${prefix === 32 || prefix === null ? "" : `/${prefix}`}`;
}

function conntrack(m: ConntrackMatch): string {
  let s = " -m conntrack";
  if (m.ctstate) s += `${bang(m.ctstate.invert)} --ctstate ${m.ctstate.value.join(",")}`;
  if (m.ctproto) s += `${bang(m.ctproto.invert)} --ctproto ${protocolNumber(m.ctproto.value)}`;
  s += ctAddr("--ctorigsrc", m.ctorigsrc) + ctAddr("--ctorigdst", m.ctorigdst);
  s += ctAddr("--ctreplsrc", m.ctreplsrc) + ctAddr("--ctrepldst", m.ctrepldst);
  s += portOpt("--ctorigsrcport", m.ctorigsrcport) + portOpt("--ctorigdstport", m.ctorigdstport);
  s += portOpt("--ctreplsrcport", m.ctreplsrcport) + portOpt("--ctrepldstport", m.ctrepldstport);
  if (m.ctstatus) s += `${bang(m.ctstatus.invert)} --ctstatus ${m.ctstatus.value.length ? m.ctstatus.value.join(",") : "NONE"}`;
  if (m.ctexpire) {
    const e = m.ctexpire.value;
    s += `${bang(m.ctexpire.invert)} --ctexpire ${e.min === e.max ? e.min : `${e.min}:${e.max}`}`;
  }
  if (m.ctdir) s += ` --ctdir ${m.ctdir}`;
  return s;
}

/** Print one match as iptables-save does, starting with a space. */
export function formatMatch(m: Match): string {
  switch (m.kind) {
    case "tcp": {
      let s = " -m tcp" + tcpUdpPort("--sport", m.sport) + tcpUdpPort("--dport", m.dport);
      if (m.option) s += `${bang(m.option.invert)} --tcp-option ${m.option.value}`;
      // An empty flag mask tests nothing, so libxt_tcp prints it only when negated.
      if (m.flags && (m.flags.value.mask !== 0 || m.flags.invert))
        s += `${bang(m.flags.invert)} --tcp-flags ${tcpFlags(m.flags.value.mask)} ${tcpFlags(m.flags.value.comp)}`;
      return s;
    }
    case "udp":
      return " -m udp" + tcpUdpPort("--sport", m.sport) + tcpUdpPort("--dport", m.dport);
    case "sctp": {
      let s = " -m sctp" + portOpt("--sport", m.sport) + portOpt("--dport", m.dport);
      if (m.chunkTypes) s += `${bang(m.chunkTypes.invert)} --chunk-types ${m.chunkTypes.value.join(" ")}`;
      return s;
    }
    case "multiport": {
      const opt = m.direction === "source" ? "--sports" : m.direction === "destination" ? "--dports" : "--ports";
      return ` -m multiport${bang(m.invert)} ${opt} ${m.ports.map(ports).join(",")}`;
    }
    case "comment":
      return ` -m comment --comment ${saveString(m.text)}`;
    case "mark":
      return ` -m mark${bang(m.invert)} --mark ${hex(m.value)}${m.mask === 0xffffffff ? "" : `/${hex(m.mask)}`}`;
    case "conntrack":
      return conntrack(m);
    case "state":
      return ` -m state${bang(m.states.invert)} --state ${m.states.value.join(",")}`;
    case "addrtype": {
      let s = " -m addrtype";
      if (m.srcType) s += `${bang(m.srcType.invert)} --src-type ${m.srcType.value.join(",")}`;
      if (m.dstType) s += `${bang(m.dstType.invert)} --dst-type ${m.dstType.value.join(",")}`;
      if (m.limitIfaceIn) s += " --limit-iface-in";
      if (m.limitIfaceOut) s += " --limit-iface-out";
      return s;
    }
    case "statistic":
      if (m.mode === "random") return ` -m statistic --mode random${bang(m.invert)} --probability ${formatProbability(m.probability.kernel)}`;
      return ` -m statistic --mode nth${bang(m.invert)} --every ${m.every} --packet ${m.packet}`;
    case "recent": {
      let s = ` -m recent${bang(m.invert)} --${m.command}`;
      if (m.seconds) s += ` --seconds ${m.seconds}`;
      if (m.reap) s += " --reap";
      if (m.hitcount) s += ` --hitcount ${m.hitcount}`;
      if (m.rttl) s += " --rttl";
      return `${s} --name ${m.name} --mask ${m.mask} ${m.side === "source" ? "--rsource" : "--rdest"}`;
    }
    case "physdev": {
      // libxt_physdev's order: is-in, in, is-out, out, is-bridged.
      let s = " -m physdev";
      if (m.isIn) s += `${bang(m.isIn.invert)} --physdev-is-in`;
      if (m.physdevIn) s += `${bang(m.physdevIn.invert)} --physdev-in ${m.physdevIn.value}`;
      if (m.isOut) s += `${bang(m.isOut.invert)} --physdev-is-out`;
      if (m.physdevOut) s += `${bang(m.physdevOut.invert)} --physdev-out ${m.physdevOut.value}`;
      if (m.isBridged) s += `${bang(m.isBridged.invert)} --physdev-is-bridged`;
      return s;
    }
    case "set":
      return ` -m set${bang(m.invert)} --match-set ${m.name} ${m.flags.join(",")}${m.options.map((o) => ` ${o}`).join("")}`;
    case "icmp": {
      const t = m.icmpType.value;
      return ` -m icmp${bang(m.icmpType.invert)} --icmp-type ${t.type === 255 ? "any" : t.code === null ? t.type : `${t.type}/${t.code}`}`;
    }
    case "socket":
      return ` -m socket${m.transparent ? " --transparent" : ""}${m.nowildcard ? " --nowildcard" : ""}${m.restoreSkmark ? " --restore-skmark" : ""}`;
    case "unsupported":
      return ` ${m.text}`;
  }
}
