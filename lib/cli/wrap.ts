/** Breaking text into lines for the terminal: --help fits 80 columns, as the list of commands does. */

/** The width --help keeps to. */
export const HELP_WIDTH = 80;

/** Text broken at spaces into lines of at most width characters (a longer word is cut). */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = "";
    }
    let w = word;
    while (w.length > width) {
      if (line) {
        out.push(line);
        line = "";
      }
      out.push(w.slice(0, width));
      w = w.slice(width);
    }
    line = line ? `${line} ${w}` : w;
  }
  if (line || out.length === 0) out.push(line);
  return out;
}

/** Each line of text wrapped to width, its line breaks kept. */
export function fill(text: string, width = HELP_WIDTH): string {
  return text.split("\n").map((l) => wrap(l, width).join("\n")).join("\n");
}

/** The words of a usage line, a bracketed group such as `[--in IFACE | --local]` and an option with its value kept whole. */
function usageWords(usage: string): string[] {
  const words: string[] = [];
  let depth = 0, word = "";
  for (const ch of usage) {
    if (ch === " " && depth === 0) {
      if (word) words.push(word);
      word = "";
      continue;
    }
    if (ch === "[") depth++;
    else if (ch === "]") depth--;
    word += ch;
  }
  if (word) words.push(word);
  // An option stays on the line of its value: `--dst IP:PORT`.
  return words.reduce<string[]>((kept, w) => {
    const last = kept[kept.length - 1];
    if (last?.startsWith("--") && !/[\s\]]/.test(last) && !/^[-[]/.test(w)) kept[kept.length - 1] = `${last} ${w}`;
    else kept.push(w);
    return kept;
  }, []);
}

/**
 * `usage: PROGRAM COMMAND ARGS...` wrapped to width between its arguments, never inside a bracketed group;
 * continuation lines start under the command's first argument.
 */
export function usageText(usage: string, width = HELP_WIDTH): string {
  const words = usageWords(usage);
  const head = `usage: ${words.slice(0, 2).join(" ")} `;
  const indent = " ".repeat(head.length);
  const lines: string[] = [];
  let line = head;
  for (const word of words.slice(2)) {
    if (line.trim() !== head.trim() && line !== indent && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = line.endsWith(" ") ? `${line}${word}` : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join("\n").trimEnd();
}

/** text after a column of width indent: wrapped to the rest of the width, continuation lines indented to the column. */
export function hanging(text: string, indent: number, width = HELP_WIDTH): string {
  return wrap(text, Math.max(width - indent, 20)).join(`\n${" ".repeat(indent)}`);
}
