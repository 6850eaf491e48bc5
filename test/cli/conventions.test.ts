// The command line's conventions: parseArgs options with short aliases, --version, every option described, exit statuses (diff as diff(1)).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS, main } from "../../lib/cli/main.js";
import { optionHelp } from "../../lib/cli/args.js";
import { repo } from "../parse/support.js";

const WORDPRESS = join(repo, "data/wordpress/iptables-save.txt");
const SCALED = join(repo, "data/wordpress-scaled/iptables-save.txt");
const NODE = join(repo, "data/wordpress/node.json");

/** Run main() in-process and collect what it prints. */
async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [], err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  const text = (lines: string[]) => lines.map((l) => `${l}\n`).join("");
  return { code, stdout: text(out), stderr: text(err) };
}

describe("--version and --help", () => {
  it("--version prints the version in package.json", async () => {
    const { version } = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
    expect(await run("--version")).toEqual({ code: 0, stdout: `kube-iptables-lab ${version}\n`, stderr: "" });
    expect((await run("-V")).stdout).toBe(`kube-iptables-lab ${version}\n`);
  });

  it("--version works after a command name too, as git's and kubectl's do", async () => {
    const { version } = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
    for (const command of COMMANDS) {
      expect(await run(command.name, "--version")).toEqual({ code: 0, stdout: `kube-iptables-lab ${version}\n`, stderr: "" });
      expect((await run(command.name, "-V")).stdout).toBe(`kube-iptables-lab ${version}\n`);
    }
    // After "--" it is an argument, not an option.
    expect((await run("parse", "--", "--version")).code).toBe(1);
  });

  it("engines names the Node.js release the tests run on", () => {
    const { engines } = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
    const major = process.versions.node.split(".")[0];
    expect(engines.node).toBe(`^${major}`);
    expect(readFileSync(join(repo, "README.md"), "utf8")).toContain(`Node ${major}`);
  });

  it("docs/command-line.md's table of commands lists every command in --help's order, each with the usage --help prints", async () => {
    const page = readFileSync(join(repo, "docs/command-line.md"), "utf8");
    const rows = [...page.matchAll(/^\| `([a-z-]+)( [^`]*)?` \|/gm)].filter((m) => COMMANDS.some((c) => c.name === m[1]) || /^[a-z]+-?[a-z]*$/.test(m[1]));
    expect(rows.map((m) => m[1])).toEqual(COMMANDS.map((c) => c.name));
    for (const [, name, usage] of rows) {
      const command = COMMANDS.find((c) => c.name === name)!;
      const options = [...(command.spec.values ?? []), ...(command.spec.switches ?? [])];
      for (const [flag] of (usage ?? "").matchAll(/--[a-z-]+/g)) expect(options, `docs/command-line.md's ${name} ${flag}`).toContain(flag);
      // The cell is --help's usage line (folded back to one line), or its start and then "[options]" when only options follow.
      const help = (await run(name, "--help")).stdout.split("\n\n")[0].replace(/\s*\n\s*/g, " ").replace(/^usage: kube-iptables-lab /, "");
      const cell = `${name}${usage ?? ""}`.replace(/\\\|/g, "|");
      if (cell.endsWith(" [options]")) expect(help.startsWith(`${cell.slice(0, -" [options]".length)} [`), `docs/command-line.md's ${cell}`).toBe(true);
      else expect(cell, `docs/command-line.md's ${name}`).toBe(help);
    }
  });

  it("docs/command-line.md shows each command's usage as --help prints it", async () => {
    const page = readFileSync(join(repo, "docs/command-line.md"), "utf8");
    for (const command of COMMANDS) {
      const usage = (await run(command.name, "--help")).stdout.split("\n\n")[0];
      expect(page, command.name).toContain(`\n\`\`\`text\n${usage}\n\`\`\`\n`);
    }
  });

  it("README's summary of the command line names every command in --help's order", () => {
    const readme = readFileSync(join(repo, "README.md"), "utf8");
    const summary = readme.slice(readme.indexOf("## The command line"), readme.indexOf("\n## ", readme.indexOf("## The command line") + 1));
    const list = summary.match(/\((`[a-z-]+`(?:,\s+`[a-z-]+`)*)\)/)?.[1] ?? "";
    expect([...list.matchAll(/`([a-z-]+)`/g)].map((m) => m[1])).toEqual(COMMANDS.map((c) => c.name));
  });

  it("the list of commands fits 80 columns", async () => {
    const r = await run("--help");
    expect(r.stdout.split("\n").filter((l) => l.length > 80)).toEqual([]);
  });

  it("every command's --help fits 80 columns", async () => {
    for (const command of COMMANDS) {
      const r = await run(command.name, "--help");
      // Characters, not UTF-16 units or bytes: a symbol such as → is one column.
      expect(r.stdout.split("\n").filter((l) => [...l].length > 80), `${command.name} --help`).toEqual([]);
    }
  });

  it("'help COMMAND' is 'COMMAND --help', as in git", async () => {
    for (const command of COMMANDS) expect(await run("help", command.name)).toEqual(await run(command.name, "--help"));
    expect((await run("help", "frobnicate")).stdout).toMatch(/^usage: kube-iptables-lab COMMAND \[options\]/);
  });

  for (const command of COMMANDS) {
    it(`${command.name} --help describes every option and the exit status`, async () => {
      const r = await run(command.name, "--help");
      expect(r.code).toBe(0);
      // The usage and the description are wrapped to 80 columns: folded back, they are the command's own.
      const [usage, description, options] = r.stdout.split("\n\n").map((block) => block.replace(/\s*\n\s*/g, " "));
      expect(usage).toBe(`usage: ${command.usage}`);
      expect(description).toBe(command.description ?? command.summary);
      expect(options.startsWith("options: ")).toBe(true);
      for (const flag of [...(command.spec.values ?? []), ...(command.spec.switches ?? [])]) {
        expect(optionHelp(command.spec, flag)?.text, `${command.name} ${flag}`).toMatch(/\w/);
        expect(r.stdout).toMatch(new RegExp(`\\n  (-\\w, |    )${flag}\\b[^\\n]*  \\S`));
      }
      expect(r.stdout).toMatch(/\nExit status[^\n]*: 0 /);
    });
  }
});

describe("options are read by parseArgs", () => {
  const traceArgs = ["trace", WORDPRESS, "--node", NODE];
  it("-s, -d, -p and -i mean --src, --dst, --proto and --in, as in iptables", async () => {
    const long = await run(...traceArgs, "--src", "10.253.51.9:1234", "--dst", "10.254.0.2:53", "--proto", "udp", "--in", "docker0", "--json");
    const short = await run(...traceArgs, "-s", "10.253.51.9:1234", "-d", "10.254.0.2:53", "-p", "udp", "-i", "docker0", "--json");
    expect(long.code).toBe(0);
    expect(short).toEqual(long);
    expect(JSON.parse(short.stdout).packet).toMatchObject({ protocol: "udp", src: "10.253.51.9", sport: 1234, dst: "10.254.0.2", dport: 53 });
    expect(await run(...traceArgs, "-s10.253.51.9:1234", "--dst=10.254.0.2:53", "-pudp", "-idocker0", "--json")).toEqual(long);
  });

  it("mistakes are usage errors (status 2) in one plain line", async () => {
    const usage = (message: string) => ({ code: 2, stdout: "", stderr: `kube-iptables-lab trace: ${message}\nusage: ${COMMANDS.find((c) => c.name === "trace")!.usage}\n` });
    expect(await run(...traceArgs, "-d", "10.254.0.2:53", "-s")).toEqual(usage("--src expects a value"));
    expect(await run(...traceArgs, "-x")).toEqual(usage("unknown option -x"));
    expect(await run(...traceArgs, "-s", "1.2.3.4", "-s", "1.2.3.5", "-d", "10.254.0.2:53")).toEqual(usage("--src given twice"));
    expect(await run(...traceArgs, "--src", "--local")).toEqual(usage("--src expects a value (for one that starts with '-', write --src=VALUE)"));
    expect(await run(...traceArgs, "--local=yes")).toEqual(usage("--local takes no value"));
    const src = "expected IP or IP:PORT, e.g. 172.16.1.100 (IPv4, port 0-65535)";
    const dst = "expected IP:PORT, e.g. 10.254.42.62:80 (IPv4, port 0-65535)";
    expect(await run(...traceArgs, "-s", "300.1.1.1", "-d", "10.254.0.2:53")).toEqual(usage(`--src '300.1.1.1': ${src}`));
    expect(await run(...traceArgs, "-s", "1.2.3.4", "-d", "10.254.0.2")).toEqual(usage(`--dst '10.254.0.2': ${dst}`));
    expect(await run(...traceArgs, "-s", "1.2.3.4", "-d", "10.254.0.2:65536")).toEqual(usage(`--dst '10.254.0.2:65536': ${dst}`));
    expect(await run(...traceArgs, "-s", "1.2.3.4", "-d", "wordpress:80")).toEqual(usage(`--dst 'wordpress:80': ${dst}`));
  });

  it("a mistyped long option or command name is answered with the one it was probably meant to be", async () => {
    const usage = (message: string) => ({ code: 2, stdout: "", stderr: `kube-iptables-lab trace: ${message}\nusage: ${COMMANDS.find((c) => c.name === "trace")!.usage}\n` });
    expect(await run(...traceArgs, "--nod", NODE)).toEqual(usage("unknown option --nod (did you mean '--node'?)"));
    expect(await run(...traceArgs, "--sorc=1.2.3.4")).toEqual(usage("unknown option --sorc (did you mean '--src'?)"));
    expect(await run(...traceArgs, "--JSON")).toEqual(usage("unknown option --JSON (did you mean '--json'?)"));
    expect(await run(...traceArgs, "--frobnicate")).toEqual(usage("unknown option --frobnicate"));
    for (const [typed, meant] of [["servics", "services"], ["trcae", "trace"], ["sim", "simulate"], ["Lint", "lint"]]) {
      const r = await run(typed, WORDPRESS);
      expect(r.code).toBe(2);
      expect(r.stderr.split("\n")[0]).toBe(`kube-iptables-lab: unknown command '${typed}' (did you mean '${meant}'?)`);
    }
    expect((await run("frobnicate")).stderr.split("\n")[0]).toBe("kube-iptables-lab: unknown command 'frobnicate'");
    const scenarios = join(repo, "data/wordpress/scenarios.json");
    const only = await run("verify", WORDPRESS, "--node", NODE, "--scenarios", scenarios, "--only", "outside-to-clusterp,nope");
    expect(only.code).toBe(2);
    expect(only.stderr.split("\n")[0]).toBe("kube-iptables-lab verify: --only: no scenario called outside-to-clusterp (did you mean 'outside-to-clusterip'?), nope");
  });

  it("'--' ends the options: a file named like an option", async () => {
    expect((await run("services", "--", "-x")).stderr).toBe("kube-iptables-lab services: cannot read -x: no such file\n");
  });
});

describe("exit statuses", () => {
  it("diff follows diff(1): 0 the same, 1 different, 2 trouble", async () => {
    expect((await run("diff", WORDPRESS, WORDPRESS)).code).toBe(0);
    expect((await run("diff", WORDPRESS, WORDPRESS, "--json")).code).toBe(0);
    expect((await run("diff", WORDPRESS, SCALED)).code).toBe(1);
    expect((await run("diff", WORDPRESS, SCALED, "--json")).code).toBe(1);
    expect((await run("diff", WORDPRESS, join(repo, "no-such.save"))).code).toBe(2);
    expect((await run("diff", WORDPRESS, NODE)).code).toBe(2);
    expect((await run("diff", WORDPRESS)).code).toBe(2);
    expect((await run("diff", "--help")).stdout.replace(/\n/g, " ")).toContain("Exit status (as diff(1)): 0 the dumps mean the same (same Services, same rules), 1 they differ, 2 trouble");
  });

  it("other commands: 0 success, 1 bad input, 2 wrong usage", async () => {
    expect((await run("services", WORDPRESS)).code).toBe(0);
    expect((await run("services", NODE)).code).toBe(1);
    expect((await run("services", WORDPRESS, "--frob")).code).toBe(2);
    expect((await run("services", "--help")).stdout).toContain("\nExit status: 0 success, 1 errors in the input, 2 wrong usage.\n");
  });

  it("verify tells a disagreeing kernel (3) and an unreachable one (4) from bad input", async () => {
    const help = (await run("verify", "--help")).stdout;
    expect(help).toContain("1 errors in the input, 2 wrong usage,\n3 the kernel disagrees with the simulator on some scenario,\n4 the kernel could not be asked");
    expect((await run("verify", WORDPRESS, "--node", NODE, "--scenarios", join(repo, "no-such.json"))).code).toBe(1);
  });
});

describe("--json keys", () => {
  it("simulate gives every connection the same keys, whatever its input left out", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kil-simulate-"));
    const connections = join(dir, "connections.json");
    writeFileSync(connections, JSON.stringify([
      { time: 0, src: "172.16.1.100", dst: "10.254.42.62", dport: 80, label: "client A" },
      { time: 5, src: "10.253.51.9", sport: 1234, dst: "10.254.0.2", dport: 53, protocol: "udp", from: { interface: "docker0" } },
    ]));
    try {
      const r = await run("simulate", WORDPRESS, "--node", NODE, "--connections", connections, "--json");
      expect(r.code).toBe(0);
      const shown = JSON.parse(r.stdout).events.map((e: { connection: unknown }) => e.connection);
      expect(shown).toEqual([
        { time: 0, label: "client A", protocol: "tcp", src: "172.16.1.100", sport: 40000, dst: "10.254.42.62", dport: 80, from: null, ctstate: "NEW" },
        { time: 5, label: null, protocol: "udp", src: "10.253.51.9", sport: 1234, dst: "10.254.0.2", dport: 53, from: { interface: "docker0" }, ctstate: "NEW" },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
