// Every match module the model types (lib/model/matches.ts): its typed fields, and how it prints.
import { describe, expect, it } from "vitest";
import { cidrContains, type Match } from "../../lib/index.js";
import { located, one } from "./support.js";

/** The matches of one rule, asserting it parsed without errors or warnings. */
function matchesOf(line: string): Match[] {
  const r = one(line);
  expect(r.errors).toEqual([]);
  expect(r.warnings).toEqual([]);
  return r.rule!.matches;
}

const port = (min: number, max = min) => ({ min, max });

describe("tcp", () => {
  it("reads ports, ranges, flags and option", () => {
    const [m] = matchesOf("-A INPUT -p tcp -m tcp --sport 1024: ! --dport 8000:8080 --tcp-option 2 ! --tcp-flags SYN,ACK SYN -j ACCEPT");
    expect(m).toEqual({
      kind: "tcp",
      sport: { value: port(1024, 65535), invert: false },
      dport: { value: port(8000, 8080), invert: true },
      option: { value: 2, invert: false },
      flags: { value: { mask: 0x12, comp: 0x02 }, invert: true },
    });
  });

  it("loads implicitly after -p tcp, where the first option appears", () => {
    const r = one("-A INPUT -s 10.0.0.1 -m comment --comment c -p tcp --dport 80 -j ACCEPT");
    expect(r.rule!.matches.map((m) => m.kind)).toEqual(["comment", "tcp"]);
    expect(r.printed).toBe("-A INPUT -s 10.0.0.1/32 -p tcp -m comment --comment c -m tcp --dport 80 -j ACCEPT");
  });

  it("reads --syn as --tcp-flags FIN,SYN,RST,ACK SYN, and service names as ports", () => {
    const r = one("-A INPUT -p tcp --syn --dport http -j ACCEPT");
    expect(r.rule!.matches[0]).toEqual({ kind: "tcp", flags: { value: { mask: 0x17, comp: 0x02 }, invert: false }, dport: { value: port(80), invert: false } });
    expect(r.printed).toBe("-A INPUT -p tcp -m tcp --dport 80 --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT");
  });

  it("prints as libxt_tcp does: 80:80 is 80, :1023 is 0:1023, ALL is every flag", () => {
    expect(one("-A INPUT -p tcp --sport :1023 --dport 80:80 -j ACCEPT").printed).toBe("-A INPUT -p tcp -m tcp --sport 0:1023 --dport 80 -j ACCEPT");
    expect(one("-A INPUT -p tcp --tcp-flags ALL NONE -j DROP").printed).toBe("-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE -j DROP");
  });

  it("leaves out a port range covering every port, even negated, as libxt_tcp does", () => {
    expect(one("-A INPUT -p tcp --dport 0:65535 -j ACCEPT").printed).toBe("-A INPUT -p tcp -m tcp -j ACCEPT");
    expect(one("-A INPUT -p tcp ! --dport 0:65535 -j ACCEPT").printed).toBe("-A INPUT -p tcp -m tcp -j ACCEPT");
    expect(one("-A INPUT -p tcp --sport 0:65535 --dport 1:65535 -j ACCEPT").printed).toBe("-A INPUT -p tcp -m tcp --dport 1:65535 -j ACCEPT");
  });

  it("leaves out --tcp-flags with an empty mask unless it is negated", () => {
    expect(one("-A INPUT -p tcp --tcp-flags NONE NONE -j ACCEPT").printed).toBe("-A INPUT -p tcp -m tcp -j ACCEPT");
    expect(one("-A INPUT -p tcp ! --tcp-flags NONE NONE -j ACCEPT").printed).toBe("-A INPUT -p tcp -m tcp ! --tcp-flags NONE NONE -j ACCEPT");
  });

  it("refuses --tcp-option 0, as libxt_tcp does (Bad TCP option)", () => {
    expect(located(one("-A INPUT -p tcp --tcp-option 0 -j ACCEPT").errors)).toEqual(["2:30 --tcp-option: expected an option kind from 1 to 255, got 0"]);
  });
});

describe("udp and sctp", () => {
  it("udp reads ports and prints -m udp", () => {
    const r = one("-A INPUT -p udp --sport 53 ! --dport 1000:2000 -j ACCEPT");
    expect(r.rule!.matches[0]).toEqual({ kind: "udp", sport: { value: port(53), invert: false }, dport: { value: port(1000, 2000), invert: true } });
    expect(r.printed).toBe("-A INPUT -p udp -m udp --sport 53 ! --dport 1000:2000 -j ACCEPT");
    expect(one("-A INPUT -p udp --dport 0:65535 -j ACCEPT").printed).toBe("-A INPUT -p udp -m udp -j ACCEPT");
  });

  it("sctp reads ports and keeps chunk types as written", () => {
    const r = one("-A INPUT -p sctp -m sctp --dport 3868 --chunk-types any INIT -j ACCEPT");
    expect(r.rule!.matches[0]).toEqual({ kind: "sctp", dport: { value: port(3868), invert: false }, chunkTypes: { value: ["any", "INIT"], invert: false } });
    expect(r.printed).toBe("-A INPUT -p sctp -m sctp --dport 3868 --chunk-types any INIT -j ACCEPT");
  });

  it("-p 132 is sctp", () => {
    expect(one("-A INPUT -p 132 --dport 9 -j ACCEPT").printed).toBe("-A INPUT -p sctp -m sctp --dport 9 -j ACCEPT");
  });
});

describe("multiport", () => {
  it("reads --dports, --sports and --ports with ranges", () => {
    expect(matchesOf("-A INPUT -p tcp -m multiport --dports 80,443,8000:8080 -j ACCEPT")[0]).toEqual({
      kind: "multiport", direction: "destination", ports: [port(80), port(443), port(8000, 8080)], invert: false,
    });
    expect(matchesOf("-A INPUT -p udp -m multiport ! --sports 53,123 -j ACCEPT")[0]).toEqual({
      kind: "multiport", direction: "source", ports: [port(53), port(123)], invert: true,
    });
    expect(matchesOf("-A INPUT -p tcp -m multiport --ports 22 -j ACCEPT")[0]).toMatchObject({ direction: "either" });
  });

  it("prints the short option names", () => {
    expect(one("-A INPUT -p tcp -m multiport --destination-ports 80,443 -j ACCEPT").printed).toBe("-A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT");
  });

  it("takes at most 15 ports, a range counting two", () => {
    const fifteen = Array.from({ length: 15 }, (_, i) => 1000 + i).join(",");
    expect(one(`-A INPUT -p tcp -m multiport --dports ${fifteen} -j ACCEPT`).errors).toEqual([]);
    expect(located(one(`-A INPUT -p tcp -m multiport --dports ${fifteen},2000 -j ACCEPT`).errors)).toEqual([
      "2:39 --dports: too many ports: multiport takes at most 15 (a range counts as two)",
    ]);
  });

  it("refuses a range with a missing end or without its first port below its last, as libxt_multiport does", () => {
    for (const bad of ["80:80", ":80", "80:"]) {
      expect(located(one(`-A INPUT -p tcp -m multiport --dports ${bad},443 -j ACCEPT`).errors)).toEqual([
        `2:39 --dports: invalid port range '${bad}': expected FIRST:LAST with FIRST below LAST`,
      ]);
    }
  });
});

describe("comment", () => {
  it("keeps the text, quotes resolved", () => {
    expect(matchesOf('-A INPUT -m comment --comment "kube-system/kube-dns:dns cluster IP" -j ACCEPT')[0]).toEqual({
      kind: "comment", text: "kube-system/kube-dns:dns cluster IP",
    });
  });

  it("keeps 255 bytes and the first 255 of a longer one, with a warning (counted in UTF-8 bytes), as the kernel does", () => {
    expect(one(`-A INPUT -m comment --comment ${"c".repeat(255)} -j ACCEPT`).warnings).toEqual([]);
    const long = one(`-A INPUT -m comment --comment ${"c".repeat(256)} -j ACCEPT`);
    expect(long.errors).toEqual([]);
    expect(long.rule!.matches).toEqual([{ kind: "comment", text: "c".repeat(255) }]);
    expect(located(long.warnings)).toEqual(["2:31 --comment: text is 256 bytes long: the kernel keeps its first 255 bytes, and so does the kit (iptables-save prints them)"]);
    // 128 two-byte characters are 256 bytes: the 128th does not fit whole.
    expect(one(`-A INPUT -m comment --comment "${"é".repeat(128)}" -j ACCEPT`).rule!.matches).toEqual([{ kind: "comment", text: "é".repeat(127) }]);
  });
});

describe("mark", () => {
  it("reads value and mask (mask defaulting to 0xffffffff), in any base", () => {
    expect(matchesOf("-A INPUT -m mark --mark 0x4000/0x4000 -j ACCEPT")[0]).toEqual({ kind: "mark", value: 0x4000, mask: 0x4000, invert: false });
    expect(matchesOf("-A INPUT -m mark ! --mark 16384 -j ACCEPT")[0]).toEqual({ kind: "mark", value: 16384, mask: 0xffffffff, invert: true });
    expect(matchesOf("-A INPUT -m mark --mark 010/0xFF -j ACCEPT")[0]).toEqual({ kind: "mark", value: 8, mask: 255, invert: false });
  });

  it("prints lower-case hex and leaves out a full mask", () => {
    expect(one("-A INPUT -m mark --mark 0xFF/0xffffffff -j ACCEPT").printed).toBe("-A INPUT -m mark --mark 0xff -j ACCEPT");
    expect(one("-A INPUT -m mark ! --mark 16384/16384 -j ACCEPT").printed).toBe("-A INPUT -m mark ! --mark 0x4000/0x4000 -j ACCEPT");
  });
});

describe("conntrack and state", () => {
  it("reads every conntrack option", () => {
    const [m] = matchesOf(
      "-A INPUT -m conntrack ! --ctstate ESTABLISHED,NEW --ctproto udp --ctorigsrc 1.1.1.1 --ctorigdst 2.2.2.0/24 --ctreplsrc 3.3.3.3 --ctrepldst 4.4.4.4"
      + " --ctorigsrcport 6 --ctorigdstport 7:8 --ctreplsrcport 8 --ctrepldstport 9 --ctstatus SEEN_REPLY,EXPECTED --ctexpire 5:10 --ctdir REPLY -j ACCEPT",
    );
    const addr = (address: string, prefix = 32) => ({ address, prefix, mask: prefix === 32 ? "255.255.255.255" : "255.255.255.0" });
    expect(m).toEqual({
      kind: "conntrack",
      ctstate: { value: ["NEW", "ESTABLISHED"], invert: true },
      ctproto: { value: "udp", invert: false },
      ctorigsrc: { value: addr("1.1.1.1"), invert: false },
      ctorigdst: { value: addr("2.2.2.0", 24), invert: false },
      ctreplsrc: { value: addr("3.3.3.3"), invert: false },
      ctrepldst: { value: addr("4.4.4.4"), invert: false },
      ctorigsrcport: { value: port(6), invert: false },
      ctorigdstport: { value: port(7, 8), invert: false },
      ctreplsrcport: { value: port(8), invert: false },
      ctrepldstport: { value: port(9), invert: false },
      ctstatus: { value: ["EXPECTED", "SEEN_REPLY"], invert: false },
      ctexpire: { value: { min: 5, max: 10 }, invert: false },
      ctdir: "REPLY",
    });
  });

  it("prints in libxt_conntrack's order: states and statuses in bit order, the protocol as a number, /32 addresses bare", () => {
    expect(one("-A INPUT -m conntrack --ctdir ORIGINAL --ctorigdstport 80 --ctorigdst 10.0.0.1 --ctproto tcp --ctstate NEW -j ACCEPT").printed)
      .toBe("-A INPUT -m conntrack --ctstate NEW --ctproto 6 --ctorigdst 10.0.0.1 --ctorigdstport 80 --ctdir ORIGINAL -j ACCEPT");
    expect(one("-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED --ctexpire 5:5 -j ACCEPT").printed)
      .toBe("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED --ctexpire 5 -j ACCEPT");
  });

  it("keeps --ctproto by name like -p, whichever way it was written", () => {
    expect(matchesOf("-A INPUT -m conntrack --ctproto 17 -j ACCEPT")[0]).toEqual({ kind: "conntrack", ctproto: { value: "udp", invert: false } });
    expect(one("-A INPUT -m conntrack --ctproto all -j ACCEPT").printed).toBe("-A INPUT -m conntrack --ctproto 0 -j ACCEPT");
    expect(located(one("-A INPUT -m conntrack --ctproto nosuch -j ACCEPT").errors)).toEqual([
      "2:33 --ctproto: unknown protocol 'nosuch': expected a name such as tcp, udp, icmp, sctp or a number 0-255",
    ]);
  });

  it("treats --ctstatus NONE as the empty set, printed only when nothing else is given", () => {
    expect(one("-A INPUT -m conntrack --ctstatus NONE,ASSURED -j ACCEPT").printed).toBe("-A INPUT -m conntrack --ctstatus ASSURED -j ACCEPT");
    expect(one("-A INPUT -m conntrack --ctstatus NONE -j ACCEPT").printed).toBe("-A INPUT -m conntrack --ctstatus NONE -j ACCEPT");
  });

  it("keeps the host bits of conntrack addresses, as libxt_conntrack does, and matches them masked", () => {
    const [m] = matchesOf("-A INPUT -m conntrack --ctorigsrc 10.1.2.3/16 -j ACCEPT");
    expect(m).toEqual({ kind: "conntrack", ctorigsrc: { value: { address: "10.1.2.3", prefix: 16, mask: "255.255.0.0" }, invert: false } });
    expect(m.kind === "conntrack" && cidrContains(m.ctorigsrc!.value, "10.1.9.9")).toBe(true);
    expect(m.kind === "conntrack" && cidrContains(m.ctorigsrc!.value, "10.2.0.1")).toBe(false);
    expect(one("-A INPUT -m conntrack --ctorigsrc 10.1.2.3/255.255.0.0 -j ACCEPT").printed).toBe("-A INPUT -m conntrack --ctorigsrc 10.1.2.3/16 -j ACCEPT");
    expect(one("-A INPUT -m conntrack --ctrepldst 1.2.3.4/0 -j ACCEPT").printed).toBe("-A INPUT -m conntrack --ctrepldst 1.2.3.4/0 -j ACCEPT");
  });

  it("prints no mask for a conntrack address whose mask is not a prefix, as iptables 1.8.9 does, but keeps it in the model", () => {
    const r = one("-A INPUT -m conntrack --ctorigsrc 10.1.2.3/255.0.255.0 -j ACCEPT");
    expect(r.rule!.matches[0]).toMatchObject({ ctorigsrc: { value: { address: "10.1.2.3", prefix: null, mask: "255.0.255.0" } } });
    expect(r.printed).toBe("-A INPUT -m conntrack --ctorigsrc 10.1.2.3 -j ACCEPT");
  });

  it("reads -m state, which stays -m state", () => {
    const r = one("-A INPUT -m state ! --state ESTABLISHED,RELATED -j ACCEPT");
    expect(r.rule!.matches[0]).toEqual({ kind: "state", states: { value: ["RELATED", "ESTABLISHED"], invert: true } });
    expect(r.printed).toBe("-A INPUT -m state ! --state RELATED,ESTABLISHED -j ACCEPT");
  });

  it("refuses unknown states, and SNAT/DNAT in -m state", () => {
    expect(located(one("-A INPUT -m state --state DNAT -j ACCEPT").errors)).toEqual([
      "2:27 --state: unknown state 'DNAT': expected INVALID, NEW, RELATED, ESTABLISHED, UNTRACKED",
    ]);
  });
});

describe("addrtype", () => {
  it("reads types in the kernel's order, and the interface limits", () => {
    const r = one("-A INPUT -m addrtype ! --src-type LOCAL,UNICAST --dst-type local --limit-iface-in -j ACCEPT");
    expect(r.rule!.matches[0]).toEqual({
      kind: "addrtype", srcType: { value: ["UNICAST", "LOCAL"], invert: true }, dstType: { value: ["LOCAL"], invert: false },
      limitIfaceIn: true, limitIfaceOut: false,
    });
    expect(r.printed).toBe("-A INPUT -m addrtype ! --src-type UNICAST,LOCAL --dst-type LOCAL --limit-iface-in -j ACCEPT");
  });

  it("refuses both interface limits together, and no type at all", () => {
    expect(located(one("-A INPUT -m addrtype --dst-type LOCAL --limit-iface-in --limit-iface-out -j ACCEPT").errors)).toEqual([
      "2:22 addrtype: --limit-iface-in and --limit-iface-out cannot be combined",
    ]);
    expect(located(one("-A INPUT -m addrtype --limit-iface-in -j ACCEPT").errors)).toEqual(["2:22 addrtype: expected --src-type or --dst-type"]);
  });
});

describe("statistic", () => {
  it("random mode keeps the probability as printed and as the kernel's round(p * 2^31)", () => {
    const [m] = matchesOf("-A INPUT -m statistic --mode random --probability 0.33333 -j ACCEPT");
    expect(m).toEqual({
      kind: "statistic", mode: "random", invert: false,
      probability: { printed: "0.33333", kernel: 715820724, value: 715820724 / 2 ** 31 },
    });
    const [half] = matchesOf("-A INPUT -m statistic --mode random --probability 0.5 -j ACCEPT");
    expect(half).toMatchObject({ probability: { printed: "0.5", kernel: 1073741824, value: 0.5 } });
  });

  it("prints the kernel's value with 11 decimals, as iptables-save does", () => {
    expect(one("-A INPUT -m statistic --mode random --probability 0.33333 -j ACCEPT").printed)
      .toBe("-A INPUT -m statistic --mode random --probability 0.33332999982 -j ACCEPT");
    expect(one("-A INPUT -m statistic --probability 0.2 ! --mode random -j ACCEPT").errors).not.toEqual([]);
    expect(one("-A INPUT -m statistic ! --probability 0.2 --mode random -j ACCEPT").printed)
      .toBe("-A INPUT -m statistic --mode random ! --probability 0.20000000019 -j ACCEPT");
  });

  it("nth mode reads every and packet", () => {
    const r = one("-A INPUT -m statistic --mode nth --packet 2 --every 4 -j ACCEPT");
    expect(r.rule!.matches[0]).toEqual({ kind: "statistic", mode: "nth", every: 4, packet: 2, invert: false });
    expect(r.printed).toBe("-A INPUT -m statistic --mode nth --every 4 --packet 2 -j ACCEPT");
  });

  it("refuses what libxt_statistic refuses", () => {
    expect(located(one("-A INPUT -m statistic --mode nth --every 5 -j ACCEPT").errors)).toEqual([
      '2:34 statistic: --every needs --packet (libxt_statistic: option "--every" also requires "--packet")',
    ]);
    expect(located(one("-A INPUT -m statistic --mode random --probability 1.5 -j ACCEPT").errors)).toEqual([
      "2:51 --probability: probability 1.5 is out of range: expected 0 to 1",
    ]);
    expect(located(one("-A INPUT -m statistic ! --mode random --probability 0.5 -j ACCEPT").errors)).toEqual(["2:23 '!' cannot negate --mode"]);
  });
});

describe("recent", () => {
  it("reads every option, with defaults for the rest", () => {
    const r = one("-A INPUT -m recent --name SSH ! --update --rttl --hitcount 4 --seconds 60 --reap --rdest --mask 255.255.255.0 -j DROP");
    expect(r.rule!.matches[0]).toEqual({
      kind: "recent", command: "update", invert: true, seconds: 60, hitcount: 4, rttl: true, reap: true,
      name: "SSH", mask: "255.255.255.0", side: "dest",
    });
    expect(r.printed).toBe("-A INPUT -m recent ! --update --seconds 60 --reap --hitcount 4 --rttl --name SSH --mask 255.255.255.0 --rdest -j DROP");
  });

  it("prints the defaults iptables-save prints", () => {
    const r = one("-A INPUT -m recent --set -j ACCEPT");
    expect(r.rule!.matches[0]).toEqual({
      kind: "recent", command: "set", invert: false, seconds: 0, hitcount: 0, rttl: false, reap: false,
      name: "DEFAULT", mask: "255.255.255.255", side: "source",
    });
    expect(r.printed).toBe("-A INPUT -m recent --set --name DEFAULT --mask 255.255.255.255 --rsource -j ACCEPT");
  });

  it("reads kube-proxy's affinity check", () => {
    const line = "-A KUBE-SVC-X -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-Q6QA3I2UU4P2TRVC --mask 255.255.255.255 --rsource -j KUBE-SEP-Q";
    const r = one(line, "nat", ["KUBE-SEP-Q", "KUBE-SVC-X"]);
    expect(r.errors).toEqual([]);
    expect(r.rule!.matches[0]).toMatchObject({ command: "rcheck", seconds: 10800, reap: true, name: "KUBE-SEP-Q6QA3I2UU4P2TRVC" });
    expect(r.printed).toBe(line);
  });

  it("refuses two commands, --reap without --seconds, --seconds with --set, --rttl with --remove", () => {
    expect(located(one("-A INPUT -m recent --set --rcheck -j ACCEPT").errors)).toEqual(["2:26 recent: expected only one of --set, --rcheck, --update, --remove"]);
    expect(located(one("-A INPUT -m recent --rcheck --reap -j ACCEPT").errors)).toEqual(["2:29 recent: --reap needs --seconds"]);
    expect(located(one("-A INPUT -m recent --set --seconds 5 -j ACCEPT").errors)).toEqual(["2:20 recent: --seconds and --hitcount only work with --rcheck or --update"]);
    expect(located(one("-A INPUT -m recent --remove --rttl -j ACCEPT").errors)).toEqual(["2:29 recent: --rttl only works with --rcheck or --update"]);
  });
});

describe("physdev", () => {
  it("reads every option", () => {
    expect(matchesOf("-A FORWARD -m physdev ! --physdev-in veth0 --physdev-out eth+ --physdev-is-in ! --physdev-is-out --physdev-is-bridged -j ACCEPT")[0]).toEqual({
      kind: "physdev", physdevIn: { value: "veth0", invert: true }, physdevOut: { value: "eth+", invert: false },
      isIn: { value: true, invert: false }, isOut: { value: true, invert: true }, isBridged: { value: true, invert: false },
    });
  });

  it("prints in libxt_physdev's order: is-in, in, is-out, out, is-bridged", () => {
    expect(one("-A FORWARD -m physdev --physdev-is-bridged --physdev-is-out --physdev-out eth0 --physdev-is-in --physdev-in veth0 -j ACCEPT").printed)
      .toBe("-A FORWARD -m physdev --physdev-is-in --physdev-in veth0 --physdev-is-out --physdev-out eth0 --physdev-is-bridged -j ACCEPT");
  });
});

describe("set", () => {
  it("reads the set, its flags and further options", () => {
    const r = one("-A INPUT -m set ! --match-set KIL-PAIR src,dst --return-nomatch ! --update-counters -j DROP");
    expect(r.rule!.matches[0]).toEqual({
      kind: "set", name: "KIL-PAIR", flags: ["src", "dst"], invert: true, options: ["--return-nomatch", "!", "--update-counters"],
    });
    expect(r.printed).toBe("-A INPUT -m set ! --match-set KIL-PAIR src,dst --return-nomatch ! --update-counters -j DROP");
  });

  it("refuses flags other than src and dst", () => {
    expect(located(one("-A INPUT -m set --match-set S src,foo -j DROP").errors)).toEqual(["2:31 --match-set: expected src or dst flags, got 'src,foo'"]);
  });
});

describe("socket", () => {
  it("reads its switches and prints them in libxt_socket's order", () => {
    const r = one("-A PREROUTING -p tcp -m socket --restore-skmark --nowildcard --transparent -j ACCEPT", "mangle");
    expect(r.rule!.matches[0]).toEqual({ kind: "socket", transparent: true, nowildcard: true, restoreSkmark: true });
    expect(r.printed).toBe("-A PREROUTING -p tcp -m socket --transparent --nowildcard --restore-skmark -j ACCEPT");
  });
});

describe("the header options", () => {
  it("clear host bits, keep non-contiguous masks dotted, and leave out 0.0.0.0/0 unless negated", () => {
    expect(one("-A INPUT -s 10.1.2.3/8 -d 10.1.2.3/255.255.0.0 -j ACCEPT").printed).toBe("-A INPUT -s 10.0.0.0/8 -d 10.1.0.0/16 -j ACCEPT");
    expect(one("-A INPUT -s 10.0.0.0/255.0.255.0 -j ACCEPT").printed).toBe("-A INPUT -s 10.0.0.0/255.0.255.0 -j ACCEPT");
    expect(one("-A INPUT -s 0.0.0.0/0 -d 0.0.0.0/0.0.0.0 -j ACCEPT").printed).toBe("-A INPUT -j ACCEPT");
    expect(one("-A INPUT ! -s 0.0.0.0/0 -j ACCEPT").printed).toBe("-A INPUT ! -s 0.0.0.0/0 -j ACCEPT");
  });

  it("leave out the any-interface '+', even negated", () => {
    expect(one("-A INPUT -i + -j ACCEPT").printed).toBe("-A INPUT -j ACCEPT");
    expect(one("-A INPUT ! -i + -j ACCEPT").printed).toBe("-A INPUT -j ACCEPT");
    expect(one("-A FORWARD -i veth+ -o + -j ACCEPT").printed).toBe("-A FORWARD -i veth+ -j ACCEPT");
  });

  it("name protocols as /etc/protocols does, and print nothing for all/0", () => {
    const cases: [string, string][] = [["6", "tcp"], ["TCP", "tcp"], ["17", "udp"], ["1", "icmp"], ["2", "igmp"], ["4", "ipencap"], ["47", "gre"],
      ["50", "esp"], ["51", "ah"], ["33", "dccp"], ["94", "ipip"], ["136", "udplite"], ["255", "255"]];
    for (const [given, name] of cases) {
      const r = one(`-A INPUT -p ${given} -j ACCEPT`);
      expect(r.rule!.ip.protocol).toEqual({ value: name, invert: false });
      expect(r.printed).toBe(`-A INPUT -p ${name} -j ACCEPT`);
    }
    expect(one("-A INPUT -p all -j ACCEPT").printed).toBe("-A INPUT -j ACCEPT");
    expect(one("-A INPUT -p 0 -j ACCEPT").printed).toBe("-A INPUT -j ACCEPT");
    expect(one("-A INPUT -p dccp -j ACCEPT").printed).toBe("-A INPUT -p dccp -j ACCEPT");
  });

  it("refuse what iptables refuses about protocols", () => {
    expect(located(one("-A INPUT ! -p all -j ACCEPT").errors)).toEqual(["2:15 ! -p all: a rule that excludes every protocol would never match"]);
    expect(located(one("-A INPUT -p 256 -j ACCEPT").errors)).toEqual(["2:13 -p: unknown protocol '256': expected a name such as tcp, udp, icmp, sctp or a number 0-255"]);
    expect(located(one("-A INPUT -p ipv6-icmp -j ACCEPT").errors)).toEqual(["2:13 -p ipv6-icmp: ICMPv6 belongs to ip6tables; this kit reads IPv4 iptables dumps only"]);
  });

  it("read -f and ! -f", () => {
    expect(one("-A INPUT -f -j DROP").rule!.ip.fragment).toEqual({ value: true, invert: false });
    expect(one("-A INPUT ! -f -j DROP").printed).toBe("-A INPUT ! -f -j DROP");
  });

  it("refuse interface names longer than 15 characters", () => {
    expect(located(one("-A INPUT -i abcdefghijklmnop -j DROP").errors)).toEqual(["2:13 -i: expected an interface name of 1 to 15 characters"]);
  });
});

describe("icmp", () => {
  it("reads a type, a type and code, any, and negation", () => {
    expect(matchesOf("-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT")).toEqual([{ kind: "icmp", icmpType: { value: { type: 8, code: null }, invert: false } }]);
    expect(matchesOf("-A INPUT -p icmp -m icmp ! --icmp-type 3/4 -j DROP")).toEqual([{ kind: "icmp", icmpType: { value: { type: 3, code: 4 }, invert: true } }]);
    expect(matchesOf("-A INPUT -p icmp -m icmp --icmp-type any -j ACCEPT")).toEqual([{ kind: "icmp", icmpType: { value: { type: 255, code: null }, invert: false } }]);
  });

  it("prints names by number, as iptables-save does, and loads implicitly after -p icmp", () => {
    expect(one("-A INPUT -p icmp --icmp-type echo-request -j ACCEPT").printed).toBe("-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT");
    expect(one("-A INPUT -p icmp --icmp-type port-unreachable -j ACCEPT").printed).toBe("-A INPUT -p icmp -m icmp --icmp-type 3/3 -j ACCEPT");
    expect(one("-A INPUT -p 1 -m icmp --icmp-type Time-Exceeded -j ACCEPT").printed).toBe("-A INPUT -p icmp -m icmp --icmp-type 11 -j ACCEPT");
    expect(one("-A INPUT -p icmp -m icmp --icmp-type 255 -j ACCEPT").printed).toBe("-A INPUT -p icmp -m icmp --icmp-type any -j ACCEPT");
    expect(one("-A INPUT -p icmp -m icmp --icmp-type 3/255 -j ACCEPT").printed).toBe("-A INPUT -p icmp -m icmp --icmp-type 3/255 -j ACCEPT");
  });

  it("takes a shortened name when only one name starts with it, as iptables does", () => {
    expect(one("-A INPUT -p icmp --icmp-type echo-req -j ACCEPT").printed).toBe("-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT");
    expect(located(one("-A INPUT -p icmp --icmp-type echo -j ACCEPT").errors)).toEqual(["2:30 --icmp-type: ambiguous ICMP type 'echo': echo-reply or echo-request?"]);
  });

  it("refuses what iptables or the kernel refuses, naming what was expected", () => {
    expect(located(one("-A INPUT -p icmp -m icmp --icmp-type 256 -j ACCEPT").errors)).toEqual(["2:38 --icmp-type: ICMP type and code are numbers from 0 to 255, got '256'"]);
    expect(located(one("-A INPUT -p icmp -m icmp --icmp-type 3/4/5 -j ACCEPT").errors)[0]).toMatch(/^2:38 --icmp-type: unknown ICMP type '3\/4\/5'/);
    expect(located(one("-A INPUT -p icmp -m icmp --icmp-type pong-pong -j ACCEPT").errors)[0]).toMatch(/unknown ICMP type 'pong-pong': expected a number \(8, 3\/4\), any, or a name/);
    expect(located(one("-A INPUT -p icmp -m icmp -j ACCEPT").errors)).toEqual(['2:18 icmp: expected --icmp-type TYPE (libxt_icmp: option "--icmp-type" must be specified)']);
    expect(located(one("-A INPUT -m icmp --icmp-type 8 -j ACCEPT").errors)).toEqual(["2:10 -m icmp needs -p icmp: the kernel loads the icmp match only for ICMP packets"]);
    expect(located(one("-A INPUT -p tcp -m icmp --icmp-type 8 -j ACCEPT").errors)).toEqual(["2:17 -m icmp needs -p icmp: the kernel loads the icmp match only for ICMP packets"]);
    expect(located(one("-A INPUT ! -p icmp -m icmp --icmp-type 8 -j ACCEPT").errors)).toEqual(["2:20 -m icmp needs -p icmp: the kernel loads the icmp match only for ICMP packets"]);
  });
});

describe("a protocol's match without that protocol", () => {
  it("is refused, as the kernel refuses to load it (iptables-restore --test lets it through)", () => {
    expect(located(one("-A INPUT -m tcp --dport 80 -j ACCEPT").errors)).toEqual(["2:10 -m tcp needs -p tcp: the kernel loads the tcp match only for TCP packets"]);
    expect(located(one("-A INPUT -p udp -m tcp --dport 80 -j ACCEPT").errors)).toEqual(["2:17 -m tcp needs -p tcp: the kernel loads the tcp match only for TCP packets"]);
    expect(located(one("-A INPUT ! -p udp -m udp --dport 53 -j ACCEPT").errors)).toEqual(["2:19 -m udp needs -p udp: the kernel loads the udp match only for UDP packets"]);
    expect(located(one("-A INPUT -m sctp --dport 80 -j ACCEPT").errors)).toEqual(["2:10 -m sctp needs -p sctp: the kernel loads the sctp match only for SCTP packets"]);
    expect(one("-A INPUT -p 6 -m tcp --dport 80 -j ACCEPT").errors).toEqual([]);
  });

  it("multiport needs a port protocol, as iptables says", () => {
    expect(located(one("-A INPUT -m multiport --dports 80 -j ACCEPT").errors)).toEqual(["2:10 -m multiport needs -p tcp, udp, udplite, sctp or dccp (iptables: multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP)"]);
    expect(located(one("-A INPUT -p icmp -m multiport --dports 80 -j ACCEPT").errors)).toHaveLength(1);
    expect(one("-A INPUT -p sctp -m multiport --dports 80 -j ACCEPT").errors).toEqual([]);
  });
});
