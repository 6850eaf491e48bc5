// The one-row-per-outcome answer (outcomeTable): its content for the wordpress cases, byte for byte, and escaping.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { decisionTable, escapeHtml, loadNodeContext, outcomeTable, parseDump, setLanguage, traceConnection } from "../../lib/index.js";
import { clearMissingPhrases, missingPhrases } from "../../lib/i18n/language.js";
import { dump, hostileDump, hostileNode, node, root } from "./support.js";

/** One tag per line, so a change reads as a diff. */
const lines = (html: string) => html.replace(/></g, ">\n<") + "\n";

describe("outcomeTable", () => {
  it("shows both NAT rewrites, what the server sees and what the client gets back", async () => {
    const t = traceConnection(dump, node, { src: "172.16.1.100", dst: "10.254.42.62", dport: 80 });
    const html = outcomeTable(t);
    expect(html).toContain("10.254.42.62:80 -&gt; 10.253.25.4:80");
    expect(html).toContain("172.16.1.100:40000 -&gt; 10.253.51.0:40000 (MASQUERADE)");
    expect(html).toContain("10.254.42.62:80 -&gt; 172.16.1.100:40000 (accepted)");
    expect(html).toContain("<code>default/wordpress-01-svc:</code>");
    await expect(lines(html)).toMatchFileSnapshot("./__snapshots__/outcome-table.html");
  });

  it("says when no Service rule matched, and that nothing owns such a destination, nor answers it", () => {
    const t = traceConnection(dump, node, { src: "10.253.51.9", dst: "10.254.42.62", dport: 81 });
    expect(t.outcomes.map((o) => [o.service, o.answerable])).toEqual([[null, false]]);
    const cells = [...outcomeTable(t).matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1].replace(/<[^>]+>/g, ""));
    expect(cells.slice(2)).toEqual(["accepted, out of eth0", "none: no Service rule matched", "none", "10.253.51.9:40000 -&gt; 172.16.1.10:40000 (MASQUERADE)", "nobody: nothing owns 10.254.42.62:81", "nothing: nobody answers"]);
    // The same words in Chinese, none left in English.
    clearMissingPhrases("zh-CN");
    setLanguage("zh-CN");
    try {
      const zh = outcomeTable(t) + decisionTable([t]);
      expect(zh).toContain("无人接收：没有谁拥有 10.254.42.62:81");
      expect(zh).toContain("无：没有匹配任何 Service 规则");
      expect(missingPhrases("zh-CN")).toEqual([]);
    } finally {
      setLanguage("en");
    }
  });

  it("gives the reason of a rejected outcome where a server would be", () => {
    const text = readFileSync(`${root}data/policies-today/iptables-save.txt`, "utf8");
    const today = loadNodeContext(JSON.parse(readFileSync(`${root}data/policies-today/node.json`, "utf8")));
    const t = traceConnection(parseDump(text).dump, today, { src: "10.253.51.9", dst: "10.254.10.16", dport: 80 });
    expect(t.outcomes.map((o) => o.verdict)).toEqual(["rejected"]);
    const html = outcomeTable(t);
    expect(html).toContain(`<span class="kil-no">rejected at line`);
    expect(html).toContain(escapeHtml(t.outcomes[0].reason!));
  });

  it("escapes every text that comes from the dump", () => {
    const t = traceConnection(hostileDump, hostileNode, { src: "192.168.1.50", dst: "10.96.0.10", dport: 80 });
    const html = outcomeTable(t, { title: "<script>x</script>" });
    expect(html).not.toMatch(/<script/);
    expect(html).toContain("&lt;script&gt;x&lt;/script&gt;");
  });
});
