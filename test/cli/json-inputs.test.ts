// Every command that reads a JSON file, fed what an attacker or a careless user
// would give it: null, lists of null, wrong types, huge numbers, deep nesting,
// unknown keys. Each must end with status 1 and located compiler-style errors,
// never a stack trace or a TypeError.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../lib/cli/main.js";
import { repo } from "../parse/support.js";

const WORDPRESS = join(repo, "data/wordpress/iptables-save.txt");
const NODE = join(repo, "data/wordpress/node.json");
const SCENARIOS = join(repo, "data/wordpress/scenarios.json");
const ADDR = join(repo, "data/bring-your-own/ip-addr.json");
const ROUTE = join(repo, "data/bring-your-own/ip-route.json");
const work = mkdtempSync(join(tmpdir(), "kil-json-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const node = JSON.parse(readFileSync(NODE, "utf8"));
const scenarios = JSON.parse(readFileSync(SCENARIOS, "utf8"));
const addr = JSON.parse(readFileSync(ADDR, "utf8"));
const connection = { time: 0, src: "172.16.1.100", dst: "10.254.42.62", dport: 80 };

/** Values that break a loader that only casts. */
const HOSTILE: [string, string][] = [
  ["null", "null"],
  ["a list of null", "[null, null]"],
  ["a string", '"node"'],
  ["a number", "42"],
  ["an empty object", "{}"],
  ["a huge number", "1e400"],
  ["a deeply nested list", "[".repeat(100_000) + "]".repeat(100_000)],
  ["a deeply nested object", '{"a":'.repeat(50_000) + "1" + "}".repeat(50_000)],
  ["not JSON", "{ interfaces: [] }"],
  ["an empty file", ""],
];

/** Whole files whose shape is right at the top but wrong inside. */
const INSIDE: Record<string, [string, unknown][]> = {
  node: [
    ["null peers", { ...node, peers: [null] }],
    ["a null address", { ...node, interfaces: [{ name: "eth0", addresses: [null] }] }],
    ["a numeric interface name", { ...node, interfaces: [{ name: 7, addresses: [] }] }],
    ["a huge recentListSize", { ...node, recentListSize: "1e999" }],
    ["a route of null", { ...node, routes: [null] }],
    ["a misspelt key", { ...node, serviceCidr: "10.254.0.0/16" }],
    ["a route through no interface", { ...node, routes: [{ dst: "default", via: "172.16.1.1", dev: "eth9" }] }],
  ],
  connections: [
    ["a null connection", [connection, null]],
    ["a port too large", [{ ...connection, dport: 1e300 }]],
    ["a string time", [{ ...connection, time: "0" }]],
    ["from as a number", [{ ...connection, from: 3 }]],
    ["an unknown key", [{ ...connection, colour: "red" }]],
  ],
  scenarios: [
    ["a null scenario", { ...scenarios, scenarios: [null] }],
    ["a null connect", { ...scenarios, scenarios: [{ id: "a", question: "q", connect: null }] }],
    ["null steps", { ...scenarios, scenarios: [{ id: "a", question: "q", kind: "sequence", steps: [null] }] }],
    ["a huge split", { ...scenarios, scenarios: [{ id: "a", question: "q", kind: "split", connect: connection, connections: 1e308 }] }],
  ],
  addr: [
    ["an interface without a name", [{ addr_info: [] }]],
    ["null addresses", [{ ifname: "eth0", addr_info: [null] }]],
    ["a prefix length as a string", [{ ifname: "eth0", addr_info: [{ family: "inet", local: "10.0.0.1", prefixlen: "24" }] }]],
    ["an IPv6 address as inet", [{ ifname: "eth0", addr_info: [{ family: "inet", local: "fe80::1", prefixlen: 64 }] }]],
  ],
  route: [
    ["a route of null", [null]],
    ["a numeric dst", [{ dst: 0 }]],
  ],
};

/** The command line that reads `file` in the role `role`, every other input a good one. */
function commandsReading(role: string, file: string): string[][] {
  switch (role) {
    case "node":
      return [
        ["trace", WORDPRESS, "--node", file, "-s", "172.16.1.100", "-d", "10.254.42.62:80"],
        ["simulate", WORDPRESS, "--node", file, "--connections", writeInput("good-connections.json", JSON.stringify([connection]))],
        ["verify", WORDPRESS, "--node", file, "--scenarios", SCENARIOS],
      ];
    case "connections":
      return [["simulate", WORDPRESS, "--node", NODE, "--connections", file]];
    case "scenarios":
      return [["verify", WORDPRESS, "--node", NODE, "--scenarios", file]];
    case "addr":
      return [["node-context", "--addr", file, "--route", ROUTE]];
    default:
      return [["node-context", "--addr", ADDR, "--route", file]];
  }
}

let counter = 0;
function writeInput(name: string, text: string): string {
  const path = join(work, `${counter++}-${name}`);
  writeFileSync(path, text);
  return path;
}

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

/** Status 1 and nothing but located errors in the file, each naming what was expected. */
function expectLocated(r: { code: number; stderr: string }, file: string) {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.split("\n");
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line.startsWith(`${file}:`), line).toBe(true);
    expect(line).toMatch(/^[^:]+:\d+:\d+: error: .*(expected|unknown key|missing|no interface)/);
  }
  expect(r.stderr).not.toMatch(/TypeError|RangeError|internal error|\n\s+at /);
}

describe("JSON inputs never crash a command", () => {
  const roles = ["node", "connections", "scenarios", "addr", "route"];
  for (const role of roles) {
    for (const [what, text] of HOSTILE) {
      it(`${role}: ${what}`, async () => {
        const file = writeInput(`${role}.json`, text);
        for (const argv of commandsReading(role, file)) expectLocated(await run(argv), file);
      });
    }
    for (const [what, value] of INSIDE[role]) {
      it(`${role}: ${what}`, async () => {
        const file = writeInput(`${role}.json`, JSON.stringify(value, null, 2));
        for (const argv of commandsReading(role, file)) expectLocated(await run(argv), file);
      });
    }
  }
});

describe("located errors", () => {
  it("point at the line and column of the value, with its JSON path", async () => {
    const text = JSON.stringify({ ...node, interfaces: [{ name: "lo", addresses: ["127.0.0.1/8", { address: "10.0.0.1/24", scope: "galaxy" }] }] }, null, 2);
    const file = writeInput("scope.json", text);
    const r = await run(["trace", WORDPRESS, "--node", file, "-s", "172.16.1.100", "-d", "10.254.42.62:80"]);
    const lines = text.split("\n");
    const line = lines.findIndex((l) => l.includes('"galaxy"')) + 1;
    const column = lines[line - 1].indexOf('"galaxy"') + 1;
    expect(r.stderr).toBe(`${file}:${line}:${column}: error: interfaces[0].addresses[1].scope: expected one of "global", "site", "link", "host" (as \`ip addr\` shows it; only global addresses are picked as a source), got "galaxy"`);
  });

  it("an unknown key is shown at the key, with the key it was probably meant to be", async () => {
    const file = writeInput("typo.json", '{\n  "interfaces": [],\n  "serviceCidr": "10.0.0.0/16"\n}\n');
    const r = await run(["trace", WORDPRESS, "--node", file, "-s", "172.16.1.100", "-d", "10.254.42.62:80"]);
    expect(r.stderr).toBe(`${file}:3:3: error: serviceCidr: unknown key "serviceCidr" (did you mean "serviceCIDR"?)`);
  });

  it("a syntax error is located too", async () => {
    const file = writeInput("broken.json", '[\n  { "time": 0, }\n]\n');
    const r = await run(["simulate", WORDPRESS, "--node", NODE, "--connections", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${file}:2:16: error: not valid JSON: expected a key in double quotes, found "}"`);
  });

  it("after 20 errors of one file, one line counts the rest", async () => {
    const file = writeInput("many.json", JSON.stringify(Array.from({ length: 30 }, () => null)));
    const r = await run(["simulate", WORDPRESS, "--node", NODE, "--connections", file]);
    const lines = r.stderr.split("\n");
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe(`${file}: 10 more errors not shown`);
  });

  it("the bundled files carry $schema and are read as they are", async () => {
    expect(node.$schema).toBe("../../schemas/node.schema.json");
    expect(scenarios.$schema).toBe("../../schemas/scenarios.schema.json");
    const r = await run(["node-context", "--addr", ADDR, "--route", ROUTE]);
    expect(r.code, r.stderr).toBe(0);
    expect(addr.length).toBeGreaterThan(0);
  });
});
