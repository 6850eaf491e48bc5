// tslab compiles notebook cells with the TypeScript it bundles (5.0), not the
// project's. These tests compile the library and a notebook-style consumer of
// its built declarations with that very compiler (@tslab/typescript-for-tslab,
// found from tslab's own package), so the check always matches the kernel.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const fromTslab = createRequire(createRequire(path.join(root, "package.json")).resolve("tslab/package.json"));
const tslabTypeScript = path.dirname(fromTslab.resolve("@tslab/typescript-for-tslab/package.json"));
const tsc50 = path.join(tslabTypeScript, "bin", "tsc");
const tscProject = path.join(root, "node_modules", "typescript", "bin", "tsc");
const workDir = path.join(root, "test-output", "typescript50");

function tsc(compiler: string, args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [compiler, ...args], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() };
}

function libSources(): string[] {
  const dir = path.join(root, "lib");
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join("lib", f))
    .sort();
}

// The options of tsconfig.json that matter for type checking.
const projectOptions = [
  "--strict",
  "--target", "ES2022",
  "--lib", "ES2022",
  "--module", "NodeNext",
  "--moduleResolution", "NodeNext",
  "--types", "node",
  "--esModuleInterop",
  "--resolveJsonModule",
  "--skipLibCheck",
  "--pretty", "false",
];

describe("TypeScript 5.0 (the compiler tslab bundles)", () => {
  it("the compiler is tslab's own, of the 5.0 release line", () => {
    const tslab = JSON.parse(fs.readFileSync(fromTslab.resolve("./package.json"), "utf8"));
    const bundled = JSON.parse(fs.readFileSync(path.join(tslabTypeScript, "package.json"), "utf8"));
    expect(bundled.name).toBe("@tslab/typescript-for-tslab");
    expect(tslab.dependencies["@tslab/typescript-for-tslab"]).toBe(bundled.version);
    expect(bundled.version).toMatch(/^5\.0\./);
  });

  it("lib/ type-checks with TypeScript 5.0", () => {
    const files = libSources();
    expect(files.length, "lib/ has no .ts files").toBeGreaterThan(0);
    const r = tsc(tsc50, ["--noEmit", ...projectOptions, ...files]);
    expect(r.status, `TypeScript 5.0 errors in lib/:\n${r.output}`).toBe(0);
  }, 180_000);

  it("a notebook-style consumer of the built declarations type-checks with TypeScript 5.0", () => {
    // A fresh build with the project's compiler (as `npm run build` makes dist/),
    // laid out as an installed package next to a consumer, so this test neither
    // races with nor depends on the project's own dist/.
    fs.rmSync(workDir, { recursive: true, force: true });
    const pkg = path.join(workDir, "pkg");
    const build = tsc(tscProject, ["-p", "tsconfig.build.json", "--outDir", path.join(pkg, "dist"), "--pretty", "false"]);
    expect(build.status, `the build with the project's TypeScript failed:\n${build.output}`).toBe(0);
    expect(fs.existsSync(path.join(pkg, "dist", "index.d.ts")), "the build wrote no dist/index.d.ts").toBe(true);
    fs.copyFileSync(path.join(root, "package.json"), path.join(pkg, "package.json"));

    const consumer = path.join(workDir, "consumer");
    fs.mkdirSync(path.join(consumer, "node_modules"), { recursive: true });
    fs.symlinkSync(path.relative(path.join(consumer, "node_modules"), pkg), path.join(consumer, "node_modules", "kube-iptables-lab"));
    fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ type: "module", private: true }) + "\n");
    // What a notebook cell does: import the package by name and use its API.
    fs.writeFileSync(
      path.join(consumer, "consumer.ts"),
      [
        'import * as kil from "kube-iptables-lab";',
        'import { parseDump } from "kube-iptables-lab";',
        "",
        "export type PublicApi = typeof kil;",
        "export const exportedNames: string[] = Object.keys(kil);",
        'const result = parseDump("*filter\\n:INPUT ACCEPT [0:0]\\nCOMMIT\\n", { file: "inline" });',
        "export const tableNames: string[] = result.dump.tables.map((t) => t.name);",
        "export const problems: number = result.errors.length + result.warnings.length;",
        "",
      ].join("\n")
    );
    const typeRoots = ["--typeRoots", path.join(root, "node_modules", "@types")];

    // 1. As tslab compiles a cell: module ESNext, node10 resolution (through
    //    package.json "types"), skipLibCheck.
    const asTslab = tsc(
      tsc50,
      ["--noEmit", "--strict", "--target", "ES2022", "--lib", "ES2022", "--module", "ESNext", "--moduleResolution", "node10",
        "--esModuleInterop", "--skipLibCheck", "--types", "node", ...typeRoots, "--pretty", "false", "consumer.ts"],
      consumer
    );
    expect(asTslab.status, `TypeScript 5.0, compiled as tslab does:\n${asTslab.output}`).toBe(0);

    // 2. As a Node ESM package consumer (NodeNext, package.json "exports"),
    //    also checking the library's own .d.ts files (third-party ones are not
    //    this project's to fix, so only errors in the package and the consumer count).
    const asNode = tsc(
      tsc50,
      ["--noEmit", "--strict", "--target", "ES2022", "--lib", "ES2022", "--module", "NodeNext", "--moduleResolution", "NodeNext",
        "--esModuleInterop", "--types", "node", ...typeRoots, "--pretty", "false", "consumer.ts"],
      consumer
    );
    const ours = asNode.output
      .split("\n")
      .filter((line) => /error TS\d+/.test(line))
      .filter((line) => !/^[^(]*node_modules[\\/](?!kube-iptables-lab[\\/])/.test(line) || !/\(\d+,\d+\)/.test(line));
    expect(ours, `TypeScript 5.0, compiled as a NodeNext consumer:\n${asNode.output}`).toEqual([]);
  }, 180_000);
});
