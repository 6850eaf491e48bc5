// The JSON Schemas shipped in schemas/: the validators compiled from them are
// current, every bundled data file follows its schema and points editors at it.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shapeProblems, type SchemaName } from "../../lib/json/shape.js";
import { repo } from "../parse/support.js";

const readJson = (path: string) => JSON.parse(readFileSync(join(repo, path), "utf8"));

describe("schemas/", () => {
  it("lib/json/validators.generated.ts is what scripts/build-schemas.mjs makes of schemas/", () => {
    const r = spawnSync(process.execPath, ["scripts/build-schemas.mjs", "--check"], { cwd: repo, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
  });

  it("the validators evaluate no code when they run (the explorer's policy forbids it)", () => {
    const code = readFileSync(join(repo, "lib/json/validators.generated.ts"), "utf8");
    expect(code).not.toMatch(/\bnew Function\b|\beval\(|\brequire\(/);
  });

  it("ship with the package", () => {
    expect(readJson("package.json").files).toContain("schemas");
  });

  const bundled: [string, SchemaName, string][] = [];
  for (const dir of readdirSync(join(repo, "data"))) {
    for (const [file, schema] of [["node.json", "node"], ["scenarios.json", "scenarios"]] as const) {
      if (readdirSync(join(repo, "data", dir)).includes(file)) bundled.push([`data/${dir}/${file}`, schema, `../../schemas/${schema}.schema.json`]);
    }
  }

  it.each(bundled)("%s follows its schema and names it in $schema", (path, schema, ref) => {
    const value = readJson(path);
    expect(value.$schema).toBe(ref);
    expect(readdirSync(join(repo, "schemas"))).toContain(ref.split("/").pop());
    expect(shapeProblems(schema, value)).toEqual([]);
  });

  it("data/bring-your-own holds what ip -j prints, as the schemas for it allow", () => {
    expect(shapeProblems("ipAddr", readJson("data/bring-your-own/ip-addr.json"))).toEqual([]);
    expect(shapeProblems("ipRoute", readJson("data/bring-your-own/ip-route.json"))).toEqual([]);
  });
});
