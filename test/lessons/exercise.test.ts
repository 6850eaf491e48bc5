// Exercises: the hint comes first, the answer only folded away until it is right; every text escaped.
import { describe, expect, it } from "vitest";
import { checkAnswer, closeTo, exerciseHtml } from "../../lib/index.js";

const spec = { why: "Two endpoints share the rest.", hint: "Count the KUBE-SEP chains." };

describe("exercises", () => {
  it("show the hint, and the answer only inside a closed <details>, before the reader answers", () => {
    const html = exerciseHtml(checkAnswer<number>(null, 2, spec));
    expect(html).toContain("Not answered yet");
    expect(html).toContain("<strong>Hint:</strong> Count the KUBE-SEP chains.");
    const before = html.slice(0, html.indexOf("<details"));
    expect(before).not.toContain("Two endpoints share the rest.");
    expect(html).toMatch(/<details style="[^"]*"><summary>The answer \(open it once you have tried\)<\/summary><p[^>]*>2\. Two endpoints share the rest\.<\/p><\/details>/);
    expect(html).not.toContain("<details open");
  });

  it("say not quite with the hint for a wrong answer, and right with why for a right one", () => {
    const wrong = exerciseHtml(checkAnswer(3, 2, spec));
    expect(wrong).toContain("Not quite.");
    expect(wrong.slice(0, wrong.indexOf("<details"))).not.toContain("share the rest");
    const right = exerciseHtml(checkAnswer(2, 2, spec));
    expect(right).toContain("Right. Two endpoints share the rest.");
    expect(right).not.toContain("<details");
    expect(right).not.toContain("Hint");
  });

  it("write arrays, strings and a given answer text, and escape them", () => {
    expect(checkAnswer(null, ["a", "b"], spec).answer).toBe("a, b. Two endpoints share the rest.");
    expect(checkAnswer(null, 0.5, { ...spec, answer: "1/2", equals: closeTo(0.01) }).answer).toBe("1/2. Two endpoints share the rest.");
    expect(checkAnswer(0.505, 0.5, { ...spec, equals: closeTo(0.01) }).correct).toBe(true);
    const html = exerciseHtml(checkAnswer(null, "<script>", { why: "<b>", hint: "&" }));
    expect(html).not.toMatch(/<script>|<b>/);
    expect(html).toContain("&lt;script&gt;. &lt;b&gt;");
  });
});
