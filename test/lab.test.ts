// `npm run lab` starts where people run it (as root too, with --allow-root),
// serves the tslab kernel spec over Jupyter's REST API, opens a lesson with
// that kernel and stops when asked.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const lesson = "01-the-wordpress-service.ipynb";
const token = "kil-lab-test";

const hasNotebook = spawnSync("bash", ["-c", "command -v jupyter-notebook"]).status === 0;
const required = process.env.KIL_REQUIRE_KERNEL === "1";

// A TCP port nobody listens on right now.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// Resolves with everything the server printed once it says it is running; rejects if it exits first.
function serverReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("is running at")) resolve(output);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code, signal) => reject(new Error(`npm run lab exited (${code ?? signal}) before serving:\n${output}`)));
  });
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once("exit", (code) => resolve(code)));

let child: ChildProcess | undefined;
afterAll(() => {
  // Only if the test failed before stopping the server: end its process group.
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
});

describe.runIf(hasNotebook || required)("npm run lab", () => {
  it(
    "starts (as root with --allow-root), lists the tslab kernel spec, opens a lesson and stops",
    async () => {
      const port = await freePort();
      child = spawn(
        "npm",
        ["run", "--silent", "lab", "--", "--no-browser", `--port=${port}`, "--port-retries=0", `--NotebookApp.token=${token}`],
        // npm test has just run scripts/setup.sh; running it again here would rebuild dist/ under other tests.
        { cwd: root, env: { ...process.env, KIL_LAB_SKIP_SETUP: "1" }, detached: true, stdio: ["ignore", "pipe", "pipe"] }
      );
      const output = await serverReady(child);
      if (process.getuid?.() === 0) expect(output).toContain("running as root, so starting Jupyter with --allow-root");
      // The first thing a teacher reads: no deprecation warning about how the script passes its settings.
      expect(output).not.toMatch(/FutureWarning|DeprecationWarning|deprecated/);

      const base = `http://127.0.0.1:${port}`;
      const api = async (method: string, route: string, body?: unknown) => {
        const response = await fetch(`${base}${route}`, {
          method,
          headers: { Authorization: `token ${token}`, "Content-Type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        return { status: response.status, json: text ? JSON.parse(text) : null };
      };

      // The notebooks' node_modules link is hidden (hide_globs), the lessons listed.
      const listing = await api("GET", "/api/contents/");
      const names = listing.json.content.map((entry: { name: string }) => entry.name);
      expect(names).toContain(lesson);
      expect(names).not.toContain("node_modules");

      const specs = await api("GET", "/api/kernelspecs");
      expect(specs.status).toBe(200);
      expect(Object.keys(specs.json.kernelspecs)).toContain("tslab");
      expect(specs.json.kernelspecs.tslab.spec.language).toBe("typescript");

      // Opening a lesson: its page, its content, and a session with the tslab kernel.
      const page = await fetch(`${base}/notebooks/${lesson}`, { headers: { Authorization: `token ${token}` } });
      expect(page.status).toBe(200);
      const content = await api("GET", `/api/contents/${lesson}`);
      expect(content.status).toBe(200);
      expect(content.json.type).toBe("notebook");
      expect(content.json.content.metadata.kernelspec.name).toBe("tslab");
      const session = await api("POST", "/api/sessions", { path: lesson, type: "notebook", kernel: { name: "tslab" } });
      expect(session.status).toBe(201);
      expect(session.json.kernel.name).toBe("tslab");
      const kernels = await api("GET", "/api/kernels");
      expect(kernels.json.map((k: { id: string }) => k.id)).toContain(session.json.kernel.id);
      expect((await api("DELETE", `/api/sessions/${session.json.id}`)).status).toBe(204);

      // Stopping: Jupyter's own shutdown call; the command then exits cleanly.
      expect((await api("POST", "/api/shutdown")).status).toBe(200);
      expect(await exited(child)).toBe(0);
    },
    // A server and a kernel start in a subprocess, not a speed assertion.
    3 * 60_000
  );
});
