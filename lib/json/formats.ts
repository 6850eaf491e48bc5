/**
 * The `format` tag of every JSON document the kit writes or reads, with its
 * version: a reader checks the tag before it trusts the shape, and a change
 * of shape gets a new version. Each has a schema in schemas/.
 */
export const FORMATS = {
  /** `parse --json`: the dump's model and its warnings. */
  parse: "kube-iptables-lab/parse@1",
  /** Any `--json` command whose dump has errors: the errors and warnings, each with its code. */
  diagnostics: "kube-iptables-lab/diagnostics@1",
  /** `services --json` (@2: the dump's warnings in `dumpWarnings`). */
  services: "kube-iptables-lab/services@2",
  /** `lint --json` (@2: the dump's warnings in `dumpWarnings`). */
  lint: "kube-iptables-lab/lint@2",
  /** `diff --json` (@2: both dumps' warnings in `dumpWarnings`). */
  diff: "kube-iptables-lab/diff@2",
  /** `trace --json` and the explorer's trace JSON (@2: the dump's warnings in `dumpWarnings`). */
  trace: "kube-iptables-lab/trace@2",
  /** `simulate --json` (@2: the traces' warnings, each event's and each distinct one with its events, and the dump's warnings). */
  simulation: "kube-iptables-lab/simulation@2",
  /** A node description (input; `node-context` writes one). */
  node: "kube-iptables-lab/node@1",
  /** A scenario file for `verify` (input). */
  scenarios: "kube-iptables-lab/scenarios@1",
  /** `verify --json` and `--write`: what the kernel did beside what the simulator said (@2: the dump's warnings in `dumpWarnings`). */
  kernelAgreement: "kube-iptables-lab/kernel-agreement@2",
} as const;
