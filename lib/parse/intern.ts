/**
 * One copy of each string that repeats through a dump and is not simply a
 * slice of its text: names the parser looks up or builds (interfaces,
 * unmodelled modules and targets, options kept verbatim), and the `-s`/`-d`
 * addresses, which would otherwise be read and formatted again for every
 * rule that names them. Chain names need no table of their own: a rule and
 * a jump take the name string of the chain they name.
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
