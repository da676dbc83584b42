// The held-out reasoning set (packages/shared/src/reasoning-eval) on a few rendered scenes lifted by
// the real pipeline: every question kind is answered, and answered correctly far more often than not.
// The full set and its figures are `npm run bench -- --only=reasoning`.
import { describe, expect, it } from "vitest";
import { heldOutQuestions, KINDS, score } from "../packages/shared/src/reasoning-eval/held-out.js";
import { answerQuestion } from "../packages/shared/src/spatial/understand.js";

describe("held-out reasoning questions on rendered scenes", () => {
  const scored = heldOutQuestions({ scenes: 10, triangles: 8, firstSeed: 7000 }).map((q) => score(q, answerQuestion(q.question, q.graph)));

  it.each([...KINDS, "paraphrase" as const])("%s: most answers are right", (kind) => {
    const of = scored.filter((s) => s.question.kind === kind);
    expect(of.length).toBeGreaterThan(kind === "ranking" ? 0 : 2);
    const right = of.filter((s) => s.correct).length;
    expect(right / of.length, of.filter((s) => !s.correct).map((s) => `${s.question.question} → ${s.got}`).join("\n")).toBeGreaterThanOrEqual(0.75);
  });

  it("every answer carries a trace", () => {
    for (const s of scored.slice(0, 20)) expect(answerQuestion(s.question.question, s.question.graph).trace?.length).toBeGreaterThan(0);
  });
});
