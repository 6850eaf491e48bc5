// The public surface of kube-iptables-lab. This file only re-exports.
export type * from "./model/dump.js";
export type * from "./model/matches.js";
export type * from "./model/targets.js";
export type { Cidr } from "./model/address.js";
export { parseIPv4, formatIPv4, formatCidr, cidrContains } from "./model/address.js";
export { BUILTIN_CHAINS, HOOK_ORDER, TABLE_NAMES, isBuiltinChain, isTableName, type Hook } from "./model/tables.js";
export {
  findTable, findChain, allRules, ruleAtLine, isJump, isFlagged, flaggedParts, ruleComment,
  isUnsupportedMatch, isUnsupportedTarget,
} from "./model/predicates.js";
export { parseDump, type ParseOptions, type ParseResult } from "./parse/parser.js";
export { tokenizeLine, type Token } from "./parse/lexer.js";
export { formatDiagnostic } from "./parse/errors.js";
export { formatProbability } from "./parse/values.js";
export { formatDump, formatRule, formatChainDeclaration } from "./format/format.js";
export { saveString } from "./format/quote.js";
export {
  services, parseServicePortName, type KubeService, type KubeEndpoint, type MasqueradeRule,
} from "./services/catalog.js";
export { kubeProxyHash, serviceChainName, endpointChainName } from "./services/chain-names.js";
export {
  fraction, add, subtract, multiply, equals, sum, toNumber, formatFraction, parseFraction, formatPercent, ZERO, ONE,
  type Fraction,
} from "./math/fraction.js";
