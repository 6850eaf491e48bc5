// openLesson: a lesson's one setup call finds the data through the package, from any working directory.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { dataPath, openLesson } from "../../lib/index.js";
import { root } from "../views/support.js";

describe("openLesson", () => {
  it("opens each bundled example with its node and Services", () => {
    const w = openLesson("wordpress");
    expect(w.dumpFile).toBe("data/wordpress/iptables-save.txt");
    expect(w.node.name).toBe("k8s01");
    expect(w.services.map((s) => s.id)).toContain("default/wordpress-01-svc:");
    expect(w.dumpText).toBe(fs.readFileSync(path.join(root, w.dumpFile), "utf8"));
    expect(openLesson("wordpress-scaled").nodeFile).toBe("data/wordpress/node.json");
    expect(openLesson("policies-today").services.length).toBeGreaterThan(0);
    expect(openLesson("wordpress", { node: "wordpress-today" }).node.interfaces.map((i) => i.name)).toContain("cni0");
    expect(dataPath("wordpress/node.json")).toBe(path.join(root, "data", "wordpress", "node.json"));
  });

  it("says which examples exist when asked for another", () => {
    expect(() => openLesson("nope")).toThrow("openLesson: no bundled example 'nope' (there are wordpress, wordpress-today, wordpress-scaled, policies-today, link-scope-today)");
  });

  it("works from the built package in any working directory", () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "kil-open-"));
    const script = `import { openLesson } from ${JSON.stringify(path.join(root, "dist", "index.js"))}; const l = openLesson(); console.log(l.node.name, l.services.length);`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: elsewhere, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toMatch(/^k8s01 \d+$/);
  });
});
