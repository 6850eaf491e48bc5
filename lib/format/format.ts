/**
 * Prints the rules model back as iptables-save text, from the typed fields
 * only (never from a rule's stored raw text). For a dump iptables-save wrote,
 * the result is byte-identical to the input; for other input it is what
 * iptables-save would print for the same rules.
 */
import { formatCidr, type Cidr } from "../model/address.js";
import type { Chain, Counters, Dump, Extra, IpHeaderMatch, Negatable, Rule } from "../model/dump.js";
import { formatMatch } from "../model/match-text.js";
import { formatTarget } from "./targets.js";

function counters(c: Counters | null): string {
  return c ? `[${c.packets}:${c.bytes}]` : "[0:0]";
}

function header<T>(flag: string, n: Negatable<T> | undefined, show: (v: T) => string): string {
  if (!n) return "";
  if (n.legacyNegation) return ` ${flag}${n.invert ? " !" : ""} ${show(n.value)}`;
  return `${n.invert ? " !" : ""} ${flag} ${show(n.value)}`;
}

/** iptables-save leaves out an address that matches everything (`0.0.0.0/0`), unless it is negated. */
function address(flag: string, n: Negatable<Cidr> | undefined): string {
  return n && (n.value.prefix !== 0 || n.invert) ? header(flag, n, formatCidr) : "";
}

/** `+` alone matches every interface: the kernel keeps an empty mask and iptables-save prints nothing, even for `! -i +`. */
function iface(flag: string, n: Negatable<string> | undefined): string {
  return n && n.value !== "+" ? header(flag, n, (s) => s) : "";
}

function ipHeader(ip: IpHeaderMatch): string {
  const id = (s: string) => s;
  let s = address("-s", ip.source) + address("-d", ip.destination);
  s += iface("-i", ip.inInterface) + iface("-o", ip.outInterface);
  if (ip.protocol && ip.protocol.value !== "all") s += header("-p", ip.protocol, id);
  if (ip.fragment) s += `${ip.fragment.invert ? " !" : ""} -f`;
  return s;
}

/** Print one rule line (without line ending). */
export function formatRule(rule: Rule): string {
  let s = rule.counters ? `[${rule.counters.packets}:${rule.counters.bytes}] ` : "";
  s += `-A ${rule.chain}${ipHeader(rule.ip)}`;
  for (const m of rule.matches) s += formatMatch(m);
  if (rule.target) s += formatTarget(rule.target);
  return s;
}

/** Print one chain declaration (without line ending). */
export function formatChainDeclaration(chain: Chain): string {
  // Only built-in chains have counters in the kernel; iptables-save prints [0:0] for every user chain.
  if (!chain.builtin) return `:${chain.name} - [0:0]`;
  return `:${chain.name} ${chain.policy ?? "ACCEPT"} ${counters(chain.counters)}`;
}

/** Print a whole dump. */
export function formatDump(dump: Dump): string {
  const out: string[] = [];
  const extras = (list: Extra[]) => {
    for (const e of list) out.push(e.text);
  };
  for (const table of dump.tables) {
    extras(table.leading);
    out.push(`*${table.name}`);
    for (const chain of table.chains) {
      if (chain.line === null && chain.rules.length === 0 && chain.leading.length === 0 && !chain.builtin) continue;
      extras(chain.leading);
      out.push(formatChainDeclaration(chain));
    }
    for (const chain of table.chains) {
      for (const rule of chain.rules) {
        extras(rule.leading);
        out.push(formatRule(rule));
      }
    }
    if (table.commit) {
      extras(table.commit.leading);
      out.push("COMMIT");
    }
  }
  extras(dump.trailer);
  if (out.length === 0) return "";
  return out.join(dump.eol) + (dump.finalNewline ? dump.eol : "");
}
