/**
 * One copy of each string that repeats through a dump. A kube-proxy dump
 * names each chain, comment, interface and address many times; the parser
 * reads every occurrence as a fresh string, and keeping only the first one
 * makes the model smaller and later look-ups cheaper (a string's hash is
 * computed once and kept with it).
 */
import type { Cidr } from "../model/address.js";
import { readCidr, type Read } from "./values.js";

/** The strings and `-s`/`-d` addresses of one parse. */
export class Interner {
  private readonly strings = new Map<string, string>();
  private readonly cidrs = new Map<string, Read<Cidr>>();

  /** The first copy of `text` seen in this parse. */
  intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }

  /** `-s`/`-d` as readCidr reads it, one shared (never changed) value per spelling. */
  cidr(text: string): Read<Cidr> {
    let read = this.cidrs.get(text);
    if (read === undefined) {
      read = readCidr(text);
      this.cidrs.set(this.intern(text), read);
    }
    return read;
  }
}
