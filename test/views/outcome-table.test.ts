// The one-row-per-outcome answer (outcomeTable): its content for the wordpress cases, byte for byte, and escaping.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { escapeHtml, loadNodeContext, outcomeTable, parseDump, traceConnection } from "../../lib/index.js";
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
    await expect(lines(html)).toMatchFileSnapshot("./__snapshots__/outcome-table.html");
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
