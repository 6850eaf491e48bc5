// kube-proxy's service port names in comments, then and now.
import { describe, expect, it } from "vitest";
import { parseServicePortName } from "../../lib/index.js";

describe("parseServicePortName", () => {
  it("reads a named port, with or without a suffix", () => {
    expect(parseServicePortName("kube-system/kube-dns:dns-tcp cluster IP")).toEqual({ id: "kube-system/kube-dns:dns-tcp", namespace: "kube-system", name: "kube-dns", portName: "dns-tcp" });
    expect(parseServicePortName("default/web:http -> 10.244.1.5:8080")?.id).toBe("default/web:http");
  });

  it("reads 2018's unnamed port (`ns/name:`) and today's (`ns/name`) as different ids with an empty port name", () => {
    expect(parseServicePortName("default/wordpress-01-svc: cluster IP")).toEqual({ id: "default/wordpress-01-svc:", namespace: "default", name: "wordpress-01-svc", portName: "" });
    expect(parseServicePortName("default/web cluster IP")).toEqual({ id: "default/web", namespace: "default", name: "web", portName: "" });
    expect(parseServicePortName("default/web -> 10.244.1.5:8080")?.id).toBe("default/web");
    expect(parseServicePortName("default/web")?.id).toBe("default/web");
  });

  it("is null for comments that name no service", () => {
    expect(parseServicePortName("kubernetes service portals")).toBeNull();
    expect(parseServicePortName("masquerade traffic for default/web external destinations")).toBeNull();
  });
});
