import { describe, expect, expectTypeOf, it } from "vitest";
import { Answer, answerQuery, hashString, renderAnswer, UP_ASSUMED_NOTE } from "./answer.js";
import { livingRoom, makeGraph, street } from "./qa-fixtures.js";
import type { ParsedQuery } from "./query.js";

const L = livingRoom();
// ids: 0 red chair (x -1.2), 1 blue chair (x 1.3), 2 dining table, 3 cup on the table, 4 tv, 5 couch, 6 plant (no depth)

const predicate = (relation: "left" | "right" | "above" | "behind", a: number, b: number, question = "q"): ParsedQuery => ({
  form: "predicate", family: relation === "left" || relation === "right" ? "left_right" : relation === "above" ? "above_below" : "behind_front",
  relation, objectIds: [`obj-${a}`, `obj-${b}`], question,
});

describe("answerQuery", () => {
  it("answers yes/no predicates with the lead's relations", () => {
    const yes = answerQuery(L, predicate("left", 0, 2));
    expect(yes).toMatchObject({ type: "bool", bool: true, objectIds: ["obj-0", "obj-2"] });
    expect(yes.text).toMatch(/^(Yes|Correct|That's right|Indeed|It is)/);
    const no = answerQuery(L, predicate("right", 0, 2));
    expect(no).toMatchObject({ type: "bool", bool: false });
    expect(no.text).toMatch(/^(No|Not really|Actually no|That's not the case|Incorrect)/);
    expect(answerQuery(L, predicate("above", 3, 2)).bool).toBe(true);
    expect(answerQuery(L, predicate("behind", 4, 2)).bool).toBe(true);
  });

  it("answers choices with the chosen object's label first", () => {
    const answer = answerQuery(L, { form: "choice", family: "bigger_smaller", relation: "bigger", objectIds: ["obj-3", "obj-5"], question: "Which is bigger, the cup or the couch?" });
    expect(answer).toMatchObject({ type: "choice", choice: "couch", objectIds: ["obj-5", "obj-3"] });
    expect(answer.text).toMatch(/couch/);
  });

  it("hedges, as plain text with no bool or choice, when the pair is too close to call", () => {
    const graph = makeGraph([
      { label: "chair", center: [0, 3, 0.45], size: [0.5, 0.5, 0.9] },
      { label: "stool", center: [0.8, 3.02, 0.45], size: [0.4, 0.4, 0.9] },
    ]);
    const pred = answerQuery(graph, { form: "predicate", family: "behind_front", relation: "behind", objectIds: ["obj-0", "obj-1"], question: "Is the chair behind the stool?" });
    expect(pred.type).toBe("text");
    expect(pred).not.toHaveProperty("bool");
    expect(pred.text).toMatch(/about the same distance from the camera/);
    const choice = answerQuery(graph, { form: "choice", family: "taller_shorter", relation: "taller", objectIds: ["obj-0", "obj-1"], question: "Which is taller?" });
    expect(choice.type).toBe("text");
    expect(choice).not.toHaveProperty("choice");
    expect(choice.text).toMatch(/about equally tall/);
  });

  it("measures lengths in metres, humanized in the requested unit", () => {
    const auto = answerQuery(L, { form: "quantity", family: "height", objectIds: ["obj-5"], unit: "auto", question: "How tall is the couch?" });
    expect(auto).toMatchObject({ type: "number", value_m: 0.8, unit: "cm", objectIds: ["obj-5"] });
    expect(auto.text).toMatch(/80 centimeters/);
    const feet = answerQuery(L, { form: "quantity", family: "distance", objectIds: ["obj-0", "obj-1"], unit: "ft-in", question: "How far?" });
    expect(feet.value_m).toBeCloseTo(Math.hypot(2.5, 0.2), 3);
    expect(feet.text).toMatch(/8 feet 3 inches/);
  });

  it("gives clock hours for direction, observer first", () => {
    const answer = answerQuery(L, { form: "quantity", family: "direction", objectIds: ["obj-0", "obj-1"], unit: "auto", question: "From the red chair, where is the blue chair?" });
    expect(answer).toMatchObject({ type: "number", clock_hour: 3 });
    expect(answer.text).toMatch(/3 o'clock/);
    expect(answer).not.toHaveProperty("value_m");
  });

  it("says 'touching' and 'on the floor' instead of 0 centimeters", () => {
    const gap = answerQuery(L, { form: "quantity", family: "gap", objectIds: ["obj-3", "obj-2"], unit: "auto", question: "gap?" });
    expect(gap.value_m).toBe(0);
    expect(gap.text).toMatch(/touch|contact|no gap|zero/);
    const elevation = answerQuery(L, { form: "quantity", family: "elevation", objectIds: ["obj-5"], unit: "auto", question: "elevation?" });
    expect(elevation.text).toMatch(/floor/);
    expect(elevation.text).not.toMatch(/0 centimeters/);
  });

  it("picks the same sentence for the same question and varies across questions", () => {
    const q = (question: string) => answerQuery(L, predicate("left", 0, 2, question)).text;
    expect(q("Is the red chair to the left of the table?")).toBe(q("Is the red chair to the left of the table?"));
    const texts = new Set(Array.from({ length: 30 }, (_, i) => q(`question ${i}`)));
    expect(texts.size).toBeGreaterThan(5);
    expect(hashString("abc")).toBe(hashString("abc"));
    expect(hashString("abc")).not.toBe(hashString("abd"));
  });

  it("renders with a caller's template picker (the data engine's seeded draw)", () => {
    const first = renderAnswer(L, predicate("left", 0, 2), () => 0);
    expect(first.text).toBe("Yes, the red chair is to the left of the dining table.");
  });

  it("notes the assumed 'up' only for the families that need it", () => {
    const S = street(); // 0 car, 1 bicycle, 2 dog, 3 bench
    const above = answerQuery(S, { form: "predicate", family: "above_below", relation: "above", objectIds: ["obj-0", "obj-2"], question: "Is the car above the dog?" });
    expect(above.text).toContain("assuming the camera is level");
    expect(above.text.endsWith(UP_ASSUMED_NOTE)).toBe(true);
    const height = answerQuery(S, { form: "quantity", family: "height", objectIds: ["obj-0"], unit: "auto", question: "How tall is the car?" });
    expect(height.text).toContain("assuming the camera is level");
    const left = answerQuery(S, { form: "predicate", family: "left_right", relation: "left", objectIds: ["obj-0", "obj-2"], question: "Is the car left of the dog?" });
    expect(left.text).not.toContain("assuming");
    const elevation = answerQuery(S, { form: "quantity", family: "elevation", objectIds: ["obj-2"], unit: "auto", question: "How high off the ground is the dog?" });
    expect(elevation).toMatchObject({ type: "text" });
    expect(elevation.text).toMatch(/could not find a floor/);
  });

  it("declines objects without trusted 3D points", () => {
    const answer = answerQuery(L, predicate("left", 6, 2));
    expect(answer).toMatchObject({ type: "text", objectIds: ["obj-6", "obj-2"] });
    expect(answer.text).toMatch(/reliable 3D points for the potted plant/);
  });

  it("throws on an id the graph does not have", () => {
    expect(() => answerQuery(L, predicate("left", 0, 42))).toThrow(/obj-42/);
  });
});

describe("Answer schema", () => {
  it("accepts answers and rejects a clock hour outside 1..12", () => {
    expect(Answer.parse(answerQuery(L, predicate("left", 0, 2)))).toBeTruthy();
    expect(Answer.safeParse({ text: "13 o'clock", type: "number", clock_hour: 13, objectIds: [] }).success).toBe(false);
    expect(Answer.safeParse({ text: "x", type: "maybe", objectIds: [] }).success).toBe(false);
    expectTypeOf<Answer["type"]>().toEqualTypeOf<"bool" | "choice" | "number" | "text">();
  });
});
