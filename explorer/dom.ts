/** Small DOM helpers the explorer's parts share: find an element by id, make elements and options with their text. */

/** The page's element with this id (every id the parts use is in explorer/page.html). */
export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** A new element with its text (set as text, never as HTML: it may come from a dump) and class. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

/** An option of a select list. */
export function option(value: string, text: string, selected = false): HTMLOptionElement {
  return new Option(text, value, selected, selected);
}
