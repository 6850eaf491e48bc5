// simulate's text report gives the trace's warnings (a destination nothing owns, a local source the
// node does not have) as trace does, but each distinct warning once, with the connections it concerns;
// simulate --json carries the same warnings, for a program to read what the person reads.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../lib/cli/main.js";
import { repo } from "../parse/support.js";

const WORDPRESS = join(repo, "data/wordpress/iptables-save.txt");
const NODE = join(repo, "data/wordpress/node.json");
const dir = mkdtempSync(join(tmpdir(), "kil-simulate-warnings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run simulate in-process on `connections`; what it printed. */
async function simulate(connections: unknown[], ...options: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(dir, "connections.json");
  writeFileSync(file, JSON.stringify(connections));
  const out: string[] = [], err: string[] = [];
  const code = await main(["simulate", WORDPRESS, "--node", NODE, "--connections", file, ...options], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

/** The lines after "Warnings:", or null when there is no such part. */
function warningPart(report: string): string[] | null {
  const lines = report.split("\n");
  const at = lines.indexOf("Warnings:");
  return at < 0 ? null : lines.slice(at + 1);
}

const UNOWNED_DESTINATION = "tcp 10.254.9.9:80: no Service rule rewrote this destination, and 10.254.9.9 is in the service range 10.254.0.0/16. A cluster IP exists only in kube-proxy's rules; nothing on the path owns it, so the packet leaves eth0 toward 172.16.1.1 and nobody answers (no reply is traced).";
const UNOWNED_SOURCE = "source 10.253.25.7: node k8s01 has no such address, so a process on it cannot normally send from it (bind() fails with EADDRNOTAVAIL unless net.ipv4.ip_nonlocal_bind is set or the socket is transparent). The connection is traced as if it could.";

describe("simulate's warnings", () => {
  it("are given once each, after the timeline, with the connections they concern", async () => {
    const r = await simulate([
      { time: 0, src: "172.16.1.100", dst: "10.254.9.9", dport: 80 },
      { time: 10, src: "172.16.1.100", dst: "10.254.42.62", dport: 80 },
      { time: 20, src: "10.253.25.7", dst: "10.254.42.62", dport: 80, from: "local" },
      { time: 30, src: "172.16.1.101", dst: "10.254.9.9", dport: 80 },
      { time: 40, src: "10.253.25.7", dst: "10.254.42.62", dport: 80, from: "local" },
    ]);
    expect(r.code).toBe(0);
    expect(warningPart(r.stdout)).toEqual([
      `  ${UNOWNED_DESTINATION}`,
      "    for 2 connections: t=0s, t=30s",
      `  ${UNOWNED_SOURCE}`,
      "    for 2 connections: t=20s, t=40s",
    ]);
  });

  it("name the first connections of a long run and count the rest", async () => {
    const r = await simulate(Array.from({ length: 11 }, (_, i) => ({ time: i, src: "172.16.1.100", dst: "10.254.9.9", dport: 80 })));
    expect(warningPart(r.stdout)).toEqual([`  ${UNOWNED_DESTINATION}`, "    for 11 connections: t=0s, t=1s, t=2s, t=3s, t=4s, t=5s, t=6s, t=7s and 3 more"]);
  });

  it("are left out when no connection has one", async () => {
    const r = await simulate([{ time: 0, src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }]);
    expect(r.code).toBe(0);
    expect(warningPart(r.stdout)).toBeNull();
  });
});

describe("simulate --json's warnings", () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  for (const f of readdirSync(join(repo, "schemas"))) ajv.addSchema(JSON.parse(readFileSync(join(repo, "schemas", f), "utf8")));
  const validate = ajv.getSchema("https://kube-iptables-lab.github.io/schemas/simulation.schema.json")!;
  const run = [
    { time: 0, src: "172.16.1.100", dst: "10.254.9.9", dport: 80 },
    { time: 10, src: "172.16.1.100", dst: "10.254.42.62", dport: 80 },
    { time: 20, src: "10.253.25.7", dst: "10.254.42.62", dport: 80, from: "local" },
    { time: 30, src: "172.16.1.101", dst: "10.254.9.9", dport: 80 },
  ];

  it("are each distinct one once, with every event it concerns, as the text report lists them", async () => {
    const text = await simulate(run);
    const r = await simulate(run, "--json");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.format).toBe("kube-iptables-lab/simulation@2");
    expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(json.warnings).toEqual([
      { message: UNOWNED_DESTINATION, count: 2, events: [0, 3] },
      { message: UNOWNED_SOURCE, count: 1, events: [2] },
    ]);
    // The same messages, in the same order, as the text's Warnings: part.
    const listed = warningPart(text.stdout)!.filter((l) => !l.startsWith("    ")).map((l) => l.trim());
    expect(json.warnings.map((w: { message: string }) => w.message)).toEqual(listed);
  });

  it("are on each event as trace --json gives a trace's, and empty on an event without one", async () => {
    const json = JSON.parse((await simulate(run, "--json")).stdout);
    expect(json.events.map((e: { warnings: string[] }) => e.warnings)).toEqual([[UNOWNED_DESTINATION], [], [UNOWNED_SOURCE], [UNOWNED_DESTINATION]]);
  });

  it("are empty lists, not missing keys, when the text has no Warnings: part", async () => {
    const connections = [{ time: 0, src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }];
    expect(warningPart((await simulate(connections)).stdout)).toBeNull();
    const json = JSON.parse((await simulate(connections, "--json")).stdout);
    expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(json.warnings).toEqual([]);
    expect(json.dumpWarnings).toEqual([]);
    expect(json.events[0].warnings).toEqual([]);
  });
});
