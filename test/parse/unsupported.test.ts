// Parts the kit does not model are kept with their exact text, flagged, warned about and printed back verbatim.
import { describe, expect, it } from "vitest";
import { flaggedParts, formatDump, isFlagged, isUnsupportedMatch, isUnsupportedTarget } from "../../lib/index.js";
import { dump, located, one, parse } from "./support.js";

describe("an unknown match module", () => {
  const line = "-A INPUT -m foo --bar 1 -j ACCEPT";

  it("is kept as an unsupported match with its exact text", () => {
    const { rule, errors } = one(line);
    expect(errors).toEqual([]);
    expect(rule!.matches).toEqual([{ kind: "unsupported", module: "foo", text: "-m foo --bar 1", reason: "match module 'foo' is not modelled" }]);
    expect(isUnsupportedMatch(rule!.matches[0])).toBe(true);
    expect(rule!.target).toEqual({ kind: "ACCEPT" });
  });

  it("flags the rule, warns where the module starts, and prints back verbatim", () => {
    const { rule, warnings, printed } = one(line);
    expect(isFlagged(rule!)).toBe(true);
    expect(flaggedParts(rule!)).toEqual([{ text: "-m foo --bar 1", reason: "match module 'foo' is not modelled" }]);
    expect(located(warnings)).toEqual(["2:10 kept but not modelled: match module 'foo' is not modelled"]);
    expect(warnings[0].severity).toBe("warning");
    expect(printed).toBe(line);
  });

  it("keeps everything up to the next module, quotes and '!' included", () => {
    const { rule, printed } = one('-A INPUT -m foo ! --bar "a  b" --baz -m comment --comment c -j ACCEPT');
    expect(rule!.matches[0]).toMatchObject({ kind: "unsupported", text: '-m foo ! --bar "a  b" --baz' });
    expect(rule!.matches[1]).toEqual({ kind: "comment", text: "c" });
    expect(printed).toBe('-A INPUT -m foo ! --bar "a  b" --baz -m comment --comment c -j ACCEPT');
  });

  it("keeps real modules the kit does not model (limit, pkttype, owner, connmark)", () => {
    for (const line of [
      "-A INPUT -m limit --limit 5/sec --limit-burst 10 -j ACCEPT",
      "-A INPUT -m pkttype --pkt-type broadcast -j DROP",
      "-A OUTPUT -m owner --uid-owner 1001 -j DROP",
      "-A INPUT -m connmark --mark 0x1/0xff -j ACCEPT",
    ]) {
      const r = one(line);
      expect(r.errors).toEqual([]);
      expect(r.warnings).toHaveLength(1);
      expect(isFlagged(r.rule!)).toBe(true);
      expect(r.printed).toBe(line);
    }
  });
});

describe("an unknown option", () => {
  it("of a module the kit models is an error, as iptables says: unknown option", () => {
    const { rule, errors } = one("-A INPUT -p tcp -m tcp --dport 80 --tcp-dlags SYN SYN -j ACCEPT");
    expect(rule).toBeUndefined();
    expect(located(errors)).toEqual(['2:35 unknown option "--tcp-dlags" (-m tcp has no such option)']);
  });

  it("of no module at all is an error too", () => {
    expect(located(one("-A INPUT --nosuchoption 3 -j ACCEPT").errors)).toEqual(['2:10 unknown option "--nosuchoption"']);
  });

  it("after a module the kit does not model may be that module's: kept with it and flagged", () => {
    const { rule, errors, warnings, printed } = one("-A INPUT -m ecn --ecn-tcp-cwr -p tcp -m tcp --dport 80 --ecn-tcp-ece -j ACCEPT");
    expect(errors).toEqual([]);
    expect(rule!.matches.map((m) => m.kind)).toEqual(["unsupported", "unsupported"]);
    expect(warnings).toHaveLength(2);
    expect(printed).toBe("-A INPUT -p tcp -m ecn --ecn-tcp-cwr -m tcp --dport 80 --ecn-tcp-ece -j ACCEPT");
  });
});

describe("an unmodelled target", () => {
  const line = "-A PREROUTING -p tcp -j TOS --set-tos 0x10";

  it("is kept as an unsupported target with its exact text", () => {
    const { rule, errors, warnings, printed } = one(line, "mangle");
    expect(errors).toEqual([]);
    expect(rule!.target).toEqual({ kind: "unsupported", name: "TOS", text: "-j TOS --set-tos 0x10", reason: "option --set-tos of TOS is not modelled" });
    expect(isUnsupportedTarget(rule!.target)).toBe(true);
    expect(isFlagged(rule!)).toBe(true);
    expect(located(warnings)).toEqual(["2:22 kept but not modelled: option --set-tos of TOS is not modelled"]);
    expect(printed).toBe(line);
  });

  it("without options too", () => {
    const { rule, warnings, printed } = one("-A FORWARD -j TCPMSS", "mangle");
    expect(rule!.target).toEqual({ kind: "unsupported", name: "TCPMSS", text: "-j TCPMSS", reason: "target TCPMSS is not modelled" });
    expect(warnings).toHaveLength(1);
    expect(printed).toBe("-A FORWARD -j TCPMSS");
  });

  it("an unknown option of a modelled target is an error, as in iptables", () => {
    expect(located(one("-A INPUT -j LOG --log-prefix x --log-something", "filter").errors)).toEqual(['2:32 unknown option "--log-something" (LOG has no such option)']);
  });
});

describe("a whole dump with unsupported parts", () => {
  it("round-trips byte for byte, with no errors", () => {
    const text = dump([
      "-A INPUT -m foo --bar 1 -j ACCEPT",
      "-A INPUT -p tcp -m ecn --ecn-tcp-cwr -j ACCEPT",
      "-A INPUT -m hashlimit --hashlimit-upto 50/min --hashlimit-mode srcip --hashlimit-name http -j ACCEPT",
    ]).replace("*filter\n", "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
    const r = parse(text);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toHaveLength(3);
    expect(formatDump(r.dump)).toBe(text);
  });
});
