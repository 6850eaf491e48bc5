/**
 * Which Service port owns each nat chain and filter rule line, read off a
 * catalog (./catalog.ts). The catalog remembers the owners of the dump it
 * was read from, so a trace that needs them (an outcome's Service port)
 * does not read the catalog a second time when its caller already did.
 */
import type { Dump } from "../model/dump.js";
import type { KubeService } from "./catalog.js";

/** The Service port id of every nat chain and filter rule line that belongs to one Service port. */
export interface ServiceOwners {
  chains: Map<string, string>;
  lines: Map<number, string>;
}

/** The owners of chains and lines in a catalog; the first Service port (in catalog order) that names one keeps it. */
export function ownersOf(list: readonly KubeService[]): ServiceOwners {
  const owners: ServiceOwners = { chains: new Map(), lines: new Map() };
  for (const svc of list) {
    for (const chain of [svc.chain, svc.localChain, svc.externalChain, svc.firewallChain]) claim(owners.chains, chain, svc.id);
    for (const e of svc.endpoints) claim(owners.chains, e.chain, svc.id);
    for (const r of svc.noEndpoints) claim(owners.lines, r.line, svc.id);
    for (const r of svc.firewall) claim(owners.lines, r.line, svc.id);
  }
  return owners;
}

function claim<K>(map: Map<K, string>, key: K | null, id: string): void {
  if (key !== null && key !== "" && !map.has(key)) map.set(key, id);
}

/** Owners per dump, with what they were read from: a dump whose tables were replaced is read again. */
const remembered = new WeakMap<Dump, { tables: Dump["tables"]; count: number; owners: ServiceOwners }>();

/** Keep the owners of a catalog just read from `dump` (before its caller can change the list). */
export function rememberOwners(dump: Dump, list: readonly KubeService[]): void {
  remembered.set(dump, { tables: dump.tables, count: dump.tables.length, owners: ownersOf(list) });
}

/** The owners remembered for `dump` by its last catalog read, or null. */
export function rememberedOwners(dump: Dump): ServiceOwners | null {
  const r = remembered.get(dump);
  return r && r.tables === dump.tables && r.count === dump.tables.length ? r.owners : null;
}
