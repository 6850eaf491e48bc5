/**
 * The questions the kernel lab asks of each example (data/NAME/scenarios.json),
 * offered in the explorer's picker: the single connections only, since a
 * split or a sequence is not one trace.
 */
import wordpressScenarios from "../data/wordpress/scenarios.json?raw";
import wordpressTodayScenarios from "../data/wordpress-today/scenarios.json?raw";
import policiesTodayScenarios from "../data/policies-today/scenarios.json?raw";
import linkScopeScenarios from "../data/link-scope-today/scenarios.json?raw";
import lessonTwelveZh from "../data/i18n/zh-CN/12.json?raw";
import type { ConnectionRequest } from "./protocol.js";

export interface Question {
  id: string;
  question: string;
  connection: ConnectionRequest;
}

interface ScenarioJson {
  scenarios: { id: string; kind?: string; question: string; connect?: Omit<ConnectionRequest, "protocol"> & { protocol?: ConnectionRequest["protocol"] } }[];
}

/** The single-connection scenarios of a scenario file, as explorer questions. */
export function questionsOf(text: string): Question[] {
  const file = JSON.parse(text) as ScenarioJson;
  return file.scenarios
    .filter((s) => (s.kind ?? "connection") === "connection" && s.connect)
    .map((s) => {
      const c = s.connect!;
      return {
        id: s.id, question: s.question,
        connection: {
          protocol: c.protocol ?? "tcp", src: c.src, dst: c.dst, dport: c.dport,
          ...(c.sport !== undefined ? { sport: c.sport } : {}), ...(c.from ? { from: c.from } : {}),
        },
      };
    });
}

const TEXT: Record<string, string> = {
  wordpress: wordpressScenarios,
  // The scaled dump is the same node with one more wordpress pod: the same questions apply.
  "wordpress-scaled": wordpressScenarios,
  "wordpress-today": wordpressTodayScenarios,
  "policies-today": policiesTodayScenarios,
  "link-scope-today": linkScopeScenarios,
};

/** The questions for a bundled example (none for an unknown one). */
export function questionsFor(example: string): Question[] {
  return TEXT[example] ? questionsOf(TEXT[example]) : [];
}

/**
 * The Chinese of these questions, from lesson 12's phrasebook (the lesson asks the same ones):
 * only the questions, so no other wording of the lesson reaches the explorer's phrasebook.
 */
export function questionPhrasesZh(): Record<string, string> {
  const phrases = (JSON.parse(lessonTwelveZh) as { phrases: Record<string, string> }).phrases;
  const asked = new Set(Object.values(TEXT).flatMap((text) => questionsOf(text).map((q) => q.question)));
  return Object.fromEntries(Object.entries(phrases).filter(([english]) => asked.has(english)));
}
