/**
 * The page in its own language: `document.documentElement.lang` chooses the
 * library's language (its views, in the worker too), and the page's fixed
 * text (explorer/page.html: headings, labels, buttons, notes, placeholders)
 * is put into it through the same phrasebook, text node by text node. Code
 * (`<code>`, `<pre>`) and what the page shows later stay as they are.
 */
import { isLanguage, language, setLanguage, t, type Language } from "../lib/i18n/language.js";

/** The attributes whose text a reader sees. */
const ATTRIBUTES = ["placeholder", "title", "aria-label"] as const;

/** Text a reader sees, with its surrounding white space kept: ` Open a file ` → ` 打开文件 `. */
function translated(text: string): string {
  const words = text.replace(/\s+/g, " ").trim();
  if (!/[A-Za-z]/.test(words)) return text;
  const phrase = t(words);
  if (phrase === words) return text;
  const lead = /^\s*/.exec(text)![0], trail = /\s*$/.exec(text)![0];
  return `${lead ? " " : ""}${phrase}${trail ? " " : ""}`;
}

/** Put an element's fixed text into the current language (text nodes outside code, and the visible attributes). */
export function translateElement(root: Element): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
    acceptNode: (node) => (node instanceof Element && ["CODE", "PRE", "SCRIPT", "STYLE", "TEXTAREA"].includes(node.tagName) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.nodeValue ?? "";
      const next = translated(text);
      if (next !== text) node.nodeValue = next;
    } else {
      for (const name of ATTRIBUTES) {
        const value = (node as Element).getAttribute(name);
        if (value) (node as Element).setAttribute(name, translated(value));
      }
    }
  }
}

/** Take the page's language from `<html lang>` and, for a language other than English, translate the page's fixed text; returns the language. */
export function followPageLanguage(): Language {
  const lang = document.documentElement.lang;
  if (isLanguage(lang)) setLanguage(lang);
  if (language() !== "en") {
    document.title = translated(document.title);
    translateElement(document.body);
  }
  return language();
}
