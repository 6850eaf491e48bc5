/**
 * The kernel lab's summaries in the current language. A verify run records
 * what the kernel did and what the simulator said as English sentences in
 * kernel-agreement.json (lib/lab/kernel-vs-simulator.ts and
 * lib/lab/scenarios.ts write them; the file format is English, as the command
 * line is). A lesson that shows a recorded file reads those sentences back
 * here, in the few forms the lab writes: a connection, a split, a sequence.
 * Addresses, ports, chain names, counts and fractions stay as they are; the
 * labels a scenario file gives its steps go through the phrasebook.
 */
import { hasPhrase, language, t } from "../i18n/language.js";

/** `ip:port`, or why nothing answered: the key the lab counts outcomes by. */
const KEY = String.raw`(?:\d{1,3}(?:\.\d{1,3}){3}:\d+|no answer \([^)]*\))`;

/** `text` cut at each `sep` outside parentheses and brackets. */
function splitOutside(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "(" || text[i] === "[") depth++;
    else if (text[i] === ")" || text[i] === "]") depth = Math.max(0, depth - 1);
    else if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i));
      start = i + sep.length;
    }
  }
  return [...parts, text.slice(start)];
}

/** An outcome key: an address as it is, or "no answer (timeout)" in the language. */
function keyText(key: string): string {
  const none = /^no answer \((.*)\)$/.exec(key);
  return none ? t("no answer ({})", t(none[1])) : key;
}

/** xt_recent lists as the lab writes them: `NAME [addr×hits, …], …`, or "all empty". */
function listsText(lists: string): string {
  return lists === "all empty" ? t(lists) : lists;
}

/** `KEY ×COUNT, …` (the kernel's split) or `KEY FRACTION, …` (the simulator's). */
function keyListText(text: string): string {
  return splitOutside(text, ", ").map((item) => {
    const m = new RegExp(`^(${KEY}) (\\S+)$`).exec(item);
    return m ? `${keyText(m[1])} ${m[2]}` : t(item);
  }).join(t(", "));
}

/** A step's label from the scenario file: through the phrasebook when it has words ("A again"), else as it is ("A ClusterIP"). */
function labelText(label: string): string {
  return /\b[a-z]{2,}\b/.test(label) ? t(label) : label;
}

/** One step of a sequence: `LABEL KEY (lists: …)` or `wait Ns`. */
function stepText(step: string): string | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^wait (\d+(?:\.\d+)?)s$/.exec(step))) return t("wait {} s", m[1]);
  if ((m = new RegExp(`^(.+) (${KEY})(?: \\(lists: (.*)\\))?$`).exec(step))) {
    const lists = m[3] === undefined ? "" : t(" (lists: {})", listsText(m[3]));
    return `${labelText(m[1])} ${keyText(m[2])}${lists}`;
  }
  return undefined;
}

/** One "; "-separated part of a summary. */
function partText(part: string): string {
  let m: RegExpExecArray | null;
  if (new RegExp(`^${KEY}$`).test(part)) return keyText(part);
  if ((m = /^(.*) \(dump copy with --seconds (\d+)\)$/.exec(part))) return `${partText(m[1])}${t(" (dump copy with --seconds {})", m[2])}`;
  if ((m = /^(\d+) connections, each from a clean node: (.*)$/.exec(part))) return t("{} connections, each from a clean node: {}", m[1], keyListText(m[2]));
  if ((m = /^(\d+) did not match any simulator outcome$/.exec(part))) return t("{} did not match any simulator outcome", m[1]);
  if ((m = /^(binomial|chi-square) test p = (\S+) \(fails below (\S+)\)$/.exec(part))) return t(`${m[1]} test p = {} (fails below {})`, m[2], m[3]);
  if ((m = /^xt_recent lists at the end: (.*)$/.exec(part))) return t("xt_recent lists at the end: {}", listsText(m[1]));
  if ((m = /^simulateConnections \(seed (\d+)\): (.*)$/.exec(part))) return t("simulateConnections (seed {}): {}", m[1], partText(m[2]));
  if ((m = /^following the kernel's path, every connection is one of the simulator's outcomes except (.+), with the same xt_recent lists after each$/.exec(part)))
    return t("following the kernel's path, every connection is one of the simulator's outcomes except {}, with the same xt_recent lists after each", labelText(m[1]));
  if (new RegExp(`^${KEY} \\S+(?:, ${KEY} \\S+)*$`).test(part)) return keyListText(part);
  if ((m = new RegExp(`^(.+) random among (\\d+) \\(drew (${KEY})\\)$`).exec(part))) return t("{} random among {} (drew {})", labelText(m[1]), m[2], keyText(m[3]));
  // A connection's summary has phrases of its own ("{} answered, saw {}"); the rest are sequence steps.
  return hasPhrase(language(), part) ? t(part) : stepText(part) ?? t(part);
}

/**
 * A kernel lab summary in the current language (unchanged in English): what the kernel did
 * ("10.253.25.4:80 answered, saw …; nat lines …", a split's counts, a sequence's steps) or what
 * the simulator said (outcomes joined by " | "), as the recorded agreement files
 * (data/NAME/kernel-agreement.json) hold them.
 */
export function labText(text: string): string {
  if (language() === "en" || text === "") return text;
  return text.split(" | ").map((outcome) => splitOutside(outcome, "; ").map(partText).join(t("; "))).join(" | ");
}
