// Files that are not iptables-save dumps, and dumps whose bytes are not plain UTF-8, on the command line:
// one located error and exit 1 for a file the kit does not read; a non-UTF-8 byte's warning in --json too.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../lib/cli/main.js";
import { repo, wordpress } from "../parse/support.js";

const dir = mkdtempSync(join(tmpdir(), "kil-foreign-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run main() with a capturing Io; stdout and stderr as the process would print them. */
async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [], err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  const text = (lines: string[]) => lines.map((l) => `${l}\n`).join("");
  return { code, stdout: text(out), stderr: text(err) };
}

/** Write a file for one test. */
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const SUPPORTED = "this kit reads IPv4 `iptables-save` (or `iptables-legacy-save` / `iptables-nft-save`) output";

describe("a file that is not an iptables-save dump: one located error, exit 1", () => {
  it("kube-proxy's nftables transaction (generate --style nftables prints one)", async () => {
    const path = join(repo, "data/wordpress-today/kube-proxy-nftables.txt");
    for (const command of ["services", "parse", "lint"]) {
      const r = await run(command, path);
      expect(r).toEqual({
        code: 1,
        stdout: "",
        stderr: `${path}:5:1: error: this is an nft transaction (nftables language, \`add table\` / \`add chain\` / \`add rule\` as \`nft -f\` reads them): ${SUPPORTED}; run \`iptables-save\` on the node instead (a node whose kube-proxy runs in nftables mode has no Service rules there: the kit models kube-proxy's iptables mode)\n1 error in ${path}\n`,
      });
    }
    const generated: string[] = [];
    expect(await main(["generate", "--services", "3", "--style", "nftables"], { out: (s) => generated.push(s), err: () => {} })).toBe(0);
    const fromGenerate = await run("services", file("generated.nft", `${generated.join("\n")}\n`));
    expect(fromGenerate.code).toBe(1);
    expect(fromGenerate.stderr).toMatch(/^[^\n]*:\d+:1: error: this is an nft transaction [^\n]*\n1 error in [^\n]*\n$/);
  });

  it("a byte-order mark before a dump: named, with how to remove it", async () => {
    const path = file("bom.save", `\uFEFF${wordpress}`);
    expect(await run("parse", path)).toEqual({
      code: 1,
      stdout: "",
      stderr: `${path}:1:1: error: the file starts with a byte-order mark (BOM, U+FEFF: the bytes EF BB BF), which iptables-restore reads as part of the first line and refuses: save the file as UTF-8 without a BOM (\`sed -i '1s/^\\xEF\\xBB\\xBF//' FILE\` removes it)\n1 error in ${path}\n`,
    });
    const json = JSON.parse((await run("parse", path, "--json")).stdout);
    expect(json.errors.map((e: { code: string }) => e.code)).toEqual(["byte-order-mark"]);
  });

  it("the node file given as the dump, and other files that are no dump at all", async () => {
    const node = join(repo, "data/wordpress/node.json");
    expect(await run("trace", node, "--node", node, "-s", "172.16.1.100", "-d", "10.254.42.62:80")).toEqual({
      code: 1,
      stdout: "",
      stderr: `${node}:1:1: error: this is JSON, not iptables-save output: a node file (kube-iptables-lab/node@1, the node's addresses and routes), which goes beside the dump as its node (--node), not in its place; ${SUPPORTED}\n1 error in ${node}\n`,
    });
    const cases: [string, string, string][] = [
      ["service.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n", "1:1: error: this looks like YAML, not iptables-save output"],
      ["page.html", "<!DOCTYPE html>\n<html><head><title>iptables-save.txt</title></head>\n<body><pre>*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n</pre></body></html>\n", "1:1: error: this is an HTML page, not iptables-save output"],
      ["list.json", JSON.stringify([{ a: 1 }, { b: 2 }], null, 2), "1:1: error: this is JSON, not iptables-save output"],
      ["notes.txt", "Rules of the node\n\nsee the wiki\n".repeat(30), "1:1: error: this is not iptables-save output: it has no *table line"],
    ];
    for (const [name, content, error] of cases) {
      const path = file(name, content);
      const r = await run("parse", path);
      expect(r.code, name).toBe(1);
      expect(r.stderr.split("\n"), name).toHaveLength(3);
      expect(r.stderr.startsWith(`${path}:${error}`), r.stderr).toBe(true);
      expect(r.stderr.endsWith(`\n1 error in ${path}\n`)).toBe(true);
    }
  });
});

describe("a byte that is not UTF-8 under --json", () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  for (const f of readdirSync(join(repo, "schemas"))) ajv.addSchema(JSON.parse(readFileSync(join(repo, "schemas", f), "utf8")));
  const validatorOf = (name: string) => ajv.getSchema(`https://kube-iptables-lab.github.io/schemas/${name}.schema.json`)!;
  const latin1 = (tail: string) => Buffer.concat([Buffer.from('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment "caf'), Buffer.from([0xe9]), Buffer.from(`" -j ACCEPT\n${tail}`)]);
  const warning = { line: 3, column: 35, severity: "warning", code: "not-utf8", message: "byte 0xe9 is not UTF-8 (1 such byte in the file): read as U+FFFD, so this text is not printed back byte for byte" };

  it("is in parse --json's warnings with its code, as the schema describes", async () => {
    const path = file("latin1.save", latin1("COMMIT\n"));
    const r = await run("parse", path, "--json");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.warnings).toEqual([{ file: path, ...warning }]);
    const validate = validatorOf("parse");
    expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(r.stderr).toBe(`${path}:3:35: warning: ${warning.message}\n`);
  });

  it("is in the diagnostics document of a dump with errors, in line order with the parser's warnings", async () => {
    const path = file("latin1-bad.save", latin1("-A INPUT -s ! 10.0.0.1 -j DROP\n-A NOPE -j ACCEPT\nCOMMIT\n"));
    const r = await run("services", path, "--json");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.warnings.map((w: { line: number; code: string }) => `${w.line} ${w.code}`)).toEqual(["3 not-utf8", "4 old-negation-form"]);
    expect(json.errors.map((e: { code: string }) => e.code)).toEqual(["undeclared-chain"]);
    const validate = validatorOf("diagnostics");
    expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });
});
