// What the tables say: rule paths with highlights, mark arithmetic, NAT, verdicts, endpoints, affinity lists.
import { describe, expect, it } from "vitest";
import { parseHTML } from "linkedom";
import {
  affinityTable, decisionTable, dnatTable, emptyState, endpointTable, highlightRule, markTable, parseRecentLists, rulePathTable, serviceCatalogTable,
  setLanguage, snatTable, show, traceConnection, verdictTable,
} from "../../lib/index.js";
import { wordpressCases } from "./gallery.js";
import { catalog, dump, heketi, node, wordpress } from "./support.js";

const dom = (html: string) => parseHTML(`<!doctype html><html><body>${html}</body></html>`).document;
const rowsOf = (html: string) => [...dom(html).querySelectorAll("table.kil-table > tbody > tr")];
const cells = (tr: { querySelectorAll(s: string): Iterable<{ textContent: string | null }> }) => [...tr.querySelectorAll(":scope > td")].map((td) => td.textContent ?? "");
const outside = () => traceConnection(dump, node, { src: "172.16.1.100", dst: "10.254.42.62", dport: 80 });

describe("rulePathTable", () => {
  it("lists every step with the failing condition of skipped rules highlighted", () => {
    const o = outside().outcomes[0];
    const html = rulePathTable(o);
    const doc = dom(html);
    const rows = rowsOf(html);
    expect(rows).toHaveLength(o.steps.length);
    const skipped = rows.find((r) => cells(r)[4] === "131")!;
    expect(skipped.getAttribute("class")).toBe("kil-skipped");
    expect(skipped.querySelector(".kil-miss")!.textContent).toBe("-d 10.254.112.177/32");
    expect(cells(skipped)[6]).toBe("no: -d 10.254.112.177/32: destination is 10.254.42.62");
    const affinity = rows.find((r) => cells(r)[4] === "172")!;
    expect(affinity.querySelector(".kil-miss")!.textContent).toBe("-m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-Q6QA3I2UU4P2TRVC --mask 255.255.255.255 --rsource");
    const hit = rows.find((r) => cells(r)[4] === "140")!;
    expect([...hit.querySelectorAll(".kil-hit")].map((s) => s.textContent)).toEqual(["-d 10.254.42.62/32 -p tcp", "-m tcp --dport 80"]);
    expect(hit.querySelector(".kil-target")!.textContent).toBe("-j KUBE-SVC-QYS3VDMSAZUOTSWJ");
    expect(cells(hit)[6]).toBe("matched: jump to KUBE-SVC-QYS3VDMSAZUOTSWJ");
    const random = rows.find((r) => cells(r)[4] === "174")!;
    expect(cells(random)[6]).toContain("(random branch, 1/2)");
    expect(doc.querySelector(".kil-caption")!.textContent).toContain("probability 1/2 (50%)");
  });

  it("can hide rules that did not match, and keep to some tables", () => {
    const o = outside().outcomes[0];
    const lines = (html: string) => rowsOf(html).map((r) => cells(r)[4]).filter(Boolean).map(Number);
    expect(lines(rulePathTable(o, { hideNonMatching: true, tables: ["nat"], showOtherSteps: false }))).toEqual([77, 139, 85, 140, 174, 118, 81, 96]);
    expect(rowsOf(rulePathTable(o, { hideNonMatching: true })).some((r) => r.getAttribute("class") === "kil-skipped")).toBe(false);
  });

  it("highlightRule marks nothing for other steps and escapes everything", () => {
    expect(highlightRule(`-A X -m comment --comment "<b>" -j ACCEPT`)).toBe("-A X -m comment --comment &quot;&lt;b&gt;&quot; -j ACCEPT");
    expect(highlightRule("-A X -s 1.2.3.4/32 -j ACCEPT", { kind: "rule", matched: false, reason: "-s 1.2.3.4/32: source is 5.6.7.8" }))
      .toBe(`-A X <span class="kil-miss" title="source is 5.6.7.8">-s 1.2.3.4/32</span> <span class="kil-target">-j ACCEPT</span>`);
    // A reason whose condition is not in the text highlights nothing, and still escapes.
    expect(highlightRule("-A X -j ACCEPT", { kind: "rule", matched: false, reason: "<odd>: reason" })).toBe(`-A X <span class="kil-target">-j ACCEPT</span>`);
  });
});

describe("decision tables", () => {
  it("markTable: the MARK arithmetic (mark & ~mask) ^ value in hex and binary, and each mark test", () => {
    const html = markTable(outside().outcomes[0], dump);
    const doc = dom(html);
    const bits = [...doc.querySelectorAll("table.kil-bits")];
    expect(bits).toHaveLength(3);
    const rows = (t: (typeof bits)[number]) => [...t.querySelectorAll("tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent));
    expect(rows(bits[0])).toEqual([
      ["mark", "0x00000000", "0000 0000 0000 0000 0000 0000 0000 0000"],
      ["& ~mask", "0xffffbfff", "1111 1111 1111 1111 1011 1111 1111 1111"],
      ["=", "0x00000000", "0000 0000 0000 0000 0000 0000 0000 0000"],
      ["^ value", "0x00004000", "0000 0000 0000 0000 0100 0000 0000 0000"],
      ["= new mark", "0x00004000", "0000 0000 0000 0000 0100 0000 0000 0000"],
    ]);
    expect(doc.body.textContent).toContain("(mark & ~0x00004000) ^ 0x00004000");
    expect(rows(bits[2])[3]).toEqual(["== value?", "0x00004000", "0000 0000 0000 0000 0100 0000 0000 0000"]);
    expect(doc.body.textContent).toContain("equal: matches");
    // Lines 85 (MARK), 28 (filter KUBE-FORWARD test), 96 (KUBE-POSTROUTING test).
    expect(rowsOf(html).map((r) => cells(r).find((c, i) => i > 0 && /^\d+$/.test(c) && Number(c) > 20))).toEqual(["85", "28", "96"]);
  });

  it("markTable without the dump, and for a packet nobody marks", () => {
    const pod = traceConnection(dump, node, { src: "10.253.51.9", dst: "10.254.42.62", dport: 80 });
    expect(markTable(pod, dump, { tests: false })).toContain("No rule set or tested the packet&#39;s mark");
    expect(markTable(pod, dump)).toContain("not equal: does not match");
    expect(markTable(outside().outcomes[0], null)).toContain("0x00000000 → 0x00004000");
  });

  it("dnatTable, snatTable, verdictTable: before → after, rule and line, interface and why", () => {
    const t = outside();
    const d = rowsOf(dnatTable(t)).map(cells);
    expect(d.map((r) => r.slice(0, 6))).toEqual([
      ["1", "1/2 (50%)", "10.254.42.62:80", "10.253.25.4:80", "DNAT in KUBE-SEP-Q6QA3I2UU4P2TRVC (nat PREROUTING)", "118"],
      ["2", "1/2 (50%)", "10.254.42.62:80", "10.253.84.4:80", "DNAT in KUBE-SEP-I7ZLLXO3AGNMS3PQ (nat PREROUTING)", "114"],
    ]);
    const s = rowsOf(snatTable(t)).map(cells);
    expect(s[0].slice(2, 8)).toEqual(["172.16.1.100:40000", "10.253.51.0:40000", "MASQUERADE in KUBE-POSTROUTING (nat POSTROUTING)", "flannel.1", "96", "first global-scope address of flannel.1 for next hop 10.253.25.4"]);
    const api = traceConnection(dump, node, { src: "172.16.1.100", dst: "10.254.0.1", dport: 443 });
    expect(rowsOf(snatTable(api)).map(cells)[0][7]).toContain("the receiver sees the client's own address 172.16.1.100");
    const v = rowsOf(verdictTable(api)).map(cells)[0];
    expect(v.slice(0, 7)).toEqual(["1", "1 (100%)", "accepted", "default/kubernetes:https", "delivered to a process on the node", "tcp 172.16.1.100:40000 -> 172.16.1.10:6443", "0x4000"]);
    const nothing = rowsOf(verdictTable(traceConnection(dump, node, { src: "172.16.1.100", dst: "10.254.42.62", dport: 81 }))).map(cells)[0];
    expect(nothing.slice(3, 5)).toEqual(["none: no Service rule matched", "sent out of eth0 toward 172.16.1.1"]);
  });

  it("decisionTable compares connections: Service port, endpoint, DNAT, SNAT, the source the receiver sees, mark, verdict", () => {
    const html = decisionTable(wordpressCases());
    const rows = rowsOf(html).map(cells);
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual(["outside client → ClusterIP", "1/2 (50%)", "default/wordpress-01-svc:", "10.253.25.4:80", "10.254.42.62:80 → 10.253.25.4:80 (line 118)", "MASQUERADE → 10.253.51.0:40000 (line 96, out of flannel.1)", "10.253.51.0:40000", "0x4000", "accepted, out of flannel.1"]);
    expect(rows[4].slice(6)).toEqual(["10.253.51.0:40000", "0x0", "accepted, out of flannel.1"]);
    expect(rows[6]).toEqual(["outside client → kubernetes API", "1 (100%)", "default/kubernetes:https", "172.16.1.10:6443", "10.254.0.1:443 → 172.16.1.10:6443 (line 108)", "none", "172.16.1.100:40000", "0x4000", "accepted, delivered locally"]);
    expect(dom(html).querySelectorAll("td[rowspan='2']")).toHaveLength(3);
    // A bare trace gets a label from its packet.
    expect(rowsOf(decisionTable([outside()])).map(cells)[0][0]).toBe("tcp 172.16.1.100:40000 -> 10.254.42.62:80 (in on eth0)");
    // A port the Service does not have: no Service rule matched, and nothing owns the destination, so no endpoint and no receiver.
    const nothing = rowsOf(decisionTable([{ label: "pod → ClusterIP:81", trace: traceConnection(dump, node, { src: "10.253.51.9", dst: "10.254.42.62", dport: 81 }) }])).map(cells);
    expect(nothing).toEqual([["pod → ClusterIP:81", "1 (100%)", "none: no Service rule matched", "nobody: nothing owns 10.254.42.62:81", "none", "MASQUERADE → 172.16.1.10:40000 (line 82, out of eth0)", "—", "0x0", "accepted, out of eth0"]]);
  });
});

describe("service tables", () => {
  it("serviceCatalogTable: one row per Service port", () => {
    const rows = rowsOf(serviceCatalogTable(catalog)).map(cells);
    expect(rows).toHaveLength(14);
    const wp = rows.find((r) => r[0] === "default/wordpress-01-svc")!;
    expect(wp).toEqual(["default/wordpress-01-svc", "tcp", "10.254.42.62:80", "32765", "10.253.25.4:80 (50%)10.253.84.4:80 (50%)", "ClientIP, 10800 s", "KUBE-SVC-QYS3VDMSAZUOTSWJ", "89, 140", ""]);
  });

  it("endpointTable: per-rule and effective probability, exact and in percent, with the kernel's n/2^31", () => {
    const rows = rowsOf(endpointTable(heketi)).map(cells);
    expect(rows).toEqual([
      ["1", "172.16.1.10:1", "KUBE-SEP-GTAFP74BZFPH6CQM", "163", "0.33332999982", "715820724 / 2^31", "178955181/536870912", "1 (100%)", "178955181/536870912", "33.333%", "", "110"],
      ["2", "172.16.1.11:1", "KUBE-SEP-6O64CPVDJXXVN5BC", "164", "0.50000000000", "1073741824 / 2^31", "1/2", "357915731/536870912 (66.667%)", "357915731/1073741824", "33.334%", "", "98"],
      ["3", "172.16.1.12:1", "KUBE-SEP-XN3I23B6JXDLF55A", "165", "none: takes the rest", "", "1", "357915731/1073741824 (33.334%)", "357915731/1073741824", "33.334%", "", "128"],
    ]);
    const wp = rowsOf(endpointTable(wordpress)).map(cells);
    expect(wp.map((r) => [r[1], r[8], r[10]])).toEqual([["10.253.25.4:80", "1/2", "172"], ["10.253.84.4:80", "1/2", "173"]]);
  });

  it("affinityTable: list, endpoint, address, last seen, age, time left", () => {
    const recent = parseRecentLists({
      "KUBE-SEP-Q6QA3I2UU4P2TRVC": "src=172.16.1.100 ttl: 64 last_seen: 100 oldest_pkt: 2 50, 100\nsrc=172.16.1.101 ttl: 64 last_seen: 200 oldest_pkt: 1 200",
      "OTHER-LIST": "src=10.0.0.1 ttl: 64 last_seen: 0 oldest_pkt: 1 0",
    });
    const rows = rowsOf(affinityTable(recent, 11000, { services: catalog })).map(cells);
    expect(rows).toEqual([
      ["KUBE-SEP-Q6QA3I2UU4P2TRVC", "default/wordpress-01-svc → 10.253.25.4:80", "172.16.1.100", "100", "10900 s", "", "expired 100 s ago", "2"],
      ["172.16.1.101", "200", "10800 s", "0 s", "sticks", "1"],
      ["OTHER-LIST", "no Service endpoint uses this list", "10.0.0.1", "0", "11000 s", "", "expired 200 s ago", "1"],
    ]);
    expect(rowsOf(affinityTable(emptyState().recent, 0)).map(cells)).toEqual([["The lists are empty: no client has been recorded yet."]]);
  });

  it("affinityTable without the Services says the endpoint is unknown, in the column and in the note, in both languages", () => {
    const recent = parseRecentLists({ "KUBE-SEP-Q6QA3I2UU4P2TRVC": "src=172.16.1.100 ttl: 64 last_seen: 100 oldest_pkt: 1 100" });
    const html = affinityTable(recent, 200);
    expect(rowsOf(html).map(cells)).toEqual([["KUBE-SEP-Q6QA3I2UU4P2TRVC", "unknown without the Services", "172.16.1.100", "100", "100 s", "10700 s", "sticks", "1"]]);
    expect(html).toContain("Without the Services the endpoint of each list is unknown");
    expect(affinityTable(recent, 200, { services: catalog })).not.toContain("unknown");
    setLanguage("zh-CN");
    try {
      const zh = affinityTable(recent, 200);
      expect(rowsOf(zh).map(cells)[0][1]).toBe("不知道（没有传入 Service）");
      expect(zh).toContain("没有传入 Service，就不知道每个列表对应哪个端点");
      expect(zh).not.toMatch(/unknown|Without/);
    } finally {
      setLanguage("en");
    }
  });
});

describe("show", () => {
  it("returns the HTML outside a notebook, hands it to a display inside one", () => {
    expect(show("<p>x</p>")).toBe("<p>x</p>");
    const shown: string[] = [];
    expect(show("<p>y</p>", { html: (h) => shown.push(h) })).toBeUndefined();
    expect(shown).toEqual(["<p>y</p>"]);
    // tslab's display throws outside a running cell: the string comes back.
    expect(show("<p>z</p>", { html: () => { throw new Error("Not ready"); } })).toBe("<p>z</p>");
  });
});
