/** A complete standalone HTML page around views: no script, no external file, UTF-8. */
import { escapeHtml } from "./escape.js";
import { VIEW_CSS } from "./style.js";
import { language } from "../i18n/language.js";

/** A whole HTML document holding the given views, for saving to a file or a static site; `lang` is the library's language. */
export function htmlPage(title: string, views: readonly string[]): string {
  return [
    "<!doctype html>",
    `<html lang="${language()}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>body{margin:16px auto;max-width:1240px;padding:0 12px;background:#fff;color:#1b1b1b}h1{font:600 20px system-ui,sans-serif}${VIEW_CSS}</style>`,
    `</head><body><h1>${escapeHtml(title)}</h1>`,
    ...views,
    "</body></html>",
    "",
  ].join("\n");
}
