// MASQUERADE out of lo: a process on the node calls a Service whose endpoint
// is the node itself (kubernetes API 10.254.0.1:443 -> 172.16.1.10:6443).
// The packet is marked 0x4000 twice and masqueraded in POSTROUTING on lo.
// The kernel's inet_select_addr(lo, ..., RT_SCOPE_UNIVERSE) skips 127.0.0.1
// (host scope) and takes the first global address of any interface: eth0's
// 172.16.1.10. The kernel lab saw exactly that (data/wordpress/scenarios.json,
// scenario node-to-kubernetes-api).
import { describe, expect, it } from "vitest";
import { selectAddress } from "../../lib/index.js";
import { node, trace } from "./wordpress.js";

describe("MASQUERADE out of lo", () => {
  it("never picks a loopback address", () => {
    expect(selectAddress(node, "lo", "172.16.1.10")).toBe("172.16.1.10");
    expect(selectAddress(node, "lo", null)).toBe("172.16.1.10");
  });

  it("a node process calling the kubernetes API Service is seen as 172.16.1.10", () => {
    const t = trace({ src: "172.16.1.10", dst: "10.254.0.1", dport: 443, from: "local" });
    expect(t.outcomes).toHaveLength(1);
    const o = t.outcomes[0];
    expect(o.verdict).toBe("accepted");
    expect(o.delivery).toBe("local");
    expect(o.after).toMatchObject({ dst: "172.16.1.10", dport: 6443, src: "172.16.1.10" });
    expect(o.snat).toMatchObject({ target: "MASQUERADE", interface: "lo", to: "172.16.1.10:40000" });
  });

  it("still prefers the outgoing interface's own address", () => {
    expect(selectAddress(node, "flannel.1", "10.253.25.4")).toBe("10.253.51.0");
    expect(selectAddress(node, "docker0", "10.253.51.3")).toBe("10.253.51.1");
    expect(selectAddress(node, "eth0", "172.16.1.1")).toBe("172.16.1.10");
  });
});
