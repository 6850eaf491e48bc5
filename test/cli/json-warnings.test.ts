// Every --json document that reads a dump carries the dump's own warnings (the parser's, a byte that
// is not UTF-8) in `dumpWarnings`, as parse --json carries them in `warnings`: what the text output
// prints on stderr, a program finds in the JSON; an empty list, never a missing key, when there are none.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../lib/cli/main.js";
import { formatDiagnostic } from "../../lib/parse/errors.js";
import type { Diagnostic } from "../../lib/model/dump.js";
import { repo } from "../parse/support.js";

const WORDPRESS = join(repo, "data/wordpress/iptables-save.txt");
const NODE = join(repo, "data/wordpress/node.json");
const dir = mkdtempSync(join(tmpdir(), "kil-json-warnings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The wordpress dump with a Latin-1 byte in its first comment and a rule in the pre-1.4.3 negation form: two warnings. */
function warnedDump(): string {
  const lines = readFileSync(WORDPRESS, "utf8").split("\n");
  lines.splice(lines.indexOf("COMMIT"), 0, "-A KIL-OLD -s ! 10.0.0.1 -j DROP");
  lines.splice(lines.indexOf(":KUBE-FIREWALL - [0:0]"), 0, ":KIL-OLD - [0:0]");
  const path = join(dir, "warned.save");
  writeFileSync(path, Buffer.concat([Buffer.from("# caf"), Buffer.from([0xe9]), Buffer.from(`\n${lines.join("\n")}`)]));
  return path;
}
const WARNED = warnedDump();
const connections = join(dir, "connections.json");
writeFileSync(connections, JSON.stringify([{ time: 0, src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }]));

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
for (const f of readdirSync(join(repo, "schemas"))) ajv.addSchema(JSON.parse(readFileSync(join(repo, "schemas", f), "utf8")));
const validatorOf = (name: string) => ajv.getSchema(`https://kube-iptables-lab.github.io/schemas/${name}.schema.json`)!;

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string[] }> {
  const out: string[] = [], err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, stdout: out.join("\n"), stderr: err };
}

/** Each command that reads a dump and has --json: its schema, and its arguments for a dump. */
const commands: [string, string, (dump: string) => string[]][] = [
  ["services", "services", (dump) => ["services", dump]],
  ["lint", "lint", (dump) => ["lint", dump]],
  ["diff", "diff", (dump) => ["diff", WORDPRESS, dump]],
  ["trace", "trace", (dump) => ["trace", dump, "--node", NODE, "-s", "172.16.1.100", "-d", "10.254.42.62:80"]],
  ["simulate", "simulation", (dump) => ["simulate", dump, "--node", NODE, "--connections", connections]],
];

describe("dumpWarnings in --json documents", () => {
  it.each(commands)("%s --json carries the warnings its text output prints, with their codes", async (_name, schema, argv) => {
    const text = await run(argv(WARNED));
    const r = await run([...argv(WARNED), "--json"]);
    const json = JSON.parse(r.stdout);
    const validate = validatorOf(schema);
    expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(json.dumpWarnings.map((w: Diagnostic) => `${w.line} ${w.code}`)).toEqual(["1 not-utf8", "33 old-negation-form"]);
    expect(json.dumpWarnings.map(formatDiagnostic)).toEqual(text.stderr);
    expect(r.stderr).toEqual(text.stderr);
  });

  it.each(commands)("%s --json gives an empty list when the dump has no warning", async (_name, schema, argv) => {
    const r = await run([...argv(WORDPRESS), "--json"]);
    expect(r.stderr).toEqual([]);
    const json = JSON.parse(r.stdout);
    expect(json.dumpWarnings).toEqual([]);
    const validate = validatorOf(schema);
    expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it("diff --json names each dump's warnings by their file, the old dump's first", async () => {
    const json = JSON.parse((await run(["diff", WARNED, WORDPRESS.replace("wordpress", "wordpress-today"), "--json"])).stdout);
    expect(json.dumpWarnings.map((w: Diagnostic) => `${w.file}:${w.line}`)).toEqual([`${WARNED}:1`, `${WARNED}:33`]);
  });
});

describe("trace --json's warnings", () => {
  /** The lines of the text report's Warnings: part (it ends at the first blank line), or [] when there is none. */
  function warningPart(report: string): string[] {
    const lines = report.split("\n");
    const at = lines.indexOf("Warnings:");
    if (at < 0) return [];
    const end = lines.indexOf("", at);
    return lines.slice(at + 1, end < 0 ? undefined : end).map((l) => l.trim());
  }

  it.each([
    ["a destination nothing owns", ["-s", "172.16.1.100", "-d", "10.254.9.9:80"], 1],
    ["a local source the node does not have", ["-s", "10.253.25.7", "-d", "10.254.42.62:80", "--local"], 1],
    ["nothing to warn about", ["-s", "172.16.1.100", "-d", "10.254.42.62:80"], 0],
  ] as const)("are the text's Warnings: part (%s)", async (_case, options, count) => {
    const argv = ["trace", WORDPRESS, "--node", NODE, ...options];
    const text = await run(argv);
    const json = JSON.parse((await run([...argv, "--json"])).stdout);
    expect(json.warnings).toEqual(warningPart(text.stdout));
    expect(json.warnings).toHaveLength(count);
  });
});
