// What matches nothing: the Service port each outcome reached, where an unmatched packet goes, and no reply from an address nobody owns.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { main } from "../../lib/cli/main.js";
import { traceJson } from "../../lib/index.js";
import { repo } from "../parse/support.js";
import { trace } from "./wordpress.js";

async function cli(...argv: string[]): Promise<string> {
  const out: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => out.push(s) });
  expect(code).toBe(0);
  return out.join("\n");
}

describe("a connection no Service rule matches", () => {
  it("to the cluster IP on a port the Service does not have: no Service, out of eth0 toward the gateway, no reply, a warning", () => {
    const t = trace({ src: "172.16.1.100", dst: "10.254.42.62", dport: 81 });
    expect(t.outcomes).toHaveLength(1);
    const o = t.outcomes[0];
    expect([o.verdict, o.service, o.outInterface, o.nextHop]).toEqual(["accepted", null, "eth0", "172.16.1.1"]);
    expect(o.followUp!.reply).toEqual([]);
    expect(o.followUp!.original).toHaveLength(1);
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toContain("10.254.42.62 is in the service range 10.254.0.0/16");
    const json = traceJson(t);
    expect(json.warnings).toEqual(t.warnings);
    expect(json.outcomes[0].service).toBeNull();
    expect(json.outcomes[0].followUp!.reply).toEqual([]);
  });

  it("to an address outside the service range: no Service either, but the destination may answer, so its reply is traced and nothing is warned", () => {
    const t = trace({ src: "10.253.51.9", dst: "8.8.8.8", dport: 53, protocol: "udp" });
    expect([t.outcomes[0].service, t.outcomes[0].nextHop]).toEqual([null, "172.16.1.1"]);
    expect(t.outcomes[0].followUp!.reply).toHaveLength(1);
    expect(t.warnings).toEqual([]);
  });

  it("through a Service: every outcome names the Service port it reached, and replies are traced", () => {
    const t = trace({ src: "172.16.1.100", dst: "10.254.42.62", dport: 80 });
    expect(t.outcomes.map((o) => o.service)).toEqual(["default/wordpress-01-svc:", "default/wordpress-01-svc:"]);
    expect(t.outcomes.map((o) => o.nextHop)).toEqual(["10.253.25.4", "10.253.84.4"]);
    expect(t.outcomes.every((o) => o.followUp!.reply.length === 1)).toBe(true);
    expect(t.warnings).toEqual([]);
  });

  it("the CLI says so in text and in --json", async () => {
    const args = ["trace", join(repo, "data/wordpress/iptables-save.txt"), "--node", join(repo, "data/wordpress/node.json"), "--src", "172.16.1.100", "--dst", "10.254.42.62:81"];
    const text = await cli(...args);
    expect(text).toContain("accepted, sent out of eth0 toward 172.16.1.1; no Service rule matched");
    expect(text).toContain("it leaves as 172.16.1.100:40000 -> 10.254.42.62:81");
    expect(text).toContain("no reply: nothing owns 10.254.42.62");
    expect(text).not.toContain("the server sees");
    expect(text).toMatch(/Warnings:\n  tcp 10\.254\.42\.62:81: no Service rule rewrote this destination/);
    const json = JSON.parse(await cli(...args, "--json"));
    expect(json.outcomes[0]).toMatchObject({ service: null, nextHop: "172.16.1.1", followUp: { reply: [] } });
    expect(json.warnings).toHaveLength(1);
  });
});
