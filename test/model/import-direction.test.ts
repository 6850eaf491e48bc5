// Imports point down the stages (dump text -> model -> services -> traces -> views): the model and
// the stages that use it render matches and hex numbers from lib/model and lib/math, never from the
// dump printer (lib/format), which is a user of the model like them.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const lib = fileURLToPath(new URL("../../lib/", import.meta.url));

/** Every .ts file under a folder of lib/. */
function sources(dir: string): string[] {
  return readdirSync(join(lib, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(lib, path)).isDirectory() ? sources(path) : name.endsWith(".ts") ? [path] : [];
  });
}

describe("import direction", () => {
  for (const stage of ["math", "model", "parse", "services", "node", "trace", "views", "lint"]) {
    it(`lib/${stage} imports nothing from lib/format`, () => {
      const files = sources(stage);
      expect(files.length).toBeGreaterThan(0);
      const upward = files.filter((f) => /from "(?:\.\.\/)+format\//.test(readFileSync(join(lib, f), "utf8")));
      expect(upward).toEqual([]);
    });
  }
});
