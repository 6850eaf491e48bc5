/**
 * One copy of each string and value that repeats through a dump and is not
 * simply a slice of its text: names the parser looks up or builds
 * (interfaces, unmodelled modules and targets, options kept verbatim), the
 * `-s`/`-d` addresses, which would otherwise be read and formatted again for
 * every rule that names them, and the `{ value, invert }` wrappers around
 * such shared values. Chain names need no table of their own: a rule and a
 * jump take the name string of the chain they name.
 *
 * Shared values are frozen when the parse first shares them (they are never changed afterwards): a rule that
 * says `! -s 10.244.0.0/16` holds the same object as the next 9 999 rules
 * that say it, which keeps a 10k-Service model tens of megabytes smaller.
 */
import type { Cidr } from "../model/address.js";
import type { IpHeaderMatch, Negatable } from "../model/dump.js";
import type { CommentMatch, Match, StatisticRandomMatch, TcpMatch, UdpMatch } from "../model/matches.js";
import { readCidr, type Read } from "./values.js";
import type { RawOption } from "./matches.js";

/** The two `{ value, invert }` forms of one shared value, made when first asked for. */
interface Senses<T> {
  plain?: Negatable<T>;
  inverted?: Negatable<T>;
}

/** The strings, `-s`/`-d` addresses and negatable values of one parse. */
export class Interner {
  private readonly strings = new Map<string, string>();
  private readonly cidrs = new Map<string, Read<Cidr>>();
  /** Keyed by the shared value itself: an interned string or a shared Cidr (found by identity, no hashing of text). */
  private readonly senses = new Map<unknown, Senses<unknown>>();
  /** By the probability as written: kube-proxy gives the same few (1/2, 1/3, ...) to tens of thousands of rules. */
  private readonly randomMatches = new Map<string, { plain?: StatisticRandomMatch; inverted?: StatisticRandomMatch }>();
  /**
   * The last comment read: kube-proxy writes one comment (`ns/svc:port`) on both rules of an endpoint chain,
   * one after the other. A table of every comment would hold tens of thousands that never repeat.
   */
  private lastComment: CommentMatch | null = null;
  /**
   * `-m tcp --dport N` (or udp, or `--sport N`) by protocol, side, port and sense: kube-proxy writes one for
   * every Service port, and its Services share a few dozen port numbers.
   */
  private readonly portMatches = new Map<number, TcpMatch | UdpMatch>();
  /** Headers of one shared option (`-p tcp`, as every DNAT rule of kube-proxy has), by that option's `{ value, invert }`, per option. */
  private readonly headers = new Map<string, Map<Negatable<unknown>, IpHeaderMatch>>();
  /** The `{ value, invert }` objects negatable() shares, so a header made of one of them can be shared too. */
  private readonly sharedNegatables = new Set<Negatable<unknown>>();

  /** The first copy of `text` seen in this parse. */
  intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }

  /**
   * `-s`/`-d` as readCidr reads it: one shared (never changed) value per spelling of a network. A host
   * address (`/32`, a pod or a Service IP) is read afresh: most are named by one or two rules, where a
   * table entry would cost more than it saves.
   */
  cidr(text: string): Read<Cidr> {
    if (isHostSpelling(text)) return readCidr(text);
    let read = this.cidrs.get(text);
    if (read === undefined) {
      read = readCidr(text);
      // The key is the word itself: a slice of the rule's line, which the model keeps anyway as the rule's `raw`.
      this.cidrs.set(text, read);
      if (read.ok) this.senses.set(Object.freeze(read.value), {});
    }
    return read;
  }

  /** A match this parse has read before, when it is a kind that repeats (a comment, a random statistic); else `m` itself. */
  sharedMatch(m: Match): Match {
    if (m.kind === "comment") {
      if (this.lastComment !== null && this.lastComment.text === m.text) return this.lastComment;
      return (this.lastComment = Object.freeze(m));
    }
    if (m.kind === "tcp" || m.kind === "udp") return this.portMatch(m);
    return m.kind === "statistic" && m.mode === "random" ? this.randomMatch(m) : m;
  }

  /** A tcp or udp match of one single port (`--dport 443`, or `--sport 53`) read before with the same port, side and sense; else `m`. */
  private portMatch(m: TcpMatch | UdpMatch): Match {
    const { sport, dport } = m;
    const port = dport ?? sport;
    if (port === undefined || (sport !== undefined && dport !== undefined) || port.value.min !== port.value.max) return m;
    if (m.kind === "tcp" && (m.flags !== undefined || m.option !== undefined)) return m;
    // Port, protocol, side and sense in one small integer.
    const key = port.value.min * 8 + (m.kind === "tcp" ? 4 : 0) + (dport !== undefined ? 2 : 0) + (port.invert ? 1 : 0);
    const known = this.portMatches.get(key);
    if (known !== undefined) return known;
    this.portMatches.set(key, Object.freeze(m));
    return m;
  }

  /** A header read before that holds only the same shared option (`-p tcp`); else `ip`, kept for the next rule when it is such a header. */
  sharedHeader(ip: IpHeaderMatch): IpHeaderMatch {
    const key = onlyOption(ip);
    if (key === null) return ip;
    const value = ip[key] as Negatable<unknown>;
    if (!this.sharedNegatables.has(value)) return ip;
    let byValue = this.headers.get(key);
    if (byValue === undefined) this.headers.set(key, (byValue = new Map()));
    const known = byValue.get(value);
    if (known !== undefined) return known;
    byValue.set(value, Object.freeze(ip));
    return ip;
  }

  /**
   * The match made before for a module's options, for the two kinds whose reading costs more than looking
   * it up: the comment of the rule just before (an endpoint chain's two rules carry the same one), a random
   * statistic with a probability as written before. null for anything else, which is then built (and
   * shared by sharedMatch).
   */
  matchReadBefore(module: string, options: RawOption[]): Match | null {
    if (module === "comment") {
      const last = this.lastComment;
      return last !== null && options.length === 1 && options[0].args[0].text === last.text ? last : null;
    }
    if (module !== "statistic" || options.length !== 2) return null;
    const mode = options[0].name === "--mode" ? options[0] : options[1];
    const probability = mode === options[0] ? options[1] : options[0];
    if (mode.name !== "--mode" || probability.name !== "--probability" || mode.args[0].text !== "random") return null;
    const senses = this.randomMatches.get(probability.args[0].text);
    return (probability.invert ? senses?.inverted : senses?.plain) ?? null;
  }

  /** `-m statistic --mode random --probability P`: the first match read with this probability as written (and this `!`). */
  private randomMatch(m: StatisticRandomMatch): StatisticRandomMatch {
    let senses = this.randomMatches.get(m.probability.printed);
    if (senses === undefined) this.randomMatches.set(m.probability.printed, (senses = {}));
    return m.invert ? (senses.inverted ??= Object.freeze(m)) : (senses.plain ??= Object.freeze(m));
  }

  /** `{ value, invert }` for a value this parse shares (an interned string, a network from cidr()): one object per value and sense. */
  negatable<T>(value: T, invert: boolean): Negatable<T> {
    let senses = this.senses.get(value) as Senses<T> | undefined;
    if (senses === undefined) {
      // A host address is not shared (see cidr()), so neither is its wrapper; strings are interned, so theirs is.
      if (typeof value !== "string") return { value, invert };
      this.senses.set(value, (senses = {}));
    }
    if (invert) return (senses.inverted ??= this.remember({ value, invert: true }));
    return (senses.plain ??= this.remember({ value, invert: false }));
  }

  private remember<T>(negatable: Negatable<T>): Negatable<T> {
    this.sharedNegatables.add(negatable);
    return Object.freeze(negatable);
  }
}

/** The options of the IP header, in the order iptables-save prints them. */
const HEADER_OPTIONS: readonly (keyof IpHeaderMatch)[] = ["source", "destination", "inInterface", "outInterface", "protocol", "fragment"];

/** The one option a header holds, or null when it holds several (or none). */
function onlyOption(ip: IpHeaderMatch): keyof IpHeaderMatch | null {
  let only: keyof IpHeaderMatch | null = null;
  for (const key of HEADER_OPTIONS) {
    if (ip[key] === undefined) continue;
    if (only !== null) return null;
    only = key;
  }
  return only;
}

/** `.../32`: a single host, as kube-proxy writes pod and Service addresses. */
function isHostSpelling(text: string): boolean {
  const n = text.length;
  return n > 3 && text.charCodeAt(n - 3) === 47 /* / */ && text.charCodeAt(n - 2) === 51 /* 3 */ && text.charCodeAt(n - 1) === 50 /* 2 */;
}
