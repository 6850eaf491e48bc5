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

// The outputs: every --json document carries a format tag with a version, and its schema describes it.
import Ajv2020 from "ajv/dist/2020.js";
import { main } from "../../lib/cli/main.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
for (const f of readdirSync(join(repo, "schemas"))) ajv.addSchema(readJson(`schemas/${f}`));
const validatorOf = (name: string) => ajv.getSchema(`https://kube-iptables-lab.github.io/schemas/${name}.schema.json`)!;

async function jsonOf(...argv: string[]) {
  const out: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: () => {} });
  return { code, json: JSON.parse(out.join("\n")) };
}

const WP = join(repo, "data/wordpress/iptables-save.txt");
const TODAY = join(repo, "data/wordpress-today/iptables-save.txt");
const NODE_FILE = join(repo, "data/wordpress/node.json");
const dir = mkdtempSync(join(tmpdir(), "kil-out-"));
const connections = join(dir, "connections.json");
writeFileSync(connections, JSON.stringify([
  { time: 0, src: "172.16.1.100", dst: "10.254.42.62", dport: 80 },
  { time: 5, src: "172.16.1.100", dst: "10.254.42.62", dport: 80, label: "again" },
]));
const broken = join(dir, "broken.save");
writeFileSync(broken, "*filter\n-A NOPE -j ACCEPT\n");

describe("JSON outputs", () => {
  const outputs: [string, string, string[]][] = [
    ["parse", "kube-iptables-lab/parse@1", ["parse", WP, "--json"]],
    ["services", "kube-iptables-lab/services@2", ["services", WP, "--json"]],
    ["lint", "kube-iptables-lab/lint@2", ["lint", WP, "--json"]],
    ["diff", "kube-iptables-lab/diff@2", ["diff", WP, TODAY, "--json"]],
    ["trace", "kube-iptables-lab/trace@2", ["trace", WP, "--node", NODE_FILE, "-s", "172.16.1.100", "-d", "10.254.42.62:80", "--json"]],
    ["simulation", "kube-iptables-lab/simulation@2", ["simulate", WP, "--node", NODE_FILE, "--connections", connections, "--json"]],
    ["node", "kube-iptables-lab/node@1", ["node-context", "--addr", join(repo, "data/bring-your-own/ip-addr.json"), "--route", join(repo, "data/bring-your-own/ip-route.json")]],
    ["diagnostics", "kube-iptables-lab/diagnostics@1", ["parse", broken, "--json"]],
    ["diagnostics", "kube-iptables-lab/diagnostics@1", ["trace", broken, "--node", NODE_FILE, "-s", "1.2.3.4", "-d", "10.254.42.62:80", "--json"]],
  ];
  it.each(outputs)("%s: tagged %s and described by its schema (%j)", async (schema, format, argv) => {
    const { json } = await jsonOf(...argv);
    expect(json.format).toBe(format);
    const validate = validatorOf(schema);
    expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it("a dump's errors under --json carry their codes", async () => {
    const { code, json } = await jsonOf("parse", broken, "--json");
    expect(code).toBe(1);
    expect(json.errors.map((e: { code: string }) => e.code)).toEqual(["missing-commit", "undeclared-chain"]);
  });

  it.each(readdirSync(join(repo, "data")).filter((d) => readdirSync(join(repo, "data", d)).includes("kernel-agreement.json")))(
    "data/%s/kernel-agreement.json (verify's report) is described by its schema",
    (d) => {
      const validate = validatorOf("kernel-agreement");
      expect(validate(readJson(`data/${d}/kernel-agreement.json`)), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    },
  );
});

describe("docs/file-formats.md", () => {
  const section = readFileSync(join(repo, "docs/file-formats.md"), "utf8");
  const examples = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]));

  it("shows a node description, a connections list and a scenario file, each valid by its schema", () => {
    expect(examples).toHaveLength(3);
    const [node, connections, scenarios] = examples;
    expect(shapeProblems("node", node)).toEqual([]);
    expect(shapeProblems("connections", connections)).toEqual([]);
    expect(shapeProblems("scenarios", scenarios)).toEqual([]);
  });

  it("quotes the error the kit gives for a port out of range", () => {
    const scenarios = { format: "kube-iptables-lab/scenarios@1", scenarios: [0, 1, 2].map((i) => ({ id: `s${i}`, question: "q", connect: { src: "1.2.3.4", dst: "5.6.7.8", dport: i === 2 ? 70000 : 80 } })) };
    const [problem] = shapeProblems("scenarios", scenarios);
    expect(section.replace(/\n/g, " ")).toContain(`error: scenarios[2].connect.dport: ${problem.message}`);
  });
});
