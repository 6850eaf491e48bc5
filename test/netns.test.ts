import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
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
        expect(name).toMatch(new RegExp(`^kil-unit-${process.pid}-[0-9a-f]{6}-${i}$`));
        expect(listed).toContain(name);
        const lo = execIn(name, "ip", ["-o", "link", "show", "lo"]);
        expect(lo.status).toBe(0);
        expect(lo.stdout).toMatch(/<[^>]*\bUP\b[^>]*>/);
        // Nothing but lo: no path to the host.
        const links = execIn(name, "ip", ["-o", "link", "show"]);
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
      const load = execIn(a!, "iptables-legacy-restore", [], { input: "*filter\n-A INPUT -j DROP\nCOMMIT\n" });
      expect(load.status).toBe(0);
      expect(execIn(a!, "iptables-legacy-save", []).stdout).toContain("-A INPUT -j DROP");
      expect(execIn(b!, "iptables-legacy-save", []).stdout).toBe("");
    });
  });

  it("rejects bad counts", async () => {
    await expect(withNetns("bad", 0, async () => 1)).rejects.toThrow(RangeError);
    await expect(withNetns("bad", 1000, async () => 1)).rejects.toThrow(RangeError);
  });
});

describe.skipIf(!availability.ok)("execIn", () => {
  it("refuses namespaces it did not create", () => {
    expect(() => execIn("", "true", [])).toThrow(/not a namespace created by withNetns/);
    expect(() => execIn("someone-elses", "true", [])).toThrow(/not a namespace created by withNetns/);
  });

  it("passes input and enforces the timeout", async () => {
    await withNetns("exec", 1, async ([ns]) => {
      const cat = execIn(ns!, "cat", [], { input: "hello\n" });
      expect(cat).toMatchObject({ status: 0, stdout: "hello\n" });
      const started = Date.now();
      const slow = execIn(ns!, "sleep", ["10"], { timeoutMs: 300 });
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

describe.skipIf(!availability.ok)("cleanup when the process dies", () => {
  // Runs the real module in a child Node process (transpiled with the
  // project's TypeScript), then kills or exits that process while a
  // namespace is alive, and checks that the namespace is gone.
  function childScript(dir: string, ending: "SIGTERM" | "SIGINT" | "SIGKILL" | "exit" | "quick"): string {
    const source = readFileSync(join(here, "support/netns.ts"), "utf8");
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(dir, "netns.mjs"), js);
    const main = ending === "quick"
      ? `
import { withNetns } from "./netns.mjs";
await withNetns("quick", 1, async ([ns]) => console.log("NS " + ns));
`
      : `
import { withNetns } from "./netns.mjs";
await withNetns("die", 1, async ([ns]) => {
  console.log("NS " + ns);
  ${ending === "exit" ? "setTimeout(() => process.exit(3), 100);" : ""}
  await new Promise((resolve) => setTimeout(resolve, 20000));
});
`;
    const file = join(dir, `main-${ending}.mjs`);
    writeFileSync(file, main);
    return file;
  }

  type Exit = { code: number | null; signal: NodeJS.Signals | null };

  /** Starts the child; resolves with the namespace it reports and a promise of its exit. */
  async function startChild(script: string): Promise<{ name: string; kill: (s: NodeJS.Signals) => void; exited: Promise<Exit> }> {
    const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<Exit>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error("child did not exit"));
      }, 15_000);
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const name = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child did not report a namespace: ${err}`)), 10_000);
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /NS (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    return { name, kill: (s) => child.kill(s), exited };
  }

  for (const ending of ["SIGTERM", "SIGINT", "exit"] as const) {
    it(`removes live namespaces on ${ending}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "kil-netns-"));
      try {
        const child = await startChild(childScript(dir, ending));
        expect(namespaces()).toContain(child.name);
        if (ending !== "exit") child.kill(ending);
        const result = await child.exited;
        if (ending === "exit") expect(result.code).toBe(3);
        else expect(result.signal).toBe(ending);
        expect(namespaces()).not.toContain(child.name);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("removes, in the next process, a namespace left by a SIGKILLed one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kil-netns-"));
    try {
      const victim = await startChild(childScript(dir, "SIGKILL"));
      victim.kill("SIGKILL");
      expect((await victim.exited).signal).toBe("SIGKILL");
      // SIGKILL cannot be caught: the namespace is still there...
      expect(namespaces()).toContain(victim.name);
      // ...until the module runs again in a new process.
      const next = await startChild(childScript(dir, "quick"));
      expect((await next.exited).code).toBe(0);
      const listed = namespaces();
      expect(listed).not.toContain(victim.name);
      expect(listed).not.toContain(next.name);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
