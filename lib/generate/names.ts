/**
 * Deterministic, realistic-looking names for generated clusters: namespaces,
 * Service names and port names, drawn from small word lists with a seeded
 * generator.
 */
import type { Random } from "../math/random.js";

/** A uniform integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor((random.next32() / 0x100000000) * n);
}

/** A uniform number in [0, 1). */
export function randomUnit(random: Random): number {
  return random.next32() / 0x100000000;
}

/** One element of a non-empty list. */
export function pick<T>(random: Random, list: readonly T[]): T {
  return list[randomInt(random, list.length)];
}

/** Shuffle in place (Fisher-Yates). */
export function shuffle<T>(random: Random, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

const TEAMS = [
  "payments", "checkout", "catalog", "search", "identity", "billing", "shipping", "orders", "inventory", "analytics",
  "media", "notifications", "pricing", "reviews", "recommendations", "support", "platform", "data", "ml", "web",
];
const ENVIRONMENTS = ["prod", "staging", "dev", "qa"];
const SYSTEM_NAMESPACES = ["default", "kube-system", "monitoring", "ingress-nginx", "cert-manager", "logging"];

const PARTS = [
  "api", "gateway", "worker", "frontend", "backend", "cache", "db", "queue", "auth", "cart", "order", "user", "profile",
  "session", "search", "index", "feed", "image", "video", "upload", "report", "export", "import", "sync", "scheduler",
  "mailer", "sms", "push", "ledger", "invoice", "tax", "coupon", "stock", "warehouse", "tracking", "rating", "comment",
  "graph", "config", "flags", "audit", "metrics", "events", "stream", "router", "proxy", "edge", "admin", "portal",
];
const SUFFIXES = ["svc", "service", "server", "v2", "internal", "public", "grpc", "http", "read", "write"];

/** A namespace: a few system ones, then team-environment pairs. */
export function namespaceName(random: Random): string {
  if (randomUnit(random) < 0.08) return pick(random, SYSTEM_NAMESPACES);
  return `${pick(random, TEAMS)}-${pick(random, ENVIRONMENTS)}`;
}

/** A Service name such as `cart-worker` or `ledger-api-v2`. */
export function serviceName(random: Random): string {
  const a = pick(random, PARTS);
  let b = pick(random, PARTS);
  while (b === a) b = pick(random, PARTS);
  return randomUnit(random) < 0.3 ? `${a}-${b}-${pick(random, SUFFIXES)}` : `${a}-${b}`;
}

/** A Service port: its name (empty for an unnamed single port), port, target port and protocol. */
export interface PortShape {
  name: string;
  port: number;
  targetPort: number;
  protocol: "tcp" | "udp";
}

const SINGLE_PORTS: readonly PortShape[] = [
  { name: "", port: 80, targetPort: 8080, protocol: "tcp" },
  { name: "", port: 80, targetPort: 80, protocol: "tcp" },
  { name: "", port: 8080, targetPort: 8080, protocol: "tcp" },
  { name: "", port: 443, targetPort: 8443, protocol: "tcp" },
  { name: "http", port: 80, targetPort: 8080, protocol: "tcp" },
  { name: "http", port: 8080, targetPort: 8080, protocol: "tcp" },
  { name: "grpc", port: 9090, targetPort: 9090, protocol: "tcp" },
  { name: "grpc", port: 50051, targetPort: 50051, protocol: "tcp" },
  { name: "https", port: 443, targetPort: 8443, protocol: "tcp" },
  { name: "redis", port: 6379, targetPort: 6379, protocol: "tcp" },
  { name: "postgres", port: 5432, targetPort: 5432, protocol: "tcp" },
  { name: "mysql", port: 3306, targetPort: 3306, protocol: "tcp" },
  { name: "kafka", port: 9092, targetPort: 9092, protocol: "tcp" },
  { name: "web", port: 3000, targetPort: 3000, protocol: "tcp" },
  { name: "syslog", port: 514, targetPort: 5140, protocol: "udp" },
  { name: "statsd", port: 8125, targetPort: 8125, protocol: "udp" },
];

const PORT_SETS: readonly (readonly PortShape[])[] = [
  [{ name: "http", port: 80, targetPort: 8080, protocol: "tcp" }, { name: "https", port: 443, targetPort: 8443, protocol: "tcp" }],
  [{ name: "http", port: 8080, targetPort: 8080, protocol: "tcp" }, { name: "metrics", port: 9100, targetPort: 9100, protocol: "tcp" }],
  [{ name: "grpc", port: 9090, targetPort: 9090, protocol: "tcp" }, { name: "http", port: 8080, targetPort: 8080, protocol: "tcp" }],
  [
    { name: "http", port: 80, targetPort: 8080, protocol: "tcp" },
    { name: "grpc", port: 9090, targetPort: 9090, protocol: "tcp" },
    { name: "metrics", port: 9100, targetPort: 9100, protocol: "tcp" },
  ],
  [{ name: "dns", port: 53, targetPort: 5353, protocol: "udp" }, { name: "dns-tcp", port: 53, targetPort: 5353, protocol: "tcp" }],
];

/** The ports of one Service: mostly one port, sometimes two or three. */
export function servicePorts(random: Random): readonly PortShape[] {
  return randomUnit(random) < 0.82 ? [pick(random, SINGLE_PORTS)] : pick(random, PORT_SETS);
}
