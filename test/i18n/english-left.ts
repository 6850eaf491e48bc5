// What the Chinese tests look for in a translated text: English wording left between the names,
// options and values the library keeps as they are (set aside first, inside their quotes).

/** The text with quoted parts blanked: `'…'` (when `single`), `"…"` and `` `…` ``. */
function outsideQuotes(zh: string, single: boolean): string {
  return zh.replace(single ? /'[^']*'|"[^"]*"|`[^`]*`/g : /"[^"]*"|`[^`]*`/g, " ");
}

/** Three English words in a row outside quotes: a fixed part left untranslated (names and options are single words). */
export function englishPhraseLeft(zh: string): string | undefined {
  return /[A-Za-z]{2,}(?:[ ,]+[a-z]{2,}){2,}/.exec(outsideQuotes(zh, true))?.[0];
}

/** Two English words in a row outside quotes ("a list", "one of"); `single` also sets aside '…' quotes. */
export function englishPairLeft(zh: string, single: boolean): string | undefined {
  return /\b[A-Za-z]+ [a-z]{2,}\b/.exec(outsideQuotes(zh, single))?.[0];
}
