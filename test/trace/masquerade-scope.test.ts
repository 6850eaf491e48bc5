// MASQUERADE's source address with address scopes: only global-scope addresses are chosen, as the
// kernel's inet_select_addr(dev, nexthop, RT_SCOPE_UNIVERSE) does (kernel check: test/lab/kernel-link-scope.test.ts).
import { describe, expect, it } from "vitest";
import { loadNodeContext, nodeFromIpJson, NodeContextError, parseDump, selectAddress, traceConnection } from "../../lib/index.js";
import { readRepoFile } from "../parse/support.js";

const linkScope = JSON.parse(readRepoFile("data/link-scope-today/node.json"));

describe("address scopes in the node description", () => {
  it("read from { address, scope }; without one, 127.0.0.0/8 is host scope and the rest global", () => {
    const node = loadNodeContext(linkScope);
    expect(node.interfaces.map((i) => i.addresses)).toEqual([
      [{ address: "127.0.0.1", prefix: 8, scope: "host" }],
      [{ address: "192.168.0.2", prefix: 24, scope: "global" }],
      [{ address: "169.254.1.1", prefix: 32, scope: "link" }],
    ]);
  });

  it("refuse a scope ip does not print", () => {
    const bad = { ...linkScope, interfaces: [{ name: "eth0", addresses: [{ address: "10.0.0.1/24", scope: "galaxy" }] }] };
    expect(() => loadNodeContext(bad, "n.json")).toThrow(NodeContextError);
    expect(() => loadNodeContext(bad, "n.json")).toThrow(/^n\.json: interfaces\[0\]\.addresses\[0\]\.scope: expected one of "global", "site", "link", "host" .*, got "galaxy"$/);
  });
});

describe("selectAddress", () => {
  it("skips a link-scope address: out of cali1 the source is eth0's global address", () => {
    const node = loadNodeContext(linkScope);
    expect(selectAddress(node, "cali1", "10.244.1.5")).toBe("192.168.0.2");
  });

  it("takes the interface's own address once it has a global one, the next hop's subnet first", () => {
    const node = loadNodeContext({
      ...linkScope,
      interfaces: [...linkScope.interfaces.slice(0, 2), { name: "cali1", addresses: [{ address: "169.254.1.1/32", scope: "link" }, "10.244.1.1/26", "10.244.1.65/26"] }],
    });
    expect(selectAddress(node, "cali1", "10.244.1.70")).toBe("10.244.1.65");
    expect(selectAddress(node, "cali1", "10.99.0.1")).toBe("10.244.1.1");
  });

  it("skips site and host scope too, and returns null when the node has no global address at all", () => {
    const node = loadNodeContext({ interfaces: [{ name: "lo", addresses: ["127.0.0.1/8"] }, { name: "x0", addresses: [{ address: "10.0.0.1/24", scope: "site" }] }] });
    expect(selectAddress(node, "x0", null)).toBeNull();
  });
});

describe("the simulator on the link-scope node", () => {
  it("masquerades a NodePort connection to the local pod behind cali1 to 192.168.0.2, and says why", () => {
    const { dump } = parseDump(readRepoFile("data/link-scope-today/iptables-save.txt"));
    const t = traceConnection(dump, loadNodeContext(linkScope), { src: "192.168.0.100", dst: "192.168.0.2", dport: 30080 });
    expect(t.outcomes).toHaveLength(1);
    const o = t.outcomes[0];
    expect(o.after.src).toBe("192.168.0.2");
    expect(o.snat!.why).toMatch(/^cali1 has no global-scope address \(link- and host-scope ones are skipped\): the first one of the node, on eth0/);
  });
});

describe("node-context keeps the scope ip -j addr prints", () => {
  const addr = [
    { ifname: "lo", addr_info: [{ family: "inet", local: "127.0.0.1", prefixlen: 8, scope: "host" }] },
    { ifname: "eth0", addr_info: [{ family: "inet", local: "192.168.0.2", prefixlen: 24, scope: "global" }, { family: "inet6", local: "fe80::1", prefixlen: 64, scope: "link" }] },
    { ifname: "cali1", addr_info: [{ family: "inet", local: "169.254.1.1", prefixlen: 32, scope: "link" }] },
  ];
  const route = [{ dst: "default", gateway: "192.168.0.1", dev: "eth0" }, { dst: "10.244.1.5", dev: "cali1", scope: "link" }];

  it("writes a non-default scope as { address, scope } and the rest as plain strings", () => {
    const json = nodeFromIpJson(addr, route, "node-a");
    expect(json.interfaces).toEqual([
      { name: "lo", addresses: ["127.0.0.1/8"] },
      { name: "eth0", addresses: ["192.168.0.2/24"] },
      { name: "cali1", addresses: [{ address: "169.254.1.1/32", scope: "link" }] },
    ]);
    expect(selectAddress(loadNodeContext(json), "cali1", "10.244.1.5")).toBe("192.168.0.2");
  });
});
