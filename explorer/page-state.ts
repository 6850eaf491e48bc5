/**
 * What the page holds between events: the dump and node loaded (as the
 * worker described them), the Service chosen, the presets worked out for
 * it, the timeline's connections and the lessons' questions. One object,
 * shared by the page's parts; the form itself is read from the page.
 */
import { NODES } from "./examples.js";
import type { ClientPreset } from "./presets.js";
import type { DumpSource, Loaded, NodeSource, ServiceBrief, TimedRequest } from "./protocol.js";
import type { Question } from "./questions.js";

export interface PageState {
  /** The bundled example loaded, or null for the user's own dump. */
  example: string | null;
  /** The bundled node chosen instead of the example's own, if any. */
  nodeOverride: string | null;
  /** The node the worker was last asked to load. */
  node: NodeSource;
  /** The user's own dump, kept to reload it with another node. */
  ownDump: DumpSource | null;
  loaded: Loaded | null;
  /** The Service chosen in the picker (by id). */
  service: ServiceBrief | null;
  presets: ClientPreset[];
  timeline: TimedRequest[];
  /** Questions of the kernel lab for this example. */
  questions: Question[];
  /** The questions of a bundled example (they come with the page: they are small). */
  questionsOf: (example: string) => Question[];
}

export const page: PageState = {
  example: null, nodeOverride: null, node: { kind: "example", id: NODES[0].id }, ownDump: null,
  loaded: null, service: null, presets: [], timeline: [], questions: [], questionsOf: () => [],
};
