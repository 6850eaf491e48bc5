// README's table of lessons against the lessons themselves: the same lessons in the same order, and the needs and minutes the site's
// index gives (notebooks/series.json, lessonMinutes), so the front door does not drift; and the links between README and docs/*.md.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readSeries } from "../../scripts/site/series.mjs";
import { root } from "../views/support.js";

/** The rows of README's lesson table: number, lesson, needs, minutes. */
function readmeLessons(): { number: string; name: string; needs: string; minutes: number }[] {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  return [...readme.matchAll(/^\| (\d\d) \| `([^`]+)` \| .* \| ([^|]+) \| (\d+) \|$/gm)].map((m) => ({
    number: m[1], name: m[2], needs: m[3].trim(), minutes: Number(m[4]),
  }));
}

describe("README's lessons", () => {
  it("lists every lesson in order, with what it needs and its minutes as the site's index does", () => {
    const series = readSeries(root) as { number: string; name: string; needs: string; minutes: number }[];
    expect(readmeLessons()).toEqual(series.map((l) => ({ number: l.number, name: l.name, needs: l.needs, minutes: l.minutes })));
  });

  it("points at files that exist in its class instructions", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const start = readme.indexOf("### Running a class with it");
    const section = readme.slice(start, readme.indexOf("\n#", start));
    const paths = [...section.matchAll(/`(?:[^`]* )?((?:notebooks|data|site)\/[^` ]+)`/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(2);
    for (const p of paths.filter((p) => !p.startsWith("site/"))) expect(fs.existsSync(path.join(root, p)), p).toBe(true);
  });
});

/** README and the pages of docs/, as paths from the repository's root. */
function pages(): string[] {
  return ["README.md", ...fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
}

/** A page's text without its code blocks and code spans, where a `#` or `](` is not Markdown. */
function prose(page: string): string {
  return fs.readFileSync(path.join(root, page), "utf8").replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "").replace(/`[^`\n]*`/g, "");
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens, a repeated one numbered. */
function anchorsOf(page: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, heading] of prose(page).matchAll(/^#{1,6} (.*)$/gm)) {
    const slug = heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").trim().replace(/\s/g, "-");
    let anchor = slug;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${slug}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** A page's relative links (not those with a scheme such as https:), as written. */
function relativeLinks(page: string): string[] {
  return [...prose(page).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((href) => !/^[a-z]+:/i.test(href));
}

/** Where a link from `page` goes: the file from the repository's root (the page itself when only an anchor) and the anchor. */
function target(page: string, href: string): { file: string; anchor: string | null } {
  const [file, anchor] = href.split("#", 2);
  return { file: file === "" ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURI(file))), anchor: anchor === undefined ? null : decodeURIComponent(anchor) };
}

describe("README and docs/", () => {
  it("link only to files that exist and to headings those files have, by the anchors GitHub gives them", () => {
    const broken: string[] = [];
    for (const page of pages())
      for (const href of relativeLinks(page)) {
        const { file, anchor } = target(page, href);
        if (file.startsWith("..") || !fs.existsSync(path.join(root, file))) broken.push(`${page}: ${href} (no file ${file})`);
        else if (anchor !== null && !(file.endsWith(".md") && anchorsOf(file).has(anchor))) broken.push(`${page}: ${href} (no heading #${anchor} in ${file})`);
      }
    expect(relativeLinks("README.md").length).toBeGreaterThan(5);
    expect(broken).toEqual([]);
  });

  it("README links to every page of docs/, and each page starts with its title and what it is for", () => {
    const linked = new Set(relativeLinks("README.md").map((href) => target("README.md", href).file));
    for (const page of pages().slice(1)) {
      expect(linked, page).toContain(page);
      expect(fs.readFileSync(path.join(root, page), "utf8"), page).toMatch(/^# [^\n]+\n\n[A-Z][^\n]*\n/);
    }
  });
});
