/**
 * The texts the trace engine writes into steps and outcomes (actions, why a
 * condition failed, drop reasons, why MASQUERADE chose an address, warnings),
 * in the current language. The engine writes English; the views translate
 * at display time with the placeholder phrases of the phrasebook, so any
 * engine's English gets the same Chinese. Rule text, chain names, addresses
 * and interfaces inside the texts stay as they are. In English the text is
 * returned unchanged.
 */
import { hasPhrase, language, t } from "../i18n/language.js";

/** A rule condition quoted before its reason: `-d 10.0.0.1/32: destination is …`, `! -s …`, `--random-fully: …`. */
const CONDITION = /^((?:! )?-[^:]*?): (.+)$/s;
/** `line 12: …`, the form of uncertain reasons. */
const AT_LINE = /^line (\d+): (.+)$/s;
/** An SNAT or MASQUERADE action with its reason in parentheses. */
const SOURCE_NAT = /^(SNAT|MASQUERADE) (\S+ -> \S+) \((.+)\)$/s;
/** SNAT's reason is the rule's own option, which stays as the rule has it. */
const RULE_OPTION = /^--to-source \S*$/;
/** A negated recent match's reason. */
const NEGATED = /^(.+) \(negated\)$/s;

/**
 * `text` cut before each "; " that starts another rule condition or option: the engine joins a
 * matched rule's notes (`-m statistic …: …; -m recent …: …`) and MASQUERADE's port note
 * (`…; --random-fully: …`) so; a "; " inside a sentence stays.
 */
function splitNotes(text: string): string[] {
  return text.split(/; (?=(?:! )?-)/);
}

/** One engine text in the current language (unchanged in English). */
export function engineText(text: string): string {
  if (language() === "en" || text === "" || RULE_OPTION.test(text)) return text;
  const nat = SOURCE_NAT.exec(text);
  if (nat) return `${nat[1]} ${nat[2]}${t(" ({})", engineText(nat[3]))}`;
  const at = AT_LINE.exec(text);
  if (at) return t("line {}: {}", at[1], engineText(at[2]));
  const parts = splitNotes(text);
  if (parts.length > 1) return parts.map(engineText).join(t("; "));
  const condition = CONDITION.exec(text);
  if (condition) return `${condition[1]}${t(": ")}${engineText(condition[2])}`;
  const negated = NEGATED.exec(text);
  if (negated) return t("{} (negated)", engineText(negated[1]));
  return t(text);
}

/**
 * A parser diagnostic's message in the current language (unchanged in English): its own phrase
 * when the phrasebook has one (`-s given twice: …` is one sentence, not a condition and its
 * reason), else read as an engine text (`-j NOWHERE: no chain called …`).
 */
export function diagnosticMessage(text: string): string {
  if (language() === "en") return text;
  return hasPhrase(language(), text) ? t(text) : engineText(text);
}
