// The kernel lab's servers: one process per namespace, started with
//   ip netns exec NS node servers.mjs '<JSON list of {protocol, address, port}>'
// It listens on every given address:port (TCP and/or UDP) and answers each
// TCP connection, and each UDP datagram, with one JSON line:
//   {"server":"ip:port","peer":"ip:port","protocol":"tcp"}
// where server is the address the connection arrived at (after any DNAT)
// and peer the source address it came from (after any SNAT).
// Prints {"ready":true,"listening":N} once every listener is bound, or
// {"error":"..."} and exits 1. Exits when its standard input closes (the lab
// went away) or on SIGTERM.
import net from "node:net";
import dgram from "node:dgram";

const listeners = JSON.parse(process.argv[2] ?? "[]");
const say = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const answer = (server, peer, protocol) => JSON.stringify({ server, peer, protocol }) + "\n";

function tcp({ address, port }) {
  return new Promise((resolve, reject) => {
    const s = net.createServer((c) => {
      c.on("error", () => {
        // The client resets the connection once it has its answer.
      });
      c.end(answer(`${c.localAddress}:${c.localPort}`, `${c.remoteAddress}:${c.remotePort}`, "tcp"));
    });
    s.once("error", (e) => reject(new Error(`tcp ${address}:${port}: ${e.message}`)));
    s.listen({ host: address, port, exclusive: true }, () => resolve(s));
  });
}

function udp({ address, port }) {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket("udp4");
    s.on("message", (_msg, rinfo) => {
      s.send(answer(`${address}:${port}`, `${rinfo.address}:${rinfo.port}`, "udp"), rinfo.port, rinfo.address);
    });
    s.once("error", (e) => reject(new Error(`udp ${address}:${port}: ${e.message}`)));
    s.bind({ address, port, exclusive: true }, () => resolve(s));
  });
}

try {
  await Promise.all(listeners.map((l) => (l.protocol === "udp" ? udp(l) : tcp(l))));
  say({ ready: true, listening: listeners.length });
} catch (e) {
  say({ error: e.message });
  process.exit(1);
}
process.stdin.on("data", () => {});
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
