// Every kind of parser diagnostic (lib/parse/codes.ts) reads in Chinese in zh-CN: one small dump
// per kind, its message rendered as the explorer shows it, with no fixed part left in English.
import { afterEach, describe, expect, it } from "vitest";
import { loadNodeContext, parseDump, traceConnection, type ConnectionSpec } from "../../lib/index.js";
import { DIAGNOSTIC_CODES } from "../../lib/parse/codes.js";
import { nonUtf8Warning } from "../../lib/parse/errors.js";
import { firstNonUtf8 } from "../../lib/math/utf8.js";
import { clearMissingPhrases, missingPhrases, setLanguage, t } from "../../lib/i18n/language.js";
import { diagnosticMessage } from "../../lib/views/engine-text.js";
import { englishPhraseLeft } from "./english-left.js";

/** A one-table dump: `*table`, a declaration per user chain, the lines, `COMMIT`. */
const d = (lines: string[], table = "filter", chains: string[] = []): string => [`*${table}`, ...chains.map((c) => `:${c} - [0:0]`), ...lines, "COMMIT", ""].join("\n");
const EXAMPLES: Record<string, string> = {
  "not-iptables-save": "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s fe80::/10 -j ACCEPT\nCOMMIT\n",
  "byte-order-mark": "\uFEFF*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n",
  "carriage-return": "*filter\r\n:INPUT ACCEPT [0:0]\r\n-A INPUT -j ACCEPT\r\nCOMMIT\r\n",
  "mixed-line-endings": "*filter\r\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\r\nCOMMIT\r\n",
  "line-too-long": d([`-A INPUT -m comment --comment "${"x".repeat(70000)}" -j ACCEPT`]),
  "word-too-long": d([`-A INPUT -j ${"X".repeat(1100)}`]),
  "too-many-words": d([`-A INPUT ${Array(600).fill("-s 1.2.3.4").join(" ")} -j ACCEPT`]),
  "nul-byte": d(["-A INPUT -j ACCEPT\0 junk"]),
  "empty-command": d(["   "]),
  "unterminated-quote": d(['-A INPUT -m comment --comment "open -j ACCEPT']),
  "unknown-table": "*bogus\nCOMMIT\n",
  "ignored-text": "*filter extra\n:INPUT ACCEPT [0:0]\nCOMMIT\n",
  "duplicate-table": "*filter\nCOMMIT\n*filter\nCOMMIT\n",
  "missing-commit": "*filter\n:INPUT ACCEPT [0:0]\n",
  "commit-without-newline": "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT",
  "outside-table": "*filter\nCOMMIT\nCOMMIT\n",
  "chain-name-too-long": d([], "filter", ["ABCDEFGHIJKLMNOPQRSTUVWXYZ012"]),
  "invalid-chain-name": "*filter\n:\nCOMMIT\n",
  "policy-on-user-chain": "*filter\n:USER ACCEPT [0:0]\nCOMMIT\n",
  "invalid-policy": "*filter\n:INPUT REJECT [0:0]\nCOMMIT\n",
  "invalid-counters": "*filter\n:INPUT ACCEPT [x:y]\nCOMMIT\n",
  "duplicate-chain": d([], "filter", ["USER", "USER"]),
  "undeclared-chain": d(["-A NOPE -j ACCEPT"]),
  "no-such-chain": d(["-F NOPE"]),
  "jump-to-missing-chain": d(["-A INPUT -j NOWHERE"]),
  "jump-to-builtin": d(["-A INPUT -j OUTPUT"]),
  "goto-target": d(["-A INPUT -g ACCEPT"]),
  "chain-in-use": d(["-A INPUT -j USER", "-X USER"], "filter", ["USER"]),
  "builtin-chain-delete": d(["-X INPUT"]),
  "loop-after-verdict": d(["-A INPUT -j A", "-A A -j ACCEPT", "-A A -j A"], "filter", ["A"]),
  "jump-loop": d(["-A INPUT -j A", "-A A -j B", "-A B -j A"], "filter", ["A", "B"]),
  "unsupported-command": d(["-Q INPUT"]),
  "missing-chain-name": d(["-N"]),
  "no-such-rule": d(["-D INPUT -j ACCEPT"]),
  "unknown-option": d(["-A INPUT -p tcp -m tcp --tcp-dlags 1 -j ACCEPT"]),
  "unexpected-word": d(["-A INPUT tail -j ACCEPT"]),
  "old-negation-form": d(["-A INPUT -s ! 10.0.0.1 -j ACCEPT"]),
  "misplaced-negation": d(["-A INPUT ! ! -s 10.0.0.1 -j ACCEPT"]),
  "duplicate-option": d(["-A INPUT -s 10.0.0.1 -s 10.0.0.2 -j ACCEPT"]),
  "missing-value": d(["-A INPUT -s"]),
  "not-modelled": d(["-A INPUT -m foo -j ACCEPT"]),
  "comment-truncated": d([`-A INPUT -m comment --comment "${"c".repeat(256)}" -j ACCEPT`]),
  "ipv6-address": d(["-A INPUT -p ipv6-icmp -j ACCEPT"]),
  "needs-protocol": d(["-A INPUT -m tcp --dport 80 -j ACCEPT"]),
  "wrong-interface-option": d(["-A PREROUTING -o eth0 -j ACCEPT"], "nat"),
  "placement-after-verdict": d(["-A POSTROUTING -j ACCEPT", "-A POSTROUTING -p tcp -j DNAT --to-destination 10.0.0.1"], "nat"),
  "wrong-table": d(["-A INPUT -j MASQUERADE"]),
  "wrong-chain": d(["-A OUTPUT -j MASQUERADE"], "nat"),
  "port-range-reversed": d(["-A INPUT -p tcp -m tcp --dport 65535:1 -j ACCEPT"]),
  "host-name": d(["-A INPUT -s kube-node-1.invalid -j ACCEPT"]),
  "ambiguous-value": d(["-A INPUT -p icmp -m icmp --icmp-type echo -j ACCEPT"]),
  "missing-option": d(["-A INPUT -m recent --rcheck --reap -j ACCEPT"]),
  "out-of-range": d(["-A INPUT -p tcp -m tcp --dport 70000 -j ACCEPT"]),
  "invalid-value": d(["-A INPUT -s 10.0.0.300 -j ACCEPT"]),
  "invalid-input": d(["-A INPUT ! -p all -j ACCEPT"]),
};

/** Diagnostics the command line makes beside the parser's, from a file's bytes: kind → its message. */
const FROM_BYTES: Record<string, string> = {
  "not-utf8": nonUtf8Warning("t.save", firstNonUtf8(Uint8Array.from([0x23, 0x20, 0xe9, 0xff, 0x0a]))!).message,
};

/** The message of the first diagnostic of kind `code` that parsing `text` gives. */
function messageOf(code: string, text: string): string {
  if (code in FROM_BYTES) return FROM_BYTES[code];
  const r = parseDump(text, { file: "t.save" });
  const found = [...r.errors, ...r.warnings].find((d) => d.code === code);
  if (!found) throw new Error(`no ${code} diagnostic from its example; got ${[...r.errors, ...r.warnings].map((d) => d.code).join(", ")}`);
  return found.message;
}

describe("the parser's diagnostics in zh-CN", () => {
  afterEach(() => setLanguage("en"));

  it("has an example for every kind", () => {
    expect(DIAGNOSTIC_CODES.filter((code) => !(code in EXAMPLES) && !(code in FROM_BYTES))).toEqual([]);
  });

  for (const code of DIAGNOSTIC_CODES) {
    it(`${code}: the message reads in Chinese, and English is unchanged`, () => {
      const english = messageOf(code, EXAMPLES[code] ?? "");
      expect(diagnosticMessage(english)).toBe(english);
      setLanguage("zh-CN");
      clearMissingPhrases("zh-CN");
      const zh = diagnosticMessage(english);
      expect(missingPhrases("zh-CN"), zh).toEqual([]);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(englishPhraseLeft(zh), zh).toBeUndefined();
    });
  }

  it("other wordings of the kinds read in Chinese too", () => {
    const texts = [
      d(["-A INPUT -m recent --set --rcheck -j ACCEPT"]), d(["-A INPUT -i abcdefghijklmnopq -j ACCEPT"]),
      d(["-A INPUT -p icmp -m icmp --icmp-type 256 -j ACCEPT"]), d(["-A INPUT -j MARK --set-mark 1 --or-mark 2"], "mangle"),
      d(["-A PREROUTING -j DNAT --to-destination 10.0.0.1:80"], "nat"), d(['-A INPUT -j LOG --log-prefix ""']),
      d(["-A PREROUTING -j REDIRECT --to-ports 80"], "nat"), d(["-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1 --random-fully"], "nat"),
      "*filter\nCOMMIT\nhello world\n", // a line outside any table (a file with no table at all is not a dump: not-iptables-save)
    ];
    const foreign = ["{}\n", '{ "format": "kube-iptables-lab/node@1" }\n', '{ "format": "kube-iptables-lab/scenarios@1" }\n', "kind: Service\n", "<html>\n", "<?xml?>\n", "add table ip kube-proxy\n", "some text\n"];
    texts.push(...foreign);
    const messages = texts.flatMap((text) => { const r = parseDump(text, { file: "t.save" }); return [...r.errors, ...r.warnings].map((x) => x.message); });
    expect(messages.length).toBe(texts.length);
    expect(new Set(messages.slice(-foreign.length)).size).toBe(foreign.length);
    messages.push(nonUtf8Warning("t.save", { line: 1, column: 1, byte: 0xe9, count: 1 }).message);
    setLanguage("zh-CN");
    clearMissingPhrases("zh-CN");
    for (const english of messages) expect(englishPhraseLeft(diagnosticMessage(english)), english).toBeUndefined();
    expect(missingPhrases("zh-CN")).toEqual([]);
  });

  it("a question the engine cannot ask reads in Chinese too (the explorer shows it as the page's problem)", () => {
    const dump = parseDump(d([], "nat"), { file: "t.save" }).dump;
    const node = loadNodeContext({ name: "n", interfaces: [{ name: "eth0", addresses: ["10.0.0.1/24"] }], routes: [{ dst: "10.0.0.0/24", dev: "eth0" }] }, "n");
    const asks: ConnectionSpec[] = [
      { src: "10.0.0.9", dst: "nowhere", proto: "tcp", dport: 80 },
      { src: "x", dst: "10.0.0.1", proto: "tcp", dport: 80 },
      { src: "10.0.0.9", dst: "10.0.0.1", proto: "tcp", dport: 70000 },
      { src: "10.0.0.9", dst: "10.0.0.1", proto: "tcp", dport: 80, sport: -1 },
    ];
    const messages = asks.map((spec) => {
      try {
        traceConnection(dump, node, spec);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error(`no error for ${JSON.stringify(spec)}`);
    });
    setLanguage("zh-CN");
    clearMissingPhrases("zh-CN");
    for (const english of messages) {
      const zh = t(english);
      expect(zh, english).toMatch(/[\u4e00-\u9fff]/);
      expect(englishPhraseLeft(zh), english).toBeUndefined();
    }
    expect(missingPhrases("zh-CN")).toEqual([]);
  });
});
