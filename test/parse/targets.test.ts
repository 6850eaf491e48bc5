// Every target the model types (lib/model/targets.ts): its typed fields, and how it prints.
import { describe, expect, it } from "vitest";
import type { Target, TableName } from "../../lib/index.js";
import { located, one } from "./support.js";

/** The target of one rule, asserting it parsed without errors or warnings. */
function targetOf(line: string, table: TableName = "filter", userChains: string[] = []): Target | null {
  const r = one(line, table, userChains);
  expect(r.errors).toEqual([]);
  expect(r.warnings).toEqual([]);
  return r.rule!.target;
}

describe("jumps", () => {
  it("-j CHAIN jumps and -g CHAIN goes to a user chain", () => {
    expect(targetOf("-A INPUT -j USER", "filter", ["USER"])).toEqual({ kind: "jump", chain: "USER", goto: false });
    expect(targetOf("-A INPUT -g USER", "filter", ["USER"])).toEqual({ kind: "jump", chain: "USER", goto: true });
    expect(one("-A INPUT --goto USER", "filter", ["USER"]).printed).toBe("-A INPUT -g USER");
  });

  it("refuse a built-in chain, a chain taking options, and goto to a target", () => {
    expect(located(one("-A INPUT -j OUTPUT").errors)).toEqual(["2:13 -j OUTPUT: cannot jump to a built-in chain"]);
    expect(located(one("-A INPUT -j USER --foo", "filter", ["USER"]).errors)).toEqual(["3:18 unexpected option --foo after -j USER: a chain takes no options"]);
    expect(located(one("-A INPUT -g ACCEPT").errors)).toEqual(["2:13 -g ACCEPT: goto needs a user chain, not a target"]);
  });
});

describe("verdicts", () => {
  it("ACCEPT, DROP, RETURN, QUEUE", () => {
    for (const kind of ["ACCEPT", "DROP", "RETURN", "QUEUE"] as const) {
      expect(targetOf(`-A INPUT -j ${kind}`)).toEqual({ kind });
      expect(one(`-A INPUT -j ${kind}`).printed).toBe(`-A INPUT -j ${kind}`);
    }
  });
});

describe("REJECT", () => {
  it("defaults to icmp-port-unreachable, always printed, and reads the short aliases", () => {
    expect(targetOf("-A INPUT -j REJECT")).toEqual({ kind: "REJECT", rejectWith: "icmp-port-unreachable" });
    expect(one("-A INPUT -j REJECT").printed).toBe("-A INPUT -j REJECT --reject-with icmp-port-unreachable");
    expect(targetOf("-A INPUT -j REJECT --reject-with host-prohib")).toEqual({ kind: "REJECT", rejectWith: "icmp-host-prohibited" });
    expect(one("-A INPUT -p tcp -j REJECT --reject-with tcp-rst").printed).toBe("-A INPUT -p tcp -j REJECT --reject-with tcp-reset");
  });

  it("refuses an unknown type, and tcp-reset without -p tcp (the kernel refuses it on load)", () => {
    expect(located(one("-A INPUT -j REJECT --reject-with nope").errors)[0]).toMatch(/^2:34 --reject-with: unknown type 'nope'/);
    expect(located(one("-A INPUT -j REJECT --reject-with tcp-reset").errors)).toEqual(["2:34 --reject-with tcp-reset only works on TCP: add -p tcp"]);
    expect(located(one("-A INPUT ! -p tcp -j REJECT --reject-with tcp-reset").errors)).toEqual(["2:43 --reject-with tcp-reset only works on TCP: add -p tcp"]);
  });
});

describe("MARK", () => {
  it("normalises every form to the kernel's (mark & ~mask) ^ value", () => {
    const cases: [string, number, number, string][] = [
      ["--set-xmark 0x4000/0x4000", 0x4000, 0x4000, "0x4000/0x4000"],
      ["--set-xmark 0x8000", 0x8000, 0xffffffff, "0x8000/0xffffffff"],
      ["--set-mark 0x1", 1, 0xffffffff, "0x1/0xffffffff"],
      ["--set-mark 0x1/0x3", 1, 3 | 1, "0x1/0x3"],
      ["--set-mark 0x4/0x3", 4, 3 | 4, "0x4/0x7"],
      ["--set-mark 5", 5, 0xffffffff, "0x5/0xffffffff"],
      ["--or-mark 0x4000", 0x4000, 0x4000, "0x4000/0x4000"],
      ["--and-mark 0xffff", 0, 0xffff0000, "0x0/0xffff0000"],
      ["--xor-mark 0x4000", 0x4000, 0, "0x4000/0x0"],
    ];
    for (const [options, value, mask, printed] of cases) {
      expect(targetOf(`-A PREROUTING -j MARK ${options}`, "mangle")).toEqual({ kind: "MARK", value, mask });
      expect(one(`-A PREROUTING -j MARK ${options}`, "mangle").printed).toBe(`-A PREROUTING -j MARK --set-xmark ${printed}`);
    }
  });

  it("refuses two operations and values above 32 bits", () => {
    expect(located(one("-A PREROUTING -j MARK --set-mark 1 --or-mark 2", "mangle").errors)).toEqual([
      "2:36 MARK: expected exactly one of --set-xmark, --set-mark, --and-mark, --or-mark, --xor-mark",
    ]);
    expect(located(one("-A PREROUTING -j MARK --set-mark 0x100000000", "mangle").errors)).toEqual([
      "2:34 --set-mark: 0x100000000 is too large: expected at most 4294967295",
    ]);
  });
});

describe("CONNMARK", () => {
  it("sets the connection mark like MARK, or saves and restores with masks", () => {
    const cases: [string, Target, string][] = [
      ["--set-mark 0x1", { kind: "CONNMARK", mode: "set", value: 1, mask: 0xffffffff }, "--set-xmark 0x1/0xffffffff"],
      ["--set-mark 0x1/0xff", { kind: "CONNMARK", mode: "set", value: 1, mask: 0xff }, "--set-xmark 0x1/0xff"],
      ["--or-mark 0x10", { kind: "CONNMARK", mode: "set", value: 0x10, mask: 0x10 }, "--set-xmark 0x10/0x10"],
      ["--and-mark 0xf", { kind: "CONNMARK", mode: "set", value: 0, mask: 0xfffffff0 }, "--set-xmark 0x0/0xfffffff0"],
      ["--save-mark", { kind: "CONNMARK", mode: "save", nfmask: 0xffffffff, ctmask: 0xffffffff }, "--save-mark --nfmask 0xffffffff --ctmask 0xffffffff"],
      ["--save-mark --mask 0xff", { kind: "CONNMARK", mode: "save", nfmask: 0xff, ctmask: 0xff }, "--save-mark --nfmask 0xff --ctmask 0xff"],
      ["--restore-mark --nfmask 0xff --ctmask 0xff00", { kind: "CONNMARK", mode: "restore", nfmask: 0xff, ctmask: 0xff00 }, "--restore-mark --nfmask 0xff --ctmask 0xff00"],
    ];
    for (const [options, target, printed] of cases) {
      expect(targetOf(`-A PREROUTING -j CONNMARK ${options}`, "mangle")).toEqual(target);
      expect(one(`-A PREROUTING -j CONNMARK ${options}`, "mangle").printed).toBe(`-A PREROUTING -j CONNMARK ${printed}`);
    }
  });
});

describe("DNAT and SNAT", () => {
  it("DNAT reads address ranges, ports and flags, printed in libxt_DNAT's order", () => {
    expect(targetOf("-A PREROUTING -p tcp -j DNAT --random --persistent --to-destination 10.1.1.1-10.1.1.5:80-90", "nat")).toEqual({
      kind: "DNAT", ranges: [{ minIp: "10.1.1.1", maxIp: "10.1.1.5", minPort: 80, maxPort: 90 }], random: true, persistent: true,
    });
    expect(one("-A PREROUTING -p tcp -j DNAT --random --persistent --to-destination 10.1.1.1:80", "nat").printed)
      .toBe("-A PREROUTING -p tcp -j DNAT --to-destination 10.1.1.1:80 --random --persistent");
    expect(targetOf("-A PREROUTING -j DNAT --to-destination 10.1.1.1", "nat")).toEqual({
      kind: "DNAT", ranges: [{ minIp: "10.1.1.1", maxIp: "10.1.1.1" }], random: false, persistent: false,
    });
    expect(targetOf("-A PREROUTING -p tcp -j DNAT --to-destination :8080", "nat")).toMatchObject({ ranges: [{ minPort: 8080, maxPort: 8080 }] });
    expect(one("-A PREROUTING -p tcp -j DNAT --to-destination :8080", "nat").printed).toBe("-A PREROUTING -p tcp -j DNAT --to-destination :8080");
  });

  it("SNAT reads --to-source and its three flags", () => {
    expect(targetOf("-A POSTROUTING -p tcp -j SNAT --persistent --random-fully --random --to-source 1.2.3.4:1000-2000", "nat")).toEqual({
      kind: "SNAT", ranges: [{ minIp: "1.2.3.4", maxIp: "1.2.3.4", minPort: 1000, maxPort: 2000 }], random: true, randomFully: true, persistent: true,
    });
    expect(one("-A POSTROUTING -p tcp -j SNAT --persistent --random-fully --random --to-source 1.2.3.4:1000-2000", "nat").printed)
      .toBe("-A POSTROUTING -p tcp -j SNAT --to-source 1.2.3.4:1000-2000 --random --random-fully --persistent");
  });

  it("refuse a port without -p tcp/udp/sctp/dccp, as iptables does", () => {
    expect(located(one("-A PREROUTING -j DNAT --to-destination 10.1.1.1:80", "nat").errors)).toEqual(["2:40 DNAT to a port needs -p tcp, udp, sctp or dccp"]);
    expect(located(one("-A POSTROUTING -p icmp -j SNAT --to-source 1.2.3.4:10", "nat").errors)).toEqual(["2:44 SNAT to a port needs -p tcp, udp, sctp or dccp"]);
    expect(one("-A PREROUTING -p udp -j DNAT --to-destination 10.1.1.2:53", "nat").errors).toEqual([]);
  });

  it("refuse a target without an address and --random-fully on DNAT", () => {
    expect(located(one("-A PREROUTING -j DNAT", "nat").errors)).toEqual(["2:1 DNAT: expected --to-destination ADDRESS[:PORT]"]);
    expect(located(one("-A PREROUTING -j DNAT --to-destination 10.1.1.1 --random-fully", "nat").errors)).toEqual([
      "2:49 DNAT: --random-fully is only for SNAT and MASQUERADE",
    ]);
  });
});

describe("MASQUERADE and REDIRECT", () => {
  it("MASQUERADE reads ports and flags", () => {
    expect(targetOf("-A POSTROUTING -j MASQUERADE", "nat")).toEqual({ kind: "MASQUERADE", random: false, randomFully: false });
    expect(targetOf("-A POSTROUTING -p tcp -j MASQUERADE --random-fully --random --to-ports 100-200", "nat")).toEqual({
      kind: "MASQUERADE", ports: { min: 100, max: 200 }, random: true, randomFully: true,
    });
    expect(one("-A POSTROUTING -p tcp -j MASQUERADE --random-fully --random --to-ports 100-200", "nat").printed)
      .toBe("-A POSTROUTING -p tcp -j MASQUERADE --to-ports 100-200 --random --random-fully");
  });

  it("REDIRECT reads ports", () => {
    expect(targetOf("-A PREROUTING -p tcp --dport 8080 -j REDIRECT --to-ports 3128", "nat")).toEqual({ kind: "REDIRECT", ports: { min: 3128, max: 3128 }, random: false });
    expect(located(one("-A PREROUTING -j REDIRECT --to-ports 3128", "nat").errors)).toEqual(["2:38 REDIRECT --to-ports needs -p tcp, udp, sctp or dccp"]);
  });
});

describe("LOG and NFLOG", () => {
  it("LOG reads prefix, level (named or numbered) and flags, printed in libxt_LOG's order", () => {
    expect(targetOf("-A INPUT -j LOG")).toEqual({
      kind: "LOG", level: 4, tcpSequence: false, tcpOptions: false, ipOptions: false, uid: false, macDecode: false,
    });
    const line = "-A INPUT -j LOG --log-macdecode --log-uid --log-ip-options --log-tcp-options --log-tcp-sequence --log-level info --log-prefix \"x y: \"";
    expect(targetOf(line)).toEqual({
      kind: "LOG", prefix: "x y: ", level: 6, tcpSequence: true, tcpOptions: true, ipOptions: true, uid: true, macDecode: true,
    });
    expect(one(line).printed).toBe('-A INPUT -j LOG --log-prefix "x y: " --log-level 6 --log-tcp-sequence --log-tcp-options --log-ip-options --log-uid --log-macdecode');
    expect(one("-A INPUT -j LOG --log-level 4").printed).toBe("-A INPUT -j LOG");
    expect(one("-A INPUT -j LOG --log-level debug").printed).toBe("-A INPUT -j LOG --log-level 7");
  });

  it("LOG refuses an empty prefix and one over 29 bytes, as libxt_LOG does", () => {
    expect(located(one('-A INPUT -j LOG --log-prefix ""').errors)).toEqual(["2:30 --log-prefix: expected at least 1 character"]);
    expect(located(one(`-A INPUT -j LOG --log-prefix ${"p".repeat(30)}`).errors)).toEqual(["2:30 --log-prefix: at most 29 characters"]);
  });

  it("NFLOG reads group, prefix, size and threshold, and leaves out the defaults (group 0, threshold 0)", () => {
    const line = '-A INPUT -j NFLOG --nflog-threshold 3 --nflog-size 64 --nflog-group 2 --nflog-prefix "two words"';
    expect(targetOf(line)).toEqual({ kind: "NFLOG", group: 2, prefix: "two words", size: 64, threshold: 3 });
    expect(one(line).printed).toBe('-A INPUT -j NFLOG --nflog-prefix "two words" --nflog-group 2 --nflog-size 64 --nflog-threshold 3');
    expect(one("-A INPUT -j NFLOG --nflog-group 0 --nflog-threshold 0").printed).toBe("-A INPUT -j NFLOG");
    expect(one("-A INPUT -j NFLOG --nflog-threshold 1").printed).toBe("-A INPUT -j NFLOG --nflog-threshold 1");
    expect(located(one('-A INPUT -j NFLOG --nflog-prefix ""').errors)).toEqual(["2:34 --nflog-prefix: expected at least 1 character"]);
  });
});

describe("CT, NOTRACK and TRACE", () => {
  it("CT --notrack and the old NOTRACK stay distinct", () => {
    expect(targetOf("-A PREROUTING -j CT --notrack", "raw")).toEqual({ kind: "CT", notrack: true, legacyName: false, options: [] });
    expect(targetOf("-A PREROUTING -j NOTRACK", "raw")).toEqual({ kind: "CT", notrack: true, legacyName: true, options: [] });
    expect(one("-A PREROUTING -j NOTRACK", "raw").printed).toBe("-A PREROUTING -j NOTRACK");
    expect(one("-A PREROUTING -j CT --notrack", "raw").printed).toBe("-A PREROUTING -j CT --notrack");
  });

  it("CT keeps its other options as written", () => {
    expect(targetOf("-A PREROUTING -p tcp --dport 21 -j CT --helper ftp", "raw")).toEqual({ kind: "CT", notrack: false, legacyName: false, options: ["--helper", "ftp"] });
    expect(one("-A PREROUTING -s 10.0.0.1 -j CT --zone-orig 2", "raw").printed).toBe("-A PREROUTING -s 10.0.0.1/32 -j CT --zone-orig 2");
  });

  it("TRACE", () => {
    expect(targetOf("-A OUTPUT -d 10.9.9.9 -j TRACE", "raw")).toEqual({ kind: "TRACE" });
    expect(one("-A OUTPUT -d 10.9.9.9 -j TRACE", "raw").printed).toBe("-A OUTPUT -d 10.9.9.9/32 -j TRACE");
  });
});

describe("unknown names", () => {
  it("-j to a name that is neither a chain nor a known target is an error, with or without options", () => {
    expect(located(one("-A INPUT -j NOPE").errors)).toEqual([
      "2:13 -j NOPE: no chain called 'NOPE' is declared in table filter before this line, and it is not a known target",
    ]);
    expect(located(one("-A INPUT -j NOSUCHTARGET --foo 1").errors)).toEqual([
      "2:13 -j NOSUCHTARGET: no chain called 'NOSUCHTARGET' is declared in table filter before this line, and it is not a known target",
    ]);
  });
});
