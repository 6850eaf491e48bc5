// The kernel lab's summaries, as lessons 12 and 16 show them from the recorded agreement files, read
// in Chinese in zh-CN: connections, splits and sequences, kernel and simulator, every scenario of every
// data/NAME/kernel-agreement.json, with addresses, counts and chain names kept and no wording in English.
import { afterEach, describe, expect, it } from "vitest";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { clearMissingPhrases, missingPhrases, setLanguage } from "../../lib/i18n/language.js";
import { loadLessonPhrases } from "../../lib/lessons/open.js";
import { labText } from "../../lib/views/lab-text.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Every summary of every recorded agreement file: each scenario's and each recorded connection's. */
function recordedSummaries(): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const dir of readdirSync(`${root}data`)) {
    const file = `${root}data/${dir}/kernel-agreement.json`;
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, "utf8")) as { scenarios: { id: string; kernel: string; simulator: string; connections: { kernel: string; simulator: string }[] }[] };
    for (const s of report.scenarios) {
      out.push({ where: `${dir} ${s.id} kernel`, text: s.kernel }, { where: `${dir} ${s.id} simulator`, text: s.simulator });
      s.connections.forEach((c, i) => out.push({ where: `${dir} ${s.id} #${i} kernel`, text: c.kernel }, { where: `${dir} ${s.id} #${i} simulator`, text: c.simulator }));
    }
  }
  return out;
}

/** English wording left: a lowercase word of three letters or more, once names the lab keeps are set aside. */
function englishLeft(zh: string): string | undefined {
  const kept = zh.replace(/KUBE-[A-Z0-9-]+|xt_recent|simulateConnections|--seconds|ClusterIP|NodePort|\bnat\b|\bdump\b|\bp =|\bn =/g, " ");
  return /\b[a-z]{3,}\b/.exec(kept)?.[0];
}

/** The numbers and addresses of a text, in order: they must come through unchanged. */
const facts = (text: string) => text.match(/\d+(?:[.:/×]\d+)*(?:e-\d+)?/g) ?? [];

/** Forms the lab writes that the recorded files happen not to hold (no answer, a mismatch, a disagreeing step). */
const OTHER_FORMS = [
  "no answer (timeout); nat lines 77,81",
  "100% dropped; nat lines none",
  "600 connections, each from a clean node: 10.0.0.1:80 ×598, no answer (timeout) ×2; 2 did not match any simulator outcome",
  "10.0.0.1:80 1/2, no answer (timeout) 1/2; binomial test p = 0.153 (fails below 5.0e-7)",
  "A 10.0.0.1:80 (lists: all empty); wait 3s; B no answer (refused) (lists: KUBE-SEP-X [10.0.0.9×1]) (dump copy with --seconds 2)",
  "following the kernel's path, every connection is one of the simulator's outcomes except A again, with the same xt_recent lists after each; simulateConnections (seed 1): A random among 2 (drew 10.0.0.1:80); A again 10.0.0.1:80",
];

describe("the kernel lab's summaries in zh-CN", () => {
  afterEach(() => setLanguage("en"));

  it("read in Chinese with every address, count and list kept, and stay as recorded in English", () => {
    const summaries = [...recordedSummaries(), ...OTHER_FORMS.map((text) => ({ where: "other form", text }))];
    expect(summaries.some((s) => s.where.includes("split-heketi simulator"))).toBe(true);
    expect(summaries.some((s) => s.where.includes("affinity-expiry-and-reap kernel"))).toBe(true);
    for (const s of summaries) expect(labText(s.text)).toBe(s.text);
    setLanguage("zh-CN");
    loadLessonPhrases("zh-CN");
    clearMissingPhrases("zh-CN");
    for (const s of summaries) {
      const zh = labText(s.text);
      expect(zh, s.where).toMatch(/[\u4e00-\u9fff]/);
      expect(englishLeft(zh), `${s.where}: ${zh}`).toBeUndefined();
      expect(facts(zh), `${s.where}: ${zh}`).toEqual(facts(s.text));
      for (const chain of s.text.match(/KUBE-[A-Z0-9-]+ \[[^\]]*\]/g) ?? []) expect(zh, s.where).toContain(chain);
    }
    expect(missingPhrases("zh-CN")).toEqual([]);
  });

  it("a sequence step: its label, the endpoint, and the lists", () => {
    setLanguage("zh-CN");
    loadLessonPhrases("zh-CN");
    expect(labText("A again 10.253.25.4:80 (lists: KUBE-SEP-Q6QA3I2UU4P2TRVC [172.16.1.100×2]); wait 3s"))
      .toBe("A 再次连接 10.253.25.4:80（列表：KUBE-SEP-Q6QA3I2UU4P2TRVC [172.16.1.100×2]）；等待 3 秒");
    expect(labText("172.16.1.10:1 178955181/536870912, 172.16.1.11:1 357915731/1073741824; chi-square test p = 0.337 (fails below 5.0e-7)"))
      .toBe("172.16.1.10:1 178955181/536870912，172.16.1.11:1 357915731/1073741824；卡方检验 p = 0.337（低于 5.0e-7 判为不符）");
  });
});
