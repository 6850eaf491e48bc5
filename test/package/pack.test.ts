// The package as a user gets it: a clean copy of the sources is packed (its prepare step builds dist/), the tarball
// is installed in an empty folder from the npm cache (npm ci --offline), and its command runs on the bundled wordpress data.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repo } from "../parse/support.js";

const dir = mkdtempSync(join(tmpdir(), "kil-pack-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run a command, failing the test with its output when it fails. */
function sh(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 600_000, env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" } });
  expect(r.status, `${command} ${args.join(" ")}:\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/**
 * An application that depends on the tarball, with a lock file: its dependencies pinned as this repository's lock pins
 * them, so `npm ci --offline` installs them from the npm cache without asking the registry.
 */
function writeAppLock(app: string, tarball: string): void {
  const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
  const lock = JSON.parse(readFileSync(join(repo, "package-lock.json"), "utf8"));
  const manifest = { name: "app", version: "1.0.0", private: true, dependencies: { "kube-iptables-lab": tarball } };
  const packages: Record<string, unknown> = {
    "": { name: "app", version: "1.0.0", dependencies: manifest.dependencies },
    "node_modules/kube-iptables-lab": { version: pkg.version, resolved: tarball, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [path, entry] of Object.entries(lock.packages as Record<string, { dev?: boolean; link?: boolean }>))
    if (path.startsWith("node_modules/") && !entry.dev && !entry.link) packages[path] = entry;
  writeFileSync(join(app, "package.json"), JSON.stringify(manifest, null, 2));
  writeFileSync(join(app, "package-lock.json"), JSON.stringify({ name: "app", version: "1.0.0", lockfileVersion: 3, requires: true, packages }, null, 2));
}

describe("npm pack, then npm install of the tarball", () => {
  it("installs a working kube-iptables-lab command", () => {
    // What a git checkout holds (no dist/); node_modules shared, as npm would install the same devDependencies.
    const source = join(dir, "source");
    mkdirSync(source);
    for (const f of ["package.json", "package-lock.json", "README.md", "docs", "LICENSE", "tsconfig.json", "tsconfig.build.json", "lib", "data", "schemas", "scripts"]) cpSync(join(repo, f), join(source, f), { recursive: true });
    symlinkSync(join(repo, "node_modules"), join(source, "node_modules"));
    const packed = JSON.parse(sh("npm", ["pack", "--json", "--pack-destination", dir], source))[0];
    const files: string[] = packed.files.map((f: { path: string }) => f.path);
    expect(files).toContain("dist/cli/bin.js");
    expect(files).toContain("data/wordpress/iptables-save.txt");
    // README's links to the pages of docs/ resolve in the installed package too.
    expect(files).toContain("docs/command-line.md");
    expect(files.filter((f) => f.startsWith("dist/bench/") || f.startsWith("lib/"))).toEqual([]);

    const app = join(dir, "app");
    mkdirSync(app);
    cpSync(join(dir, packed.filename), join(app, packed.filename));
    writeAppLock(app, `file:${packed.filename}`);
    sh("npm", ["ci", "--offline"], app);
    const bin = join(app, "node_modules/.bin/kube-iptables-lab");
    expect(existsSync(bin)).toBe(true);
    const out = sh(bin, ["services", join(app, "node_modules/kube-iptables-lab/data/wordpress/iptables-save.txt")], app);
    expect(out).toMatch(/^SERVICE PORT +PROTO/);
    expect(out).toMatch(/\n14 service ports\n$/);
    expect(sh(bin, ["--version"], app)).toBe(`kube-iptables-lab ${packed.version}\n`);
  }, 900_000);
});
