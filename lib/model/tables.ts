import type { TableName } from "./dump.js";

/** The five netfilter hooks iptables' built-in chains attach to. */
export type Hook = "PREROUTING" | "INPUT" | "FORWARD" | "OUTPUT" | "POSTROUTING";

/** Hooks in the order iptables-save prints built-in chains. */
export const HOOK_ORDER: readonly Hook[] = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"];

/** Built-in chains of each table, in the order iptables-save prints them. */
export const BUILTIN_CHAINS: Readonly<Record<TableName, readonly Hook[]>> = {
  raw: ["PREROUTING", "OUTPUT"],
  mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
  nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  security: ["INPUT", "FORWARD", "OUTPUT"],
};

/** All table names. */
export const TABLE_NAMES: readonly TableName[] = ["raw", "mangle", "nat", "filter", "security"];

/** Whether `name` is a table iptables knows. */
export function isTableName(name: string): name is TableName {
  return (TABLE_NAMES as readonly string[]).includes(name);
}

/** Whether `chain` is a built-in chain of `table`. */
export function isBuiltinChain(table: TableName, chain: string): chain is Hook {
  return (BUILTIN_CHAINS[table] as readonly string[]).includes(chain);
}

/** Longest chain name the kernel accepts (XT_EXTENSION_MAXNAMELEN - 1). */
export const MAX_CHAIN_NAME_LENGTH = 28;
