// The explorer's sources (explorer/*.ts: DOM and worker code beside the library) type-check:
// vite bundles them without checking types, so this is where a mistake shows.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../views/support.js";

describe("the explorer's TypeScript", () => {
  it("type-checks with the project's compiler (explorer/tsconfig.json)", () => {
    const r = spawnSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "explorer/tsconfig.json", "--pretty", "false"], { cwd: root, encoding: "utf8" });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  }, 120_000);
});
