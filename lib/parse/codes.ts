/**
 * A stable code for each kind of parse diagnostic (`undeclared-chain`,
 * `unknown-option`, `missing-commit`, ...), for tools that read `--json`
 * output: the message may be reworded, the code stays. The codes are given
 * by what the message says, in one table, so the places that make the
 * diagnostics stay as they are.
 */

/** Codes by what the message says; the first that matches wins. */
const CODES: [code: string, message: RegExp][] = [
  // Not an iptables-save dump at all.
  ["not-iptables-save", /^this (is|looks like|rule has an IPv6)|kube-proxy's IPVS mode|ipvs/i],
  // Lines as iptables-restore reads them.
  ["byte-order-mark", /^the file starts with a byte-order mark/],
  ["not-utf8", /^byte 0x[0-9a-f]{2} is not UTF-8/],
  ["carriage-return", /carriage return|'\\r'|\\r'/],
  ["mixed-line-endings", /^line ends with LF while the file uses CRLF/],
  ["line-too-long", /^line of \d+ bytes/],
  ["word-too-long", /^word of \d+ bytes/],
  ["too-many-words", /^\d+ words: iptables-restore takes at most/],
  ["nul-byte", /NUL byte/],
  ["empty-command", /a rule with no command|empty command|^expected a command such as -A CHAIN/],
  ["unterminated-quote", /^unterminated quote/],
  // Tables.
  ["unknown-table", /^unknown table|^unable to initialize table/],
  ["ignored-text", /^text after the (table name|counters)/],
  ["duplicate-table", /^table \S+ appears twice/],
  ["missing-commit", /has no COMMIT/],
  ["commit-without-newline", /^COMMIT without a newline/],
  ["outside-table", /^(COMMIT|chain declaration|rule) outside a table/],
  // Chains.
  ["chain-name-too-long", /^chain name '.*' is \d+ characters long/],
  ["invalid-chain-name", /^invalid chain name|^expected ':CHAIN POLICY/],
  ["policy-on-user-chain", /^user chain \S+ cannot have a policy|only built-in chains have a policy/],
  ["invalid-policy", /^expected a policy after|^policy '.*' of built-in chain|^-P: expected ACCEPT or DROP/],
  ["invalid-counters", /counters|counter not numeric/],
  ["duplicate-chain", /is declared twice in table|already exists in table/],
  ["undeclared-chain", /^rule in undeclared chain/],
  ["no-such-chain", /: no chain called \S+ in table/],
  ["jump-to-missing-chain", /no chain called '.*' is declared in table .* and it is not a known target/],
  ["jump-to-builtin", /cannot jump to a built-in chain/],
  ["goto-target", /goto needs a user chain/],
  ["chain-in-use", /still jumps to|still has rules/],
  ["builtin-chain-delete", /a built-in chain cannot be deleted/],
  ["loop-after-verdict", /^jump loop through .* after the unconditional/],
  ["jump-loop", /^jump loop/],
  // Commands.
  ["unsupported-command", /^unsupported command/],
  ["missing-chain-name", /expects a chain name$/],
  ["no-such-rule", /no such rule|no rule in chain .* matches this one|expected a position from|expected a rule number/],
  // Rules: options, modules, targets.
  ["unknown-option", /^unknown option/],
  ["unexpected-word", /^unexpected word|^unexpected option/],
  ["old-negation-form", /pre-1\.4\.3 way/],
  ["misplaced-negation", /'!'/],
  ["duplicate-option", /given twice/],
  ["missing-value", /expects (a value|\d+ values|a match module name|a target or chain name)$/],
  ["not-modelled", /^kept but not modelled/],
  ["comment-truncated", /^--comment: text is \d+ bytes long/],
  ["ipv6-address", /IPv6 address|ICMPv6 belongs to ip6tables/],
  ["needs-protocol", /needs -p |only works on TCP|without (that )?-p|requires -p|needs a -p|-p tcp|-p udp|-p icmp/],
  ["wrong-interface-option", /^-[io] cannot be used in/],
  ["placement-after-verdict", /but no packet gets here: iptables-legacy loads it/],
  ["wrong-table", /is only valid in the \S+ table/],
  ["wrong-chain", /is only valid in /],
  ["port-range-reversed", /first port above the second/],
  ["host-name", /got the host name/],
  ["ambiguous-value", /ambiguous/],
  ["missing-option", /needs --/],
  ["out-of-range", /out of range|too large|expected at most|expected 0 to|from 1 to/],
  ["invalid-value", /expected|invalid|unknown|not a/],
];

/** The stable code of a diagnostic, from its message; `invalid-input` when no kind fits. */
export function diagnosticCode(message: string): string {
  for (const [code, pattern] of CODES) if (pattern.test(message)) return code;
  return "invalid-input";
}

/** Every code a diagnostic can carry, for documentation and tests. */
export const DIAGNOSTIC_CODES: readonly string[] = [...CODES.map(([code]) => code), "invalid-input"];
