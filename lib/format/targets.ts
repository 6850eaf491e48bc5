/** Printers for targets, each producing exactly what iptables-save prints (with a leading space). */
import type { NatRange, Target } from "../model/targets.js";
import { hex } from "../math/hex.js";
import { saveString } from "../model/quote.js";

function range(r: NatRange): string {
  let s = "";
  if (r.minIp) s += r.maxIp && r.maxIp !== r.minIp ? `${r.minIp}-${r.maxIp}` : r.minIp;
  if (r.minPort !== undefined) s += r.maxPort !== undefined && r.maxPort !== r.minPort ? `:${r.minPort}-${r.maxPort}` : `:${r.minPort}`;
  return s;
}

function portRange(p: { min: number; max: number } | undefined): string {
  return p ? ` --to-ports ${p.min === p.max ? p.min : `${p.min}-${p.max}`}` : "";
}

const flag = (on: boolean, text: string) => (on ? ` ${text}` : "");

/** Print a target as iptables-save does, starting with a space. */
export function formatTarget(t: Target): string {
  switch (t.kind) {
    case "jump":
      return ` -${t.goto ? "g" : "j"} ${t.chain}`;
    case "ACCEPT": case "DROP": case "RETURN": case "QUEUE": case "TRACE":
      return ` -j ${t.kind}`;
    case "REJECT":
      return ` -j REJECT --reject-with ${t.rejectWith}`;
    case "MARK":
      return ` -j MARK --set-xmark ${hex(t.value)}/${hex(t.mask)}`;
    case "CONNMARK":
      if (t.mode === "set") return ` -j CONNMARK --set-xmark ${hex(t.value)}/${hex(t.mask)}`;
      return ` -j CONNMARK --${t.mode}-mark --nfmask ${hex(t.nfmask)} --ctmask ${hex(t.ctmask)}`;
    case "DNAT":
      return ` -j DNAT${t.ranges.map((r) => ` --to-destination ${range(r)}`).join("")}${flag(t.random, "--random")}${flag(t.persistent, "--persistent")}`;
    case "SNAT":
      return ` -j SNAT${t.ranges.map((r) => ` --to-source ${range(r)}`).join("")}${flag(t.random, "--random")}${flag(t.randomFully, "--random-fully")}${flag(t.persistent, "--persistent")}`;
    case "MASQUERADE":
      return ` -j MASQUERADE${portRange(t.ports)}${flag(t.random, "--random")}${flag(t.randomFully, "--random-fully")}`;
    case "REDIRECT":
      return ` -j REDIRECT${portRange(t.ports)}${flag(t.random, "--random")}`;
    case "LOG":
      return ` -j LOG${t.prefix !== undefined ? ` --log-prefix ${saveString(t.prefix)}` : ""}${t.level !== 4 ? ` --log-level ${t.level}` : ""}`
        + flag(t.tcpSequence, "--log-tcp-sequence") + flag(t.tcpOptions, "--log-tcp-options") + flag(t.ipOptions, "--log-ip-options")
        + flag(t.uid, "--log-uid") + flag(t.macDecode, "--log-macdecode");
    case "NFLOG":
      // Group 0 and threshold 0 are libxt_NFLOG's defaults and are not printed.
      return ` -j NFLOG${t.prefix !== undefined ? ` --nflog-prefix ${saveString(t.prefix)}` : ""}${t.group ? ` --nflog-group ${t.group}` : ""}`
        + (t.size !== undefined ? ` --nflog-size ${t.size}` : "") + (t.threshold ? ` --nflog-threshold ${t.threshold}` : "");
    case "CT":
      if (t.legacyName) return " -j NOTRACK";
      return ` -j CT${t.notrack ? " --notrack" : ""}${t.options.map((o) => ` ${o}`).join("")}`;
    case "unsupported":
      return ` ${t.text}`;
  }
}
