// The kernel lab's client agent: one long-lived process per namespace,
// started with `ip netns exec NS node agent.mjs`. It reads one JSON command
// per line on standard input and answers each with one JSON line carrying
// the same id:
//   {"id":1,"op":"connect","protocol":"tcp","src":"172.16.1.100","sport":0,
//    "dst":"10.254.42.62","dport":80,"timeoutMs":3000}
//     -> {"id":1,"ok":true,"local":"172.16.1.100:41234","reply":{"server":..,"peer":..}}
//     -> {"id":1,"ok":false,"local":..,"error":"timeout"|"refused"|...}
//   {"id":2,"op":"recent"}        -> {"id":2,"ok":true,"lists":{"NAME":"<file text>"}}
//   {"id":3,"op":"clear-recent"}  -> {"id":3,"ok":true,"cleared":["NAME",...]}
// (the xt_recent lists of the namespace the agent runs in: /proc/net is per namespace).
// Prints {"ready":true} first. Every wait has a timeout; exits when stdin closes.
import net from "node:net";
import dgram from "node:dgram";
import fs from "node:fs";
import readline from "node:readline";

const say = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const RECENT = "/proc/net/xt_recent";

function classify(e) {
  if (!e) return "error";
  if (e.code === "ECONNREFUSED") return "refused";
  if (e.code === "ECONNRESET") return "reset";
  if (e.code === "EHOSTUNREACH" || e.code === "ENETUNREACH") return "unreachable";
  return `${e.code ?? "error"}: ${e.message}`;
}

function connectTcp(c) {
  return new Promise((resolve) => {
    let buf = "";
    let local = null;
    let reply = null;
    let settled = false;
    const s = net.connect({ host: c.dst, port: c.dport, localAddress: c.src, localPort: c.sport || undefined, family: 4 });
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ local, ...result });
    };
    const timer = setTimeout(() => {
      s.destroy();
      finish(reply ? { ok: true, reply } : { ok: false, error: "timeout" });
    }, c.timeoutMs ?? 3000);
    s.on("connect", () => {
      local = `${s.localAddress}:${s.localPort}`;
    });
    s.setEncoding("utf8");
    s.on("data", (d) => {
      if (reply) return;
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      try {
        reply = JSON.parse(buf.slice(0, nl));
      } catch {
        reply = { raw: buf.slice(0, nl) };
      }
      // Close with a reset: no FIN/ACK exchange that could outlive the
      // connection's conntrack entry and be picked up as a new connection.
      s.resetAndDestroy();
    });
    s.on("error", (e) => {
      if (!reply) finish({ ok: false, error: classify(e) });
    });
    s.on("close", () => finish(reply ? { ok: true, reply } : { ok: false, error: buf ? "incomplete answer" : "closed without an answer" }));
  });
}

function connectUdp(c) {
  return new Promise((resolve) => {
    const s = dgram.createSocket("udp4");
    let local = null;
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        s.close();
      } catch {
        // already closed
      }
      resolve({ local, ...result });
    };
    const timer = setTimeout(() => finish({ ok: false, error: "timeout" }), c.timeoutMs ?? 3000);
    s.on("error", (e) => finish({ ok: false, error: classify(e) }));
    s.on("message", (msg) => {
      let reply;
      try {
        reply = JSON.parse(String(msg).trim());
      } catch {
        reply = { raw: String(msg) };
      }
      finish({ ok: true, reply });
    });
    s.bind({ address: c.src, port: c.sport || 0 }, () => {
      const a = s.address();
      local = `${a.address}:${a.port}`;
      s.send("?\n", c.dport, c.dst, (e) => {
        if (e) finish({ ok: false, error: classify(e) });
      });
    });
  });
}

function readRecent() {
  const lists = {};
  let names = [];
  try {
    names = fs.readdirSync(RECENT);
  } catch {
    return lists;
  }
  for (const name of names) lists[name] = fs.readFileSync(`${RECENT}/${name}`, "utf8");
  return lists;
}

function clearRecent() {
  const lists = Object.keys(readRecent());
  for (const name of lists) fs.writeFileSync(`${RECENT}/${name}`, "/\n");
  return lists;
}

async function handle(cmd) {
  switch (cmd.op) {
    case "connect":
      return cmd.protocol === "udp" ? connectUdp(cmd) : connectTcp(cmd);
    case "recent":
      return { ok: true, lists: readRecent() };
    case "clear-recent":
      return { ok: true, cleared: clearRecent() };
    case "ping":
      return { ok: true };
    default:
      return { ok: false, error: `unknown op ${cmd.op}` };
  }
}

const rl = readline.createInterface({ input: process.stdin });
rl.on("line", async (line) => {
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch {
    say({ id: null, ok: false, error: "not JSON" });
    return;
  }
  try {
    say({ id: cmd.id, ...(await handle(cmd)) });
  } catch (e) {
    say({ id: cmd.id, ok: false, error: e.message });
  }
});
rl.on("close", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
say({ ready: true });
