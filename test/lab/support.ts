// Shared loading of the wordpress example for the lab's tests.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadNodeContext, parseDump } from "../../lib/index.js";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const dumpText = readFileSync(`${root}data/wordpress/iptables-save.txt`, "utf8");
const parsed = parseDump(dumpText, { file: "data/wordpress/iptables-save.txt" });
if (parsed.errors.length) throw new Error(`wordpress dump has errors: ${parsed.errors[0].message}`);
export const dump = parsed.dump;
export const nodeJson = JSON.parse(readFileSync(`${root}data/wordpress/node.json`, "utf8"));
export const node = loadNodeContext(nodeJson);
export const scenariosJson = JSON.parse(readFileSync(`${root}data/wordpress/scenarios.json`, "utf8"));
