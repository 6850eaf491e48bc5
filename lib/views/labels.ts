/**
 * Words shared by the views: what a chain means, a Service's short name,
 * and a statistic rule's probability as a rule gives it and as it works out.
 */
import type { KubeEndpoint, KubeService } from "../services/catalog.js";
import { ONE, formatFraction, formatPercent, fraction, subtract, type Fraction } from "../math/fraction.js";
import { t } from "../i18n/language.js";

/** `namespace/name` plus `:port` for a named port; the chain name when the dump had no comments. */
export function serviceLabel(s: KubeService): string {
  if (s.namespace === null || s.name === null) return s.id;
  return `${s.namespace}/${s.name}${s.portName ? `:${s.portName}` : ""}`;
}

const FIXED: Record<string, string> = {
  "KUBE-SERVICES": "service portals",
  "KUBE-NODEPORTS": "NodePorts (node addresses)",
  "KUBE-MARK-MASQ": "mark 0x4000: masquerade later",
  "KUBE-MARK-DROP": "mark 0x8000: drop later",
  "KUBE-POSTROUTING": "masquerade marked packets",
  "KUBE-FIREWALL": "drop packets marked 0x8000",
  "KUBE-FORWARD": "accept marked and tracked pod traffic",
};

/** What a chain stands for: `default/wordpress-01-svc` for its KUBE-SVC chain, `endpoint 10.253.25.4:80` for a KUBE-SEP chain (in the current language). */
export function chainMeaning(chain: string, services: readonly KubeService[] = []): string | null {
  if (FIXED[chain]) return t(FIXED[chain]);
  for (const s of services) {
    if (s.chain === chain) return serviceLabel(s);
    for (const e of s.endpoints) if (e.chain === chain) return t("endpoint {}", `${e.ip}:${e.port}`);
  }
  return null;
}

/** A printed statistic probability without trailing zeros: `0.50000000000` → `0.5`. */
export function compactProbability(printed: string): string {
  return /^\d+\.\d+$/.test(printed) ? printed.replace(/0+$/, "").replace(/\.$/, ".0") : printed;
}

/** The share a statistic rule gives to the connections that reach it (`1` for the rule that takes the rest). */
export function ruleFraction(ep: KubeEndpoint): Fraction {
  return ep.ruleProbability ? fraction(ep.ruleProbability.kernel, 0x80000000) : ONE;
}

/** The share of new connections that reach each endpoint's rule (the rest left by the rules before it). */
export function remainingBefore(endpoints: readonly KubeEndpoint[]): Fraction[] {
  const out: Fraction[] = [];
  let rest = ONE;
  for (const e of endpoints) {
    out.push(rest);
    rest = subtract(rest, e.probability);
  }
  return out;
}

/** `line 166: 0.5 of the rest = 33.333% overall`, `line 165: 0.33332999982 = 33.333%`, `line 167: the rest = 33.333%`. */
export function endpointRuleText(ep: KubeEndpoint, rest: Fraction): string {
  const overall = formatPercent(ep.probability);
  const p = ep.ruleProbability ? compactProbability(ep.ruleProbability.printed) : "";
  const what = !ep.ruleProbability
    ? rest.num === rest.den ? t("every connection = {}", overall) : t("the rest = {}", overall)
    : rest.num === rest.den ? `${p} = ${overall}` : t("{} of the rest = {} overall", p, overall);
  return ep.line !== null ? t("line {}: {}", ep.line, what) : what;
}

/** The long form for tooltips and tables: the printed value, the kernel's n/2^31, the rest reaching the rule, and the exact result. */
export function endpointRuleDetail(ep: KubeEndpoint, rest: Fraction): string {
  const parts: string[] = [];
  if (ep.ruleProbability) {
    parts.push(`--probability ${ep.ruleProbability.printed}: ${t("the kernel keeps {}", `${ep.ruleProbability.kernel}/2^31 = ${formatFraction(ruleFraction(ep))}`)}`);
  } else parts.push(t("no statistic match: takes every connection that reaches it"));
  parts.push(t("reached by {} of new connections", `${formatFraction(rest)} = ${formatPercent(rest)}`));
  parts.push(t("effective: {}", `${formatFraction(ep.probability)} = ${formatPercent(ep.probability)}`));
  return parts.join(t("; "));
}
