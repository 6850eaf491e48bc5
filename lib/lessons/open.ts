/**
 * The one setup call of a lesson: the bundled example's dump, its node and
 * its Services, found through the package (not the notebook's working
 * directory, so a lesson runs from any folder), and `show` for the output.
 *
 *   const { dump, node, show } = openLesson("wordpress");
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Dump } from "../model/dump.js";
import { loadNodeContext, type NodeContext } from "../node/context.js";
import { parseDump } from "../parse/parser.js";
import { services, type KubeService } from "../services/catalog.js";
import { show as showHtml } from "../views/display.js";
import { LESSON_EXAMPLES } from "./examples.js";

/** What a lesson starts from. */
export interface LessonData {
  /** The parsed dump (its diagnostics name `dumpFile`). */
  dump: Dump;
  /** The dump's text, for quoting its lines. */
  dumpText: string;
  /** The dump's path inside the kit, `data/NAME/iptables-save.txt`. */
  dumpFile: string;
  node: NodeContext;
  nodeFile: string;
  services: KubeService[];
  /** Show a view's HTML in the notebook (returns the HTML outside one). */
  show: (html: string) => string | undefined;
  /** The absolute path of a file of the kit's data folder (`dataPath("wordpress/scenarios.json")`). */
  dataPath: (relative: string) => string;
}

/** The kit's data folder, beside lib/ and dist/ in the package. */
const DATA = new URL("../../data/", import.meta.url);

/** The absolute path of a file in the kit's data folder. */
export function dataPath(relative: string): string {
  return fileURLToPath(new URL(relative.replace(/^\/+/, ""), DATA));
}

/** Open a bundled example for a lesson: dump, node, Services and `show`; throws if the dump has errors. */
export function openLesson(example = "wordpress", options: { node?: string } = {}): LessonData {
  const nodeName = options.node ?? LESSON_EXAMPLES[example];
  if (nodeName === undefined) throw new Error(`openLesson: no bundled example '${example}' (there are ${Object.keys(LESSON_EXAMPLES).join(", ")})`);
  const dumpFile = `data/${example}/iptables-save.txt`;
  const nodeFile = `data/${nodeName}/node.json`;
  const dumpText = readFileSync(dataPath(`${example}/iptables-save.txt`), "utf8");
  const parsed = parseDump(dumpText, { file: dumpFile });
  if (parsed.errors.length > 0) throw new Error(`${dumpFile} has ${parsed.errors.length} parse errors; the first: ${parsed.errors[0].message}`);
  const node = loadNodeContext(JSON.parse(readFileSync(dataPath(`${nodeName}/node.json`), "utf8")), nodeFile);
  return {
    dump: parsed.dump, dumpText, dumpFile, node, nodeFile, services: services(parsed.dump),
    show: (html: string) => showHtml(html), dataPath,
  };
}
