// A connection made by a process on the node from a source address the node does not have: Linux
// refuses it (bind() fails with EADDRNOTAVAIL without ip_nonlocal_bind or a transparent socket), so
// the trace warns, naming the address, in the library, its JSON, the command line and in Chinese.
import { afterEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { main } from "../../lib/cli/main.js";
import { setLanguage, traceJson, unownedLocalSource } from "../../lib/index.js";
import { clearMissingPhrases, missingPhrases } from "../../lib/i18n/language.js";
import { engineText } from "../../lib/views/engine-text.js";
import { englishPhraseLeft } from "../i18n/english-left.js";
import { repo } from "../parse/support.js";
import { node, trace } from "./wordpress.js";

const CLUSTER_IP = { dst: "10.254.42.62", dport: 80 };

/** The warnings of a trace that are about the source address (the node k8s01 owns 172.16.1.10, 10.253.51.1, 10.253.51.0 and 127.0.0.0/8). */
function sourceWarnings(src: string, from?: "local" | { interface: string }): string[] {
  return trace({ src, ...CLUSTER_IP, ...(from ? { from } : {}) }).warnings.filter((w) => w.startsWith("source "));
}

async function cli(...argv: string[]): Promise<string> {
  const out: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => out.push(s) });
  expect(code).toBe(0);
  return out.join("\n");
}

afterEach(() => setLanguage("en"));

describe("a local process's source address the node does not own", () => {
  it("an address of the node (eth0's, a bridge's, any of 127.0.0.0/8): no warning", () => {
    for (const src of ["172.16.1.10", "10.253.51.1", "10.253.51.0", "127.0.0.1", "127.1.2.3"]) {
      expect(trace({ src, ...CLUSTER_IP, from: "local" }).warnings, src).toEqual([]);
    }
  });

  it("an address it does not have (a pod's, another node's, one from nowhere): one warning naming the address and the node", () => {
    for (const src of ["10.253.51.7", "172.16.1.11", "192.0.2.9"]) {
      const warnings = sourceWarnings(src, "local");
      expect(warnings, src).toHaveLength(1);
      expect(warnings[0]).toBe(unownedLocalSource(node, src, true));
      expect(warnings[0]).toContain(`source ${src}: node k8s01 has no such address`);
      expect(warnings[0]).toContain("EADDRNOTAVAIL");
    }
  });

  it("is about processes only: the same address arriving on an interface, or its origin inferred from the routes, is not warned", () => {
    expect(sourceWarnings("10.253.51.7", { interface: "docker0" })).toEqual([]);
    expect(sourceWarnings("172.16.1.100")).toEqual([]);
    expect(unownedLocalSource(node, "192.0.2.9", false)).toBeNull();
  });

  it("still traces the connection, and the warning sits beside the others in the trace's JSON", () => {
    const t = trace({ src: "192.0.2.9", ...CLUSTER_IP, from: "local" });
    expect(t.origin).toEqual({ local: true, interface: null, inferred: false });
    expect(t.outcomes.map((o) => o.verdict)).toEqual(["accepted", "accepted"]);
    expect(traceJson(t).warnings).toEqual(t.warnings);
    // A port the Service does not have: the destination's warning comes after the source's.
    const both = trace({ src: "192.0.2.9", dst: "10.254.42.62", dport: 81, from: "local" }).warnings;
    expect(both.map((w) => w.split(":")[0])).toEqual(["source 192.0.2.9", "tcp 10.254.42.62"]);
  });

  it("the command line prints it under Warnings, and in --json", async () => {
    const args = ["trace", join(repo, "data/wordpress/iptables-save.txt"), "--node", join(repo, "data/wordpress/node.json"), "--src", "192.0.2.9", "--dst", "10.254.42.62:80", "--local"];
    const text = await cli(...args);
    expect(text).toContain("made by a process on the node");
    expect(text).toMatch(/\nWarnings:\n  source 192\.0\.2\.9: node k8s01 has no such address, so a process on it cannot normally send from it/);
    const json = JSON.parse(await cli(...args, "--json"));
    expect(json.warnings).toEqual([unownedLocalSource(node, "192.0.2.9", true)]);
    const owned = await cli("trace", join(repo, "data/wordpress/iptables-save.txt"), "--node", join(repo, "data/wordpress/node.json"), "--src", "172.16.1.10", "--dst", "10.254.42.62:80", "--local");
    expect(owned).not.toContain("Warnings:");
  });

  it("reads in Chinese, the address and the node's name kept, no English left but the kernel's names", () => {
    const warning = unownedLocalSource(node, "192.0.2.9", true)!;
    setLanguage("zh-CN");
    clearMissingPhrases("zh-CN");
    const zh = engineText(warning);
    expect(missingPhrases("zh-CN")).toEqual([]);
    expect(zh).toMatch(/^源地址 192\.0\.2\.9：节点 k8s01 没有这个地址/);
    expect(zh).toContain("EADDRNOTAVAIL");
    expect(zh).toContain("net.ipv4.ip_nonlocal_bind");
    expect(englishPhraseLeft(zh)).toBeUndefined();
  });
});
