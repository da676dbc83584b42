// The held-out reasoning set (packages/shared/src/reasoning-eval) on a few rendered scenes lifted by
// the real pipeline: every question kind is answered, and answered correctly far more often than not.
// The full set and its figures are `npm run bench -- --only=reasoning`.
import { describe, expect, it } from "vitest";
import { heldOutQuestions, KINDS, lift, score } from "../packages/shared/src/reasoning-eval/held-out.js";
import { renderScene, type ObjectSpec } from "../packages/shared/src/testing/index.js";
import { surfaceRangeM } from "../packages/shared/src/spatial/program/select.js";
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

describe("the issue's street with eight cars, perceived by the pipeline", () => {
  // Eight cars parked across the view at 9–13 m, camera 1.6 m up: the three first questions anyone asks.
  const colours: Array<[number, number, number]> = [[220, 30, 30], [30, 60, 220], [240, 220, 30], [30, 170, 50], [245, 130, 20], [130, 40, 170], [245, 245, 245], [20, 20, 20]];
  const cars: ObjectSpec[] = colours.map((color, i) => ({ kind: "box", id: `car-${i}`, label: "car", color, center: [-9 + i * 2.6, 9 + ((i * 3) % 5), 0.75], widthM: 1.8, lengthM: 4.2, heightM: 1.5, yawRad: 0 }));
  const render = renderScene({ camera: { position: [0, 0, 1.6], yawRad: 0, pitchRad: 0.12, focalPx: 380, width: 640, height: 480 }, objects: cars });
  const { graph, truth } = lift(render, 1.6);

  it("counts the cars, finds the closest and measures end to end", () => {
    expect(graph.objects).toHaveLength(8);
    expect(answerQuestion("How many cars are there?", graph)).toMatchObject({ type: "number", count: 8 });
    const ranges = truth.objects.map((o) => surfaceRangeM(truth, o));
    const closest = truth.objects[ranges.indexOf(Math.min(...ranges))].id;
    expect(answerQuestion("Which car is closest to the camera?", graph)).toMatchObject({ type: "choice", objectIds: [closest] });
    const byX = [...truth.objects].sort((a, b) => a.box2d[0] + a.box2d[2] - (b.box2d[0] + b.box2d[2]));
    const [left, right] = [byX[0], byX[byX.length - 1]];
    const answer = answerQuestion("How far is the car on the left from the car on the right?", graph);
    expect(answer.objectIds).toEqual([left.id, right.id]);
    const trueM = Math.hypot(left.box.center[0] - right.box.center[0], left.box.center[1] - right.box.center[1], left.box.center[2] - right.box.center[2]);
    // A car seen end-on lifts as its visible face, so its centre may sit up to half a car length (2.1 m) off.
    expect(Math.abs(answer.value_m! - trueM)).toBeLessThan(2.1);
  });
});

