// The kernel test helpers (test/support/netns.ts) on the lab's namespaces. What happens to namespaces
// when the process that made them dies is tested with the lab itself (test/lab/kernel.test.ts).
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { execIn, iptablesRoundTrip, netnsAvailable, stripSaveHeaders, withNetns } from "./support/netns.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..");

const availability = netnsAvailable();
const kernelRequired = process.env.KIL_REQUIRE_KERNEL === "1";
if (!availability.ok && !kernelRequired) {
  console.warn(`netns tests skipped: ${availability.reason}`);
}

function namespaces(): string[] {
  const r = spawnSync("ip", ["netns", "list"], { encoding: "utf8", timeout: 10_000 });
  return (r.stdout ?? "")
    .split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((n) => n !== "");
}

function toolWorks(cmd: string): boolean {
  const r = spawnSync(cmd, ["--version"], { encoding: "utf8", timeout: 10_000 });
  return r.status === 0;
}

describe("kernel access", () => {
  it.runIf(kernelRequired)("is available (KIL_REQUIRE_KERNEL=1 makes a missing capability an error)", () => {
    if (!availability.ok) throw new Error(`kernel tests required but unavailable: ${availability.reason}`);
    expect(availability).toEqual({ ok: true });
  });
});

describe.skipIf(!availability.ok)("withNetns", () => {
  it("creates uniquely named namespaces with lo up, and deletes them afterwards", async () => {
    let seen: string[] = [];
    const value = await withNetns("unit", 2, async (names) => {
      seen = names;
      expect(names).toHaveLength(2);
      expect(new Set(names).size).toBe(2);
      const listed = namespaces();
      for (const [i, name] of names.entries()) {
        expect(name).toMatch(new RegExp(`^kilab-${process.pid}-[0-9a-f]{6}-unitn${i}\\d+$`));
        expect(listed).toContain(name);
        const lo = await execIn(name, "ip", ["-o", "link", "show", "lo"]);
        expect(lo.status).toBe(0);
        expect(lo.stdout).toMatch(/<[^>]*\bUP\b[^>]*>/);
        // Nothing but lo: no path to the host.
        const links = await execIn(name, "ip", ["-o", "link", "show"]);
        expect(links.stdout.trim().split("\n")).toHaveLength(1);
      }
      return 42;
    });
    expect(value).toBe(42);
    const listed = namespaces();
    for (const name of seen) expect(listed).not.toContain(name);
  });

  it("deletes the namespaces and kills their processes when fn throws", async () => {
    let seen: string[] = [];
    let sleeper: number | undefined;
    await expect(
      withNetns("throw", 1, async ([ns]) => {
        seen = [ns!];
        const child = spawn("ip", ["netns", "exec", ns!, "sleep", "30"], { stdio: "ignore" });
        sleeper = child.pid;
        // Wait (bounded) until the sleeper shows up inside the namespace.
        for (let i = 0; i < 100; i++) {
          const pids = spawnSync("ip", ["netns", "pids", ns!], { encoding: "utf8" }).stdout.trim();
          if (pids !== "") break;
          await new Promise((r) => setTimeout(r, 20));
        }
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(namespaces()).not.toContain(seen[0]);
    expect(sleeper).toBeDefined();
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      try {
        process.kill(sleeper!, 0);
        await new Promise((r) => setTimeout(r, 20));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  });

  it("keeps namespaces of one call isolated from each other", async () => {
    await withNetns("iso", 2, async ([a, b]) => {
      const load = await execIn(a!, "iptables-legacy-restore", [], { input: "*filter\n-A INPUT -j DROP\nCOMMIT\n" });
      expect(load.status).toBe(0);
      expect((await execIn(a!, "iptables-legacy-save", [])).stdout).toContain("-A INPUT -j DROP");
      expect((await execIn(b!, "iptables-legacy-save", [])).stdout).toBe("");
    });
  });

  it("rejects bad counts", async () => {
    await expect(withNetns("bad", 0, async () => 1)).rejects.toThrow(RangeError);
    await expect(withNetns("bad", 1000, async () => 1)).rejects.toThrow(RangeError);
  });
});

describe.skipIf(!availability.ok)("execIn", () => {
  it("refuses namespaces it did not create", () => {
    expect(() => execIn("", "true", [])).toThrow(/not a namespace created by this lab process/);
    expect(() => execIn("someone-elses", "true", [])).toThrow(/not a namespace created by this lab process/);
  });

  it("passes input and enforces the timeout", async () => {
    await withNetns("exec", 1, async ([ns]) => {
      const cat = await execIn(ns!, "cat", [], { input: "hello\n" });
      expect(cat).toMatchObject({ status: 0, stdout: "hello\n" });
      const started = Date.now();
      const slow = await execIn(ns!, "sleep", ["10"], { timeoutMs: 300 });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(slow.status).toBeNull();
      expect(slow.signal).toBe("SIGKILL");
      expect(slow.error).toMatch(/timed out/);
    });
  });
});

describe.skipIf(!availability.ok)("iptablesRoundTrip", () => {
  const tiny = "*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 80 -s 10.1.2.3/8 -m comment --comment web -j ACCEPT\nCOMMIT\n";
  const tinySaved = [
    "*filter",
    ":INPUT DROP [0:0]",
    ":FORWARD ACCEPT [0:0]",
    ":OUTPUT ACCEPT [0:0]",
    "-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 80 -m comment --comment web -j ACCEPT",
    "COMMIT",
    "",
  ].join("\n");

  it("loads a tiny ruleset and returns what iptables-legacy-save prints", async () => {
    const r = await iptablesRoundTrip(tiny);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.saved).toMatch(/^# Generated by iptables-save v\d/);
    expect(stripSaveHeaders(r.saved)).toBe(tinySaved);
  });

  it("round-trips counters with counters: true", async () => {
    const r = await iptablesRoundTrip("*filter\n:INPUT ACCEPT [7:700]\n[5:300] -A INPUT -j ACCEPT\nCOMMIT\n", { counters: true });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(stripSaveHeaders(r.saved)).toContain(":INPUT ACCEPT [7:700]\n");
    expect(stripSaveHeaders(r.saved)).toContain("[5:300] -A INPUT -j ACCEPT\n");
  });

  it("reports what iptables-restore rejects", async () => {
    const r = await iptablesRoundTrip("*filter\n:INPUT ACCEPT [0:0]\n-A NOPE -j ACCEPT\nCOMMIT\n");
    expect(r).toEqual({ ok: false, error: expect.stringContaining("line 3 failed") });
    // A kernel-side check: only a real load (not --test) rejects it.
    const nat = await iptablesRoundTrip("*nat\n-A OUTPUT -j MASQUERADE\nCOMMIT\n");
    expect(nat).toEqual({ ok: false, error: expect.stringContaining("line 3 failed") });
  });

  it.skipIf(!toolWorks("iptables-nft-restore"))("works with the nf_tables back end", async () => {
    const r = await iptablesRoundTrip(tiny, { backend: "nft" });
    if (!r.ok && /Protocol not supported|Operation not supported|nf_tables/.test(r.error)) {
      console.warn(`nf_tables not usable here: ${r.error}`);
      return;
    }
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.saved).toMatch(/^# Generated by iptables-nft-save v\d.*\(nf_tables\)/);
    expect(stripSaveHeaders(r.saved)).toBe(tinySaved);
  });

  // The recorded fixture must still be what this machine's iptables prints.
  const versionsFile = join(here, "fixtures/kernel/versions.txt");
  const recordedVersion = existsSync(versionsFile) ? /iptables-save (v[\d.]+)/.exec(readFileSync(versionsFile, "utf8"))?.[1] : undefined;
  const localVersion = /v[\d.]+/.exec(spawnSync("iptables-legacy-save", ["--version"], { encoding: "utf8" }).stdout ?? "")?.[0];
  it.skipIf(!recordedVersion || recordedVersion !== localVersion)(
    "reproduces the recorded wordpress fixture (same iptables version)",
    async () => {
      const input = readFileSync(join(repo, "data/wordpress/iptables-save.txt"), "utf8");
      const recorded = readFileSync(join(here, "fixtures/kernel/wordpress.legacy.save"), "utf8");
      const r = await iptablesRoundTrip(input);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(stripSaveHeaders(r.saved)).toBe(stripSaveHeaders(recorded));
    },
  );
});
