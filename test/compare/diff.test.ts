// Comparing two dumps: the Services that changed, their exact shares before and after, and the rules behind it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diffDumps, diffTable, fraction, parseDump, serviceKey, services } from "../../lib/index.js";
import { main } from "../../lib/cli/main.js";

const read = (p: string) => parseDump(readFileSync(new URL(`../../${p}`, import.meta.url), "utf8"), { file: p }).dump;
const before = read("data/wordpress/iptables-save.txt");
const after = read("data/wordpress-scaled/iptables-save.txt");

describe("diffDumps", () => {
  it("scaling wordpress from 2 to 3 pods changes one Service, with exact shares before and after", () => {
    const d = diffDumps(before, after);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.unchanged).toBe(13);
    expect(d.changed).toHaveLength(1);
    const c = d.changed[0];
    expect(c.key).toBe("default/wordpress-01-svc/tcp");
    expect(c.fields).toEqual(["endpoints"]);
    const third = fraction(2n ** 31n - 715820724n, 2n ** 32n);
    expect(c.endpoints).toEqual([
      { endpoint: "10.253.25.4:80", before: fraction(1, 2), after: fraction(715820724, 2 ** 31) },
      { endpoint: "10.253.51.6:80", before: fraction(0), after: third },
      { endpoint: "10.253.84.4:80", before: fraction(1, 2), after: third },
    ]);
  });

  it("names the rules that produced the change, with their lines in each dump", () => {
    const d = diffDumps(before, after);
    const svc = d.rules.find((r) => r.chain === "KUBE-SVC-QYS3VDMSAZUOTSWJ")!;
    expect(svc.removed.map((r) => r.line)).toEqual([174]);
    expect(svc.added.map((r) => r.line)).toEqual([176, 178, 179]);
    const sep = d.rules.find((r) => r.chain === "KUBE-SEP-TYIMNP3QHSNB4FLA")!;
    expect(sep.removed).toEqual([]);
    expect(sep.added.map((r) => r.text)).toEqual([
      '-A KUBE-SEP-TYIMNP3QHSNB4FLA -s 10.253.51.6/32 -m comment --comment "default/wordpress-01-svc:" -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-TYIMNP3QHSNB4FLA -p tcp -m comment --comment "default/wordpress-01-svc:" -m recent --set --name KUBE-SEP-TYIMNP3QHSNB4FLA --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.253.51.6:80',
    ]);
    expect(d.rules.map((r) => r.chain).sort()).toEqual(["KUBE-SEP-TYIMNP3QHSNB4FLA", "KUBE-SVC-QYS3VDMSAZUOTSWJ"]);
  });

  it("a dump compared with itself has no differences", () => {
    const d = diffDumps(before, before);
    expect(d).toMatchObject({ added: [], removed: [], changed: [], unchanged: 14, rules: [] });
  });

  it("reports Services that appear and disappear", () => {
    const text = readFileSync(new URL("../../data/wordpress/iptables-save.txt", import.meta.url), "utf8");
    const withoutMysql = parseDump(text.split("\n").filter((l) => !l.includes("mysql-01-svc") && !l.includes("KUBE-SVC-TQ2QDSSPFS6B64QO") && !l.includes("KUBE-SEP-SFVQ7C4KWYN7BIOU")).join("\n")).dump;
    const d = diffDumps(before, withoutMysql);
    expect(d.removed.map(serviceKey)).toEqual(["default/mysql-01-svc/tcp"]);
    expect(diffDumps(withoutMysql, before).added.map((s) => s.id)).toEqual(["default/mysql-01-svc:"]);
  });

  it("matches service ports across kube-proxy's 2018 and today's naming of unnamed ports", () => {
    const s = services(before).find((x) => x.name === "wordpress-01-svc")!;
    expect(serviceKey(s)).toBe(serviceKey({ ...s, id: "default/wordpress-01-svc", portName: "" }));
  });
});

describe("diffTable and the diff command", () => {
  it("renders the shares before and after, escaping dump text", () => {
    const html = diffTable(diffDumps(before, after));
    expect(html).toContain("10.253.51.6:80");
    expect(html).toContain("50% (1/2)");
    expect(html).toContain("KUBE-SEP-TYIMNP3QHSNB4FLA");
    expect(html).toContain("&quot;default/wordpress-01-svc:&quot;");
    expect(html).not.toContain('"default/wordpress-01-svc:"');
  });

  it("prints the change and exits 1 (they differ, as diff(1)); --json gives exact fractions", async () => {
    const out: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => out.push(s) };
    expect(await main(["diff", "data/wordpress/iptables-save.txt", "data/wordpress-scaled/iptables-save.txt"], io)).toBe(1);
    expect(out.join("\n")).toContain("0 added, 0 removed, 1 changed, 13 unchanged service ports");
    out.length = 0;
    expect(await main(["diff", "data/wordpress/iptables-save.txt", "data/wordpress-scaled/iptables-save.txt", "--json"], io)).toBe(1);
    const json = JSON.parse(out.join("\n"));
    expect(json.changed[0].endpoints[0]).toEqual({ endpoint: "10.253.25.4:80", before: "1/2", after: "178955181/536870912" });
    expect(await main(["diff", "data/wordpress/iptables-save.txt"], io)).toBe(2);
  });
});
