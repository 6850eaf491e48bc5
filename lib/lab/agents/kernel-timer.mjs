// The kernel benchmark's timer, run inside the node namespace:
//   ip netns exec NS node kernel-timer.mjs JOB.json
// JOB.json: { "connect"?: { "targets": [{ "name", "host", "port" }], "warmup": W, "samples": S },
//             "commands"?: [{ "name", "cmd", "args": [...], "inputFile"?: PATH, "timeoutMs"?: MS }] }
// connect: W + S rounds; each round opens one fresh TCP connection to every target in turn
// (interleaved, so drift on a busy machine hits every target alike) and times socket creation
// to the 'connect' event (the SYN goes through the node's rules, the SYN-ACK comes back), then
// resets the connection (no TIME_WAIT left behind). Only the S rounds after the W warm-up
// rounds are kept.
// commands: each command runs once, in order, with its input file on standard input; the
// wall time includes starting the program, as kube-proxy pays it on every sync. A command still
// running after timeoutMs (default 600 000) is killed and reported with timedOut: true.
// Prints one JSON object: { "connect": { name: [microseconds...] }, "commands": [{ name, ms, status, timedOut, stderr }] }.
import net from "node:net";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));

function connectOnce(host, port) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const s = net.connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`timeout connecting to ${host}:${port}`));
    }, 5000);
    s.once("connect", () => {
      const us = Number(process.hrtime.bigint() - start) / 1000;
      clearTimeout(timer);
      s.once("close", () => resolve(us));
      s.resetAndDestroy();
    });
    s.once("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`${host}:${port}: ${e.message}`));
    });
  });
}

async function connectRounds({ targets, warmup, samples }) {
  const out = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let round = 0; round < warmup + samples; round++) {
    for (const t of targets) {
      const us = await connectOnce(t.host, t.port);
      if (round >= warmup) out[t.name].push(us);
    }
  }
  return out;
}

function runCommands(commands) {
  return commands.map(({ name, cmd, args, inputFile, timeoutMs }) => {
    const input = inputFile ? readFileSync(inputFile) : undefined;
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { input, stdio: ["pipe", "ignore", "pipe"], maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs ?? 600_000, killSignal: "SIGKILL" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    // A command stopped at its time limit: its status is null and the caller decides what that means.
    const timedOut = r.error?.code === "ETIMEDOUT";
    return { name, ms, status: r.status, timedOut, stderr: (r.stderr ?? "").toString().slice(0, 500) };
  });
}

try {
  const result = {};
  if (job.connect) result.connect = await connectRounds(job.connect);
  if (job.commands) result.commands = runCommands(job.commands);
  process.stdout.write(JSON.stringify(result) + "\n");
} catch (e) {
  process.stdout.write(JSON.stringify({ error: e.message }) + "\n");
  process.exit(1);
}
