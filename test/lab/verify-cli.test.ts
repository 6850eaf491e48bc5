// The verify command's checks that come before any namespace is made (no kernel needed).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../lib/cli/main.js";
import { agreementTable } from "../../lib/cli/verify-command.js";
import type { ScenarioResult } from "../../lib/index.js";
import { root } from "./support.js";

async function run(argv: string[]) {
  const out: string[] = [], err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const dumpFile = join(root, "data/wordpress/iptables-save.txt");
const nodeFile = join(root, "data/wordpress/node.json");
const scenarioFile = join(root, "data/wordpress/scenarios.json");

describe("kube-iptables-lab verify, before the lab starts", () => {
  it("is listed in the help", async () => {
    expect((await run(["--help"])).out).toMatch(/^\s+verify\s+run scenarios against the Linux kernel/m);
  });

  it("needs --node and --scenarios (usage error, exit 2)", async () => {
    const r = await run(["verify", dumpFile, "--node", nodeFile]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--scenarios is required/);
  });

  it("rejects unknown scenario ids in --only (exit 2)", async () => {
    const r = await run(["verify", dumpFile, "--node", nodeFile, "--scenarios", scenarioFile, "--only", "nope"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no scenario called nope/);
  });

  it("reports a broken scenario file in one line (exit 1)", async () => {
    const dir = join(root, "test-output", "lab");
    mkdirSync(dir, { recursive: true });
    const bad = join(dir, `bad-scenarios-${process.pid}.json`);
    writeFileSync(bad, JSON.stringify({ format: "kube-iptables-lab/scenarios@1", scenarios: [{ id: "x", question: "?", connect: { src: "1.2.3.4", dst: "5.6.7.8" } }] }));
    const r = await run(["verify", dumpFile, "--node", nodeFile, "--scenarios", bad]);
    expect(r.code).toBe(1);
    // One problem, located, and not also "connect" as an unknown key.
    expect(r.err.trim()).toBe(`${bad}:1:91: error: scenarios[0].connect: missing "dport": expected a connection: { "src": "IP", "dst": "IP", "dport": PORT, "protocol"?, "sport"?, "from"?, "timeoutMs"? }`);
    writeFileSync(bad, JSON.stringify({ format: "kube-iptables-lab/scenarios@1", scenarios: [{ id: "x", question: "?", connect: { src: "1.2.3.4", dst: "5.6.7.8", dport: 80 }, steps: [] }] }));
    expect((await run(["verify", dumpFile, "--node", nodeFile, "--scenarios", bad])).err).toMatch(/scenarios\[0\]\.steps: key "steps" is not allowed with this object's other keys \(it belongs to another "kind"\)/);
    writeFileSync(bad, "{");
    expect((await run(["verify", dumpFile, "--node", nodeFile, "--scenarios", bad])).err).toMatch(/not valid JSON/);
    rmSync(bad, { force: true });
  });

  it("reports a missing dump (exit 1)", async () => {
    const r = await run(["verify", join(root, "no-such-dump.txt"), "--node", nodeFile, "--scenarios", scenarioFile]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot read .*no such file/);
  });
});

describe("agreementTable", () => {
  const result = (id: string, agree: boolean): ScenarioResult => ({
    id, question: "?", kind: "connection", kernel: "10.253.25.4:80 answered, saw 10.253.51.0:40000; nat lines 77,81",
    simulator: "50% 10.253.25.4:80, sees 10.253.51.0 | 50% 10.253.84.4:80, sees 10.253.51.0", agree,
    reasons: agree ? [] : ["the server saw source 1.2.3.4"], connections: [], seconds: 0,
  });

  it("has one block per scenario, wrapped, with agree yes/NO and the reason", () => {
    const t = agreementTable([result("a", true), result("b", false)]);
    const lines = t.split("\n");
    expect(lines[0]).toMatch(/^SCENARIO\s+KERNEL\s+SIMULATOR\s+AGREE$/);
    expect(lines.every((l) => l.length <= 26 + 46 + 46 + 5 + 6)).toBe(true);
    expect(t).toMatch(/^a\s.*\syes$/m);
    expect(t).toMatch(/^b\s.*\sNO$/m);
    expect(t).toContain("DIFFERS:");
  });
});
