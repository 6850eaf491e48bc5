// Every view, drawn from the wordpress example and the hostile dump: the browser test puts them on one page.
import {
  affinityTable, decisionTable, dnatTable, endpointTable, markTable, nodeSankey, rulePathTable, sampleSplit, sampledSplitSankey,
  serviceCatalogTable, serviceSplitSankey, simulateConnections, simulationSankey, snatTable, traceConnection, traceSankey, verdictTable,
  hookMap, sourceRewriteChart,
  type TimedConnection,
} from "../../lib/index.js";
import { catalog, dump, heketi, hostileDump, hostileNode, hostileServices, node, wordpress } from "./support.js";

export interface Shown {
  name: string;
  html: string;
}

/** The wordpress walkthrough's connections, as decision-table cases. */
export function wordpressCases() {
  return [
    { label: "outside client → ClusterIP", trace: traceConnection(dump, node, { src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }) },
    { label: "outside client → NodePort", trace: traceConnection(dump, node, { src: "172.16.1.100", dst: "172.16.1.10", dport: 32765 }) },
    { label: "pod on this node → ClusterIP", trace: traceConnection(dump, node, { src: "10.253.51.9", dst: "10.254.42.62", dport: 80 }) },
    { label: "outside client → kubernetes API", trace: traceConnection(dump, node, { src: "172.16.1.100", dst: "10.254.0.1", dport: 443 }) },
  ];
}

export function affinityEvents() {
  const conns: TimedConnection[] = [];
  const clients = ["172.16.1.100", "172.16.1.101", "172.16.1.102", "172.16.1.103", "172.16.1.104"];
  for (let round = 0; round < 4; round++)
    clients.forEach((src, i) => conns.push({ time: round * 1800 + i * 5, src, dst: round % 2 ? "172.16.1.10" : "10.254.42.62", dport: round % 2 ? 32765 : 80, label: `client ${i + 1}, visit ${round + 1}` }));
  return simulateConnections(dump, node, conns, { seed: 4 });
}

export function gallery(): Shown[] {
  const cases = wordpressCases();
  const outside = cases[0].trace;
  const events = affinityEvents();
  const hostileTrace = traceConnection(hostileDump, hostileNode, { src: "192.168.1.50", dst: "10.96.0.10", dport: 80 });
  const shares = sampleSplit(dump, node, { src: "172.16.1.100", dst: "10.254.112.177", dport: 1 }, 3000, 7);
  return [
    { name: "wordpress split", html: serviceSplitSankey(wordpress, { dump, id: "wordpress-split" }) },
    { name: "heketi split", html: serviceSplitSankey(heketi, { dump, id: "heketi-split" }) },
    { name: "whole node", html: nodeSankey(catalog, { id: "whole-node" }) },
    { name: "trace", html: traceSankey(cases[1].trace, { services: catalog, id: "trace-nodeport" }) },
    { name: "simulation", html: simulationSankey(events, { id: "affinity-simulation" }) },
    { name: "sampled", html: sampledSplitSankey(shares, { entry: "10.254.112.177:1", id: "heketi-sampled" }) },
    { name: "catalog", html: serviceCatalogTable(catalog) },
    { name: "endpoints", html: endpointTable(heketi) },
    { name: "rule path", html: rulePathTable(outside.outcomes[0], { tables: ["nat"] }) },
    { name: "marks", html: markTable(outside.outcomes[0], dump) },
    { name: "dnat", html: dnatTable(outside) },
    { name: "snat", html: snatTable(outside) },
    { name: "verdicts", html: verdictTable(cases[3].trace) },
    { name: "decisions", html: decisionTable(cases) },
    { name: "affinity", html: affinityTable(events[events.length - 1].recent, 6000, { services: catalog }) },
    { name: "hostile split", html: serviceSplitSankey(hostileServices[0], { dump: hostileDump }) },
    { name: "hostile node", html: nodeSankey(hostileServices) },
    { name: "hostile trace", html: traceSankey(hostileTrace, { services: hostileServices }) },
    { name: "hostile catalog", html: serviceCatalogTable(hostileServices) },
    { name: "hostile endpoints", html: endpointTable(hostileServices[0]) },
    { name: "hostile rule path", html: rulePathTable(hostileTrace.outcomes[0]) },
    { name: "hostile decisions", html: decisionTable([{ label: "</td><script>window.__pwned=4</script> & 中文", trace: hostileTrace }]) },
    { name: "hook map", html: hookMap({ dump, outcome: outside.outcomes[0], id: "gallery-hooks" }) },
    { name: "source rewrite", html: sourceRewriteChart(cases, { id: "gallery-source" }) },
    { name: "hostile source rewrite", html: sourceRewriteChart([{ label: "</text><script>window.__pwned=5</script> & 中文", trace: hostileTrace }]) },
  ];
}
