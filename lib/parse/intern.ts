/**
 * One copy of each string and value that repeats through a dump and is not
 * simply a slice of its text: names the parser looks up or builds
 * (interfaces, unmodelled modules and targets, options kept verbatim), the
 * `-s`/`-d` addresses, which would otherwise be read and formatted again for
 * every rule that names them, and the `{ value, invert }` wrappers around
 * such shared values. Chain names need no table of their own: a rule and a
 * jump take the name string of the chain they name.
 *
 * Shared values are never changed after the parse makes them: a rule that
 * says `! -s 10.244.0.0/16` holds the same object as the next 9 999 rules
 * that say it, which keeps a 10k-Service model tens of megabytes smaller.
 */
import type { Cidr } from "../model/address.js";
import type { Negatable } from "../model/dump.js";
import type { CommentMatch, Match, StatisticRandomMatch } from "../model/matches.js";
import { readCidr, type Read } from "./values.js";

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
      if (read.ok) this.senses.set(read.value, {});
    }
    return read;
  }

  /** A match this parse has read before, when it is a kind that repeats (a comment, a random statistic); else `m` itself. */
  sharedMatch(m: Match): Match {
    if (m.kind === "comment") {
      if (this.lastComment !== null && this.lastComment.text === m.text) return this.lastComment;
      return (this.lastComment = m);
    }
    return m.kind === "statistic" && m.mode === "random" ? this.randomMatch(m) : m;
  }

  /** `-m statistic --mode random --probability P`: the first match read with this probability as written (and this `!`). */
  private randomMatch(m: StatisticRandomMatch): StatisticRandomMatch {
    let senses = this.randomMatches.get(m.probability.printed);
    if (senses === undefined) this.randomMatches.set(m.probability.printed, (senses = {}));
    return m.invert ? (senses.inverted ??= m) : (senses.plain ??= m);
  }

  /** `{ value, invert }` for a value this parse shares (an interned string, a network from cidr()): one object per value and sense. */
  negatable<T>(value: T, invert: boolean): Negatable<T> {
    let senses = this.senses.get(value) as Senses<T> | undefined;
    if (senses === undefined) {
      // A host address is not shared (see cidr()), so neither is its wrapper; strings are interned, so theirs is.
      if (typeof value !== "string") return { value, invert };
      this.senses.set(value, (senses = {}));
    }
    return invert ? (senses.inverted ??= { value, invert: true }) : (senses.plain ??= { value, invert: false });
  }
}

/** `.../32`: a single host, as kube-proxy writes pod and Service addresses. */
function isHostSpelling(text: string): boolean {
  const n = text.length;
  return n > 3 && text.charCodeAt(n - 3) === 47 /* / */ && text.charCodeAt(n - 2) === 51 /* 3 */ && text.charCodeAt(n - 1) === 50 /* 2 */;
}
