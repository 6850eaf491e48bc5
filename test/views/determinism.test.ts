// The same input gives byte-identical SVG: in one process, whatever was drawn before, and in a fresh process.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { nodeSankey, serviceSplitSankey, traceConnection, traceSankey } from "../../lib/index.js";
import { catalog, dump, heketi, node, root, wordpress } from "./support.js";

const draw = () => serviceSplitSankey(wordpress, { dump });

describe("deterministic output", () => {
  it("draws the same bytes twice in one process, with other charts drawn in between", () => {
    const first = draw();
    nodeSankey(catalog);
    serviceSplitSankey(heketi, { dump });
    traceSankey(traceConnection(dump, node, { src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }), { services: catalog });
    expect(draw()).toBe(first);
  });

  it("names every id after the chart: the caller's id, or one derived from the content", () => {
    const html = serviceSplitSankey(wordpress, { dump, id: "wp" });
    expect(html).not.toMatch(/plot-clip-\d|plot-[0-9a-f]{6}/);
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id.startsWith("wp-"))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const auto = draw();
    const autoIds = [...auto.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(autoIds.every((id) => /^kil-sankey-[0-9a-f]{8}-/.test(id))).toBe(true);
    // Different content, different ids: two charts on one page do not share clip paths or patterns.
    const other = serviceSplitSankey(heketi, { dump });
    const otherIds = [...other.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(otherIds.some((id) => autoIds.includes(id))).toBe(false);
    // An id that is not a valid name is hashed, not pasted.
    expect(serviceSplitSankey(wordpress, { dump, id: `"><script>` })).not.toContain("<script>");
  });

  it("draws the same bytes in a fresh Node process", () => {
    // Compile the views and what they import (not the whole library; types are checked elsewhere) and draw in two new processes.
    const out = path.join(root, "test-output", "views-determinism");
    fs.rmSync(out, { recursive: true, force: true });
    const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
    const build = spawnSync(process.execPath, [
      tsc, "--outDir", out, "--rootDir", path.join(root, "lib"), "--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022",
      "--lib", "ES2022", "--types", "node", "--strict", "--skipLibCheck", "--esModuleInterop", "--noCheck", "--pretty", "false",
      path.join(root, "lib", "views", "service-split.ts"), path.join(root, "lib", "parse", "parser.ts"), path.join(root, "lib", "services", "catalog.ts"),
    ], { cwd: root, encoding: "utf8" });
    expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);
    const script = path.join(out, "draw.mjs");
    fs.writeFileSync(script, [
      'import { readFileSync } from "node:fs";',
      'import { parseDump } from "./parse/parser.js";',
      'import { services } from "./services/catalog.js";',
      'import { serviceSplitSankey } from "./views/service-split.js";',
      `const dump = parseDump(readFileSync(${JSON.stringify(path.join(root, "data", "wordpress", "iptables-save.txt"))}, "utf8"), { file: "iptables-save.txt" }).dump;`,
      'const s = services(dump);',
      'const wp = s.find((x) => x.id === "default/wordpress-01-svc:");',
      'if (process.argv[2] === "after-others") for (const x of s) serviceSplitSankey(x, { dump });',
      'process.stdout.write(serviceSplitSankey(wp, { dump }));',
    ].join("\n"));
    const run = (arg: string) => spawnSync(process.execPath, [script, arg], { encoding: "utf8", maxBuffer: 32 * 1024 * 1024 });
    const a = run("alone"), b = run("after-others");
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    expect(a.stdout.length).toBeGreaterThan(1000);
    expect(b.stdout).toBe(a.stdout);
    expect(a.stdout).toBe(draw());
  }, 120_000);
});
