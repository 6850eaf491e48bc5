// Control characters from a dump never reach the terminal raw: text output shows them escaped, JSON escapes them too.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../lib/cli/main.js";
import { terminalSafe } from "../../lib/cli/terminal.js";
import { toJson } from "../../lib/json/json-text.js";
import { repo, wordpress } from "../parse/support.js";

const dir = mkdtempSync(join(tmpdir(), "kil-controls-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Clear screen (ESC [2J), a one-byte CSI (U+009B), a right-to-left override, DEL, a bell and a backspace. */
const HOSTILE = "\x1b[2J\u009b\u202e\x7f\x07\x08";
const SHOWN = "\\x1b[2J\\x9b\\u202e\\x7f\\x07\\x08";
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

// The wordpress Service's comment carries them, so they reach Service names, rules, problems and diagnostics.
const hostile = join(dir, "hostile.save");
writeFileSync(hostile, wordpress.replaceAll("default/wordpress-01-svc:", `default/wordpress-01-svc${HOSTILE}:`).replace("-A INPUT", `-A INPUT -m foo${HOSTILE} --bar 1 -j ACCEPT\n-A INPUT`));
const node = join(repo, "data/wordpress/node.json");
const wordpressFile = join(repo, "data/wordpress/iptables-save.txt");

/** Run main() in-process; stdout and stderr joined as printed. */
async function run(argv: string[], terminal = false): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [], err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s), terminal });
  return { code, stdout: out.map((l) => `${l}\n`).join(""), stderr: err.map((l) => `${l}\n`).join("") };
}

describe("terminalSafe", () => {
  it("escapes C0 (but tab and line feed), DEL, C1 and bidi controls; keeps a CRLF line end", () => {
    expect(terminalSafe(`a${HOSTILE}\tb\u2066c\u2069\u0000\r\nd\r`)).toBe(`a${SHOWN}\tb\\u2066c\\u2069\\x00\r\nd\r`);
    expect(terminalSafe("a\rb")).toBe("a\\x0db");
    expect(terminalSafe("plain text, ünïcode, 中文")).toBe("plain text, ünïcode, 中文");
  });
});

describe("every command's text output", () => {
  const cases: [string, string[]][] = [
    ["parse", ["parse", hostile]],
    ["services", ["services", hostile]],
    ["trace", ["trace", hostile, "--node", node, "-s", "172.16.1.100", "-d", "10.254.42.62:80"]],
    ["diff", ["diff", wordpressFile, hostile]],
    ["format on a terminal", ["format", hostile]],
  ];
  for (const [name, argv] of cases) {
    it(`${name}: the controls are shown escaped`, async () => {
      const r = await run(argv, true);
      expect(r.code, r.stderr).toBeLessThan(2);
      expect(r.stdout + r.stderr).toContain(SHOWN);
      expect(r.stdout + r.stderr).not.toMatch(RAW);
    });
  }

  it("format into a pipe stays byte for byte (it is iptables-restore input)", async () => {
    const r = await run(["format", hostile]);
    expect(r.stdout).toContain(HOSTILE);
  });

  it("an unknown command or option typed with controls is echoed escaped", async () => {
    const r = await run([`frob${HOSTILE}`]);
    expect(r.stderr).toContain(`frob${SHOWN}`);
    expect(r.stderr).not.toMatch(RAW);
    const o = await run(["parse", hostile, `--x${HOSTILE}`]);
    expect(o.code).toBe(2);
    expect(o.stderr).not.toMatch(RAW);
  });
});

describe("JSON output", () => {
  it("escapes DEL, C1 and bidi controls, which JSON.stringify leaves raw", () => {
    const text = toJson({ comment: `x${HOSTILE}\u2069` });
    expect(text).toBe(`{\n  "comment": "x\\u001b[2J\\u009b\\u202e\\u007f\\u0007\\b\\u2069"\n}`);
    expect(JSON.parse(text).comment).toBe(`x${HOSTILE}\u2069`);
  });

  for (const argv of [["parse", hostile, "--json"], ["services", hostile, "--json"], ["diff", wordpressFile, hostile, "--json"]]) {
    it(`${argv[0]} --json`, async () => {
      const r = await run(argv);
      expect(r.stdout).not.toMatch(RAW);
      expect(r.stdout).toContain("\\u001b[2J\\u009b\\u202e\\u007f");
    });
  }
});
