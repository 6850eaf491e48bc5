// The drawn output, byte for byte: a change to a chart or table shows up here as a reviewable diff
// (update with `npx vitest run test/views -u` after checking the new rendering in a browser).
import { describe, expect, it } from "vitest";
import { decisionTable, nodeSankey, rulePathTable, serviceSplitSankey, traceConnection } from "../../lib/index.js";
import { wordpressCases } from "./gallery.js";
import { catalog, dump, node, wordpress } from "./support.js";

describe("snapshots", () => {
  it("the wordpress Service's split", async () => {
    const html = serviceSplitSankey(wordpress, { dump, id: "wordpress-split" });
    await expect(html).toMatchFileSnapshot("./__snapshots__/wordpress-split.html");
    const svg = /<svg[\s\S]*<\/svg>/.exec(html)![0];
    await expect(`${svg}\n`).toMatchFileSnapshot("./__snapshots__/wordpress-split.svg");
  });

  it("the whole node", async () => {
    await expect(nodeSankey(catalog, { id: "whole-node" })).toMatchFileSnapshot("./__snapshots__/whole-node.html");
  });

  it("a rule path table", async () => {
    const o = traceConnection(dump, node, { src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }).outcomes[0];
    await expect(rulePathTable(o, { tables: ["nat"] })).toMatchFileSnapshot("./__snapshots__/rule-path.html");
  });

  it("a decision table", async () => {
    await expect(decisionTable(wordpressCases())).toMatchFileSnapshot("./__snapshots__/decisions.html");
  });
});
