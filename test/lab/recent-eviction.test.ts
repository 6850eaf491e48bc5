// xt_recent's list size in the kernel: a list holds ip_list_tot addresses (100 unless the module was
// loaded with another value) and a new address in a full list evicts the least recently set one.
// Checked in a throwaway namespace (a veth pair with both ends inside it, no link to the host) and compared with the
// simulator run with the same recentListSize. Skipped without root unless KIL_REQUIRE_KERNEL=1.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadNodeContext, parseDump, parseRecentLists, simulateConnections, type TimedConnection } from "../../lib/index.js";
import { execIn, netnsAvailable, withNetns } from "../support/netns.js";

const availability = netnsAvailable();
const required = process.env.KIL_REQUIRE_KERNEL === "1";
if (!availability.ok && !required) console.warn(`xt_recent eviction test skipped: ${availability.reason}`);

const RULES = [
  "*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]",
  "-A OUTPUT -d 10.99.0.0/16 -p udp -m recent --set --name EVICT --mask 255.255.255.255 --rdest",
  "COMMIT", "",
].join("\n");
const SENT = 150;
const destination = (i: number) => `10.99.1.${i}`;

/** The module's ip_list_tot as loaded on this machine (after the first use of -m recent). */
function ipListTot(): number {
  return Number(readFileSync("/sys/module/xt_recent/parameters/ip_list_tot", "utf8").trim());
}

describe.runIf(availability.ok || required)("xt_recent eviction in the kernel", () => {
  it(`keeps the last ip_list_tot of ${SENT} addresses, as the simulator does with that recentListSize`, async () => {
    if (!availability.ok) throw new Error(`kernel tests required (KIL_REQUIRE_KERNEL=1) but unavailable: ${availability.reason}`);
    const kernel = await withNetns("rcnt", 1, async ([ns]) => {
      const must = async (cmd: string, args: string[], input?: string) => {
        const r = await execIn(ns!, cmd, args, input === undefined ? {} : { input });
        if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr || r.error}`);
        return r.stdout;
      };
      // Both ends of the veth pair stay in the namespace; nothing answers on the other end.
      await must("ip", ["link", "add", "d0", "type", "veth", "peer", "name", "d1"]);
      await must("ip", ["addr", "add", "10.99.0.1/16", "dev", "d0"]);
      await must("ip", ["link", "set", "d0", "up"]);
      await must("ip", ["link", "set", "d1", "up"]);
      await must("iptables-legacy-restore", [], RULES);
      // One UDP datagram to each address, in order; nobody answers the ARP requests, so they go no further than OUTPUT.
      await must("bash", ["-c", `for i in $(seq 1 ${SENT}); do echo x > /dev/udp/10.99.1.$i/9; done`]);
      return must("cat", ["/proc/net/xt_recent/EVICT"]);
    });
    const limit = ipListTot();
    const kernelList = parseRecentLists({ EVICT: kernel }).get("EVICT")!.map((e) => e.address).sort();
    expect(kernelList).toEqual(Array.from({ length: limit }, (_, k) => destination(SENT - limit + 1 + k)).sort());

    const { dump, errors } = parseDump(RULES);
    expect(errors).toEqual([]);
    const node = loadNodeContext({ interfaces: [{ name: "lo", addresses: ["127.0.0.1/8"] }, { name: "d0", addresses: ["10.99.0.1/16"] }], recentListSize: limit });
    const connections: TimedConnection[] = Array.from({ length: SENT }, (_, k) => ({ time: k, protocol: "udp", src: "10.99.0.1", dst: destination(k + 1), dport: 9, from: "local" }));
    const events = simulateConnections(dump, node, connections);
    const simulated = [...(events[events.length - 1].recent.get("EVICT") ?? [])].map((e) => e.address).sort();
    expect(simulated).toEqual(kernelList);
  }, 60_000);
});
