// README's links to its own sections, and its table of lessons against the lessons themselves: the same lessons in the same order, and the
// needs and minutes the site's index gives (notebooks/series.json, lessonMinutes), so the front door does not drift.
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

  it("links only to its own headings, by the anchors GitHub gives them", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const slug = (heading: string) => heading.toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, "").trim().replace(/\s/g, "-");
    const anchors = new Set([...readme.matchAll(/^#+ (.*)$/gm)].map((m) => slug(m[1])));
    const links = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((a) => !anchors.has(a))).toEqual([]);
  });

  it("points at files that exist in its class instructions", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### Running a class with it"), readme.indexOf("## Credits"));
    const paths = [...section.matchAll(/`(?:[^`]* )?((?:notebooks|data|site)\/[^` ]+)`/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(2);
    for (const p of paths.filter((p) => !p.startsWith("site/"))) expect(fs.existsSync(path.join(root, p)), p).toBe(true);
  });
});
