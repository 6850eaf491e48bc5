// The public surface of kube-iptables-lab. This file only re-exports.
export type * from "./model/dump.js";
export type * from "./model/matches.js";
export type * from "./model/targets.js";
export type { Cidr } from "./model/address.js";
export { parseIPv4, formatIPv4, formatCidr, cidrContains } from "./model/address.js";
export { BUILTIN_CHAINS, HOOK_ORDER, TABLE_NAMES, isBuiltinChain, isTableName, type Hook } from "./model/tables.js";
export {
  findTable, findChain, allRules, ruleAtLine, rulesAtLines, isJump, isFlagged, flaggedParts, ruleComment,
  isUnsupportedMatch, isUnsupportedTarget,
} from "./model/predicates.js";
export { parseDump, type ParseOptions, type ParseResult } from "./parse/parser.js";
export { tokenizeLine, type Token } from "./parse/lexer.js";
export { formatDiagnostic } from "./parse/errors.js";
export { formatProbability } from "./math/probability.js";
export { formatDump, formatRule, formatChainDeclaration } from "./format/format.js";
export { saveString } from "./model/quote.js";
export {
  services, parseServicePortName, type KubeService, type KubeEndpoint, type MasqueradeRule, type ServiceFilterRule, type TrafficPolicy,
} from "./services/catalog.js";
export { kubeProxyHash, serviceChainName, endpointChainName } from "./services/chain-names.js";
export {
  fraction, add, subtract, multiply, equals, sum, toNumber, formatFraction, parseFraction, formatPercent, ZERO, ONE,
  type Fraction,
} from "./math/fraction.js";
export {
  loadNodeContext, nodeFromIpJson, lookupRoute, addressType, isLocalAddress, selectAddress, inferOrigin, nodeAddresses,
  NodeContextError, DEFAULT_RECENT_LIST_SIZE, type NodeContext, type NodeInterface, type NodeRoute, type RouteDecision, type PeerNode,
} from "./node/context.js";
export type { Protocol, Tuple, PacketState, ConnectionSpec } from "./trace/packet.js";
export { tupleText, endpointText, DEFAULT_SOURCE_PORT } from "./trace/packet.js";
export {
  emptyState, formatRecentList, parseRecentLists, recentUpdate, tupleKey,
  type NetState, type RecentLists, type RecentEntry, type ConntrackEntry,
} from "./trace/state.js";
export { runPacket, PathLimitError, MAX_WORLDS, type Outcome, type Step, type DnatDecision, type SnatDecision, type RunInput } from "./trace/engine.js";
export {
  traceConnection, resolveConnection, connectionOf, TraceInputError,
  type Trace, type TraceOutcome, type TraceOptions, type FollowUp,
} from "./trace/trace.js";
export {
  simulateConnections, simulationEvents, CONNTRACK_TIMEOUT, sampleSplit, drawOutcome, simulationWarnings, SimulationWarnings,
  type TimedConnection, type SimulationEvent, type SimulationOptions, type SampledShare, type SimulationWarning,
} from "./trace/simulate.js";
// The compiled fast path behind traceConnection's `explain: false`: outcomes with the rules met as line numbers and the random choices taken.
export { runCompiled, type PathOutcome } from "./trace/compiled/run.js";
export { compiledDump, forgetCompiled, type CompiledDump } from "./trace/compiled/compile.js";
export { explainPath, rulesMet } from "./trace/compiled/lazy-steps.js";
export { createRandom, type Random } from "./math/random.js";
export { checkAnswer, closeTo, exerciseHtml, type ExerciseResult, type ExerciseSpec } from "./lessons/exercise.js";
export { lessonTable, dumpLines, linesMentioning, preformatted } from "./lessons/html.js";
export { openLesson, dataPath, type LessonData } from "./lessons/open.js";
export { LESSON_EXAMPLES } from "./lessons/examples.js";
// The language of labels (KIL_LANG, set by the tslab-zh-CN kernel, reaches it through openLesson).
export { setLanguage, language, t, addPhrases, missingPhrases, LANGUAGES, type Language, type Phrases } from "./i18n/language.js";
export { applyMark, markMatches } from "./trace/marks.js";
export {
  generateDump, generateCluster,
  type GenerateOptions, type GenerateStyle, type GeneratedCluster, type GeneratedService, type GeneratedEndpoint, type GeneratedNode,
} from "./generate/generate.js";
export {
  kubeProxyRestoreInput, kubeProxySyncInput, kubeProxyFullSyncInput, kubeProxyPartialSyncInput, endpointSets, servicePortName, type EndpointSets,
  type RestoreInputSpec, type RestoreInputService, type RestoreInputEndpoint, type RestoreInputNode,
} from "./generate/restore-input.js";
export {
  kubeProxyNftablesInput, kubeProxyNftablesEndpointChange, generateNftables, generatedClusterSpec,
  nftablesNameBase, nftablesServiceBase, nftablesEndpointBase, type NftablesInputOptions,
} from "./generate/nftables.js";
// The kernel lab: namespaces mirroring a node, real connections, and the comparison with the simulator.
export {
  netnsAvailable, createNamespaces, removeNamespaces, withNamespaces, execIn, spawnIn, orphanedNamespaces, removeOrphanedNamespaces, liveNamespaces,
  NamespaceShell, LabError, NAMESPACE_PREFIX, type Availability, type ExecResult, type ExecOptions, type NamespaceSet,
} from "./lab/netns.js";
export {
  planLab, buildLab, describePlan, nodeRoutes, farRole,
  type LabPlan, type NamespacePlan, type ListenerPlan, type ClientPlacement, type PlanOptions,
} from "./lab/topology.js";
export { ClientAgent, ServerProcess, agentScript, type ConnectRequest, type ConnectResult } from "./lab/agents.js";
export {
  parseSavedCounters, countedRules, parseProcRecent, parseRecentFiles,
  type SavedCounters, type CountedRule, type KernelRecentEntry, type KernelRecentLists,
} from "./lab/observe.js";
export {
  compareConnection, outcomeProblems, compareRecent, natLineCounts, kernelLineCounts, simulatorRecent, kernelText, outcomeText,
  type ConnectionObservation, type ConnectionComparison,
} from "./lab/kernel-vs-simulator.js";
export { goodnessOfFit, binomialTwoSided, chiSquareSurvival, chiSquareCritical, gammaQ, lnGamma, type FitResult } from "./lab/stats.js";
export { Lab, withLab, labEnvironment, type LabOptions, type LabEnvironment } from "./lab/lab.js";
export {
  parseScenarioFile, scenarioClients, scenarioPorts, withRecentSeconds, runScenario, verifyScenarios, ScenarioError,
  type ScenarioFile, type Scenario, type ScenarioConnection, type ConnectionScenario, type SplitScenario, type SequenceScenario,
  type SequenceStep, type ScenarioResult, type ConnectionRecord, type VerifyReport, type VerifyInput,
} from "./lab/scenarios.js";
export { escapeHtml, truncate, textWidth } from "./views/escape.js";
export { OKABE_ITO, VIEW_CSS } from "./views/style.js";
export type { FlowGraph, FlowNode, FlowLink, FlowNodeKind, FlowLinkKind } from "./views/flow.js";
export { renderSankey, type SankeyOptions } from "./views/sankey.js";
export { serviceSplitGraph, serviceSplitSankey, type ServiceSplitOptions, type ServiceSplitGraphOptions } from "./views/service-split.js";
export { nodeGraph, nodeSankey, type NodeSankeyOptions, type NodeGraphOptions } from "./views/node-sankey.js";
export { traceGraph, traceSankey, type TraceSankeyOptions, type TraceGraphOptions } from "./views/trace-sankey.js";
export {
  simulationGraph, simulationSankey, sampledSplitGraphs, sampledSplitSankey, routeMode, type SampledSplitOptions, type RouteMode,
} from "./views/simulation-sankey.js";
export { highlightRule } from "./views/rule-text.js";
export { rulePathTable, type RulePathOptions } from "./views/rule-path.js";
export { engineText } from "./views/engine-text.js";
export { labText } from "./views/lab-text.js";
export { markTable, type MarkTableOptions } from "./views/mark-table.js";
export { dnatTable } from "./views/dnat-table.js";
export { snatTable } from "./views/snat-table.js";
export { verdictTable } from "./views/verdict-table.js";
export { decisionTable, type DecisionCase } from "./views/decision-table.js";
export { serviceCatalogTable, type CatalogTableOptions } from "./views/catalog-table.js";
export { endpointTable } from "./views/endpoint-table.js";
export { affinityTable, type AffinityTableOptions } from "./views/affinity-table.js";
export type { ViewOptions } from "./views/html.js";
export type { OutcomeSource } from "./views/outcomes.js";
export { show, tslabDisplay, type HtmlDisplay } from "./views/display.js";
export { htmlPage } from "./views/page.js";
export { diffDumps, serviceKey, type DumpDiff, type ServiceChange, type EndpointChange, type ChainDiff } from "./compare/diff.js";
export { toJson } from "./json/json-text.js";
export { traceJson } from "./json/trace-json.js";
export { explorerHash, explorerQuestion, explorerLink, EXPLORER_FORMAT_VERSION, type ExplorerQuestion } from "./views/explorer-link.js";
export { outcomeTable } from "./views/outcome-table.js";
export { diffTable, type DiffTableOptions } from "./views/diff-table.js";
export { lintDump, type LintFinding, type LintKind } from "./lint/lint.js";
export { reachedService, nextHopOf, unownedDestination, unownedLocalSource } from "./trace/reached.js";
export { hookMap, packetPlaces, TABLES_AT_HOOK, type HookMapOptions } from "./views/hook-map.js";
export { sourceRewrite, sourceRewriteChart, type SourceRewrite, type SourceRewriteKind } from "./views/source-rewrite.js";
