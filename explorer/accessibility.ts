/**
 * Keyboard and reading helpers: a box that scrolls must be reachable with
 * the keyboard and named (axe's scrollable-region-focusable), Enter in the
 * address fields asks the question, and large type for a projector is
 * remembered between visits.
 */
import { $ } from "./dom.js";

/** Let the keyboard reach a box that scrolls (Tab stops on it, arrows scroll it), and name it (with a role, when it has none of its own) for screen readers. */
export function reachableByKeyboard(box: HTMLElement, name: string, role?: string): void {
  box.tabIndex = 0;
  if (role) box.setAttribute("role", role);
  box.setAttribute("aria-label", name);
}

/** Put HTML the library's views made into an element (they escape every text from the dump); each wide view becomes a named region. */
export function putViewHtml(target: HTMLElement, html: string): void {
  target.innerHTML = html;
  for (const view of target.querySelectorAll<HTMLElement>(".kil-view")) {
    reachableByKeyboard(view, view.querySelector(".kil-title")?.textContent || "a view of the trace", "region");
  }
}

/** putViewHtml into the element with this id. */
export function setViewHtml(id: string, html: string): void {
  putViewHtml($(id), html);
}

/** Run `action` when Enter is pressed in any of these fields (a typed address is asked without reaching for the button). */
export function onEnter(ids: readonly string[], action: () => void): void {
  for (const id of ids) {
    $(id).addEventListener("keydown", (e) => {
      if ((e as KeyboardEvent).key === "Enter") action();
    });
  }
}

/** The large-type switch: the page and the library's views grow (see explore.css), and the choice is kept for the next visit. */
export function wireLargeType(): void {
  const large = $<HTMLInputElement>("large-type");
  large.checked = localStorage.getItem("kil-large-type") === "1";
  document.documentElement.classList.toggle("large-type", large.checked);
  large.addEventListener("change", () => {
    document.documentElement.classList.toggle("large-type", large.checked);
    try {
      localStorage.setItem("kil-large-type", large.checked ? "1" : "0");
    } catch {
      // Storage can be off for pages opened from disk; the toggle still works for this visit.
    }
  });
}
