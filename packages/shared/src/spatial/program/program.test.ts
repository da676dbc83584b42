import { describe, expect, it } from "vitest";
import { Answer } from "../answer.js";
import { makeGraph, office, type FixtureObject } from "../qa-fixtures.js";
import type { SceneGraph } from "../scene-graph.js";
import { answerQuestion, objectNamesIn } from "../understand.js";
import { answerByProgram } from "./answer-question.js";
import { EQUILATERAL_TOLERANCE, execute } from "./execute.js";
import { parseProgram } from "./parse.js";
import { Program } from "./schema.js";
import { surfaceRangeM } from "./select.js";

const COLORS = ["red", "blue", "white", "black", "gray", "green", "yellow", "orange"];
/** Eight cars parked in a row across the street, at varying depth. */
const street = makeGraph(Array.from({ length: 8 }, (_, i): FixtureObject => ({ label: "car", center: [-7 + i * 2, 9 + ((i * 5) % 3), 0.75], size: [1.8, 4.2, 1.5], color: COLORS[i] })));
// "Closest" goes by nearest surfaces (select.ts): from the camera to each car's solid.
const ranges = street.objects.map((o) => surfaceRangeM(street, o));

/** A kitchen: a mug on a shelf, a mug on the table beside a laptop, a plate, a bowl under the table. */
const kitchen = makeGraph([
  { label: "shelf", center: [-1.5, 4.0, 1.2], size: [0.8, 0.3, 0.04] },
  { label: "cup", center: [-1.5, 4.0, 1.27], size: [0.08, 0.08, 0.1], color: "red" },
  { label: "dining table", center: [0.5, 4.0, 0.375], size: [1.4, 0.8, 0.75] },
  { label: "cup", center: [0.2, 3.9, 0.8], size: [0.08, 0.08, 0.1], color: "white" },
  { label: "laptop", center: [0.7, 4.0, 0.76], size: [0.35, 0.25, 0.02], color: "gray" },
  { label: "bowl", center: [0.5, 4.0, 0.05], size: [0.2, 0.2, 0.1], color: "blue" },
  { label: "chair", center: [1.8, 4.0, 0.45], size: [0.5, 0.5, 0.9], color: "black" },
]);

describe("questions as programs", () => {
  it("the car on the left and the car on the right of eight cars are the two ends", () => {
    const { answer, program } = answerByProgram("How far is the car on the left from the car on the right?", street);
    expect(program?.op).toBe("measure");
    const [a, b] = [street.objects[0], street.objects[7]];
    expect(answer.objectIds).toEqual([a.id, b.id]);
    expect(answer.value_m).toBeCloseTo(Math.hypot(a.box.center[0] - b.box.center[0], a.box.center[1] - b.box.center[1]), 2);
  });

  it("superlatives over a class: closest, farthest, tallest, leftmost; ordinals from either side", () => {
    const closest = ranges.indexOf(Math.min(...ranges)), farthest = ranges.indexOf(Math.max(...ranges));
    expect(answerQuestion("Which car is closest to the camera?", street)).toMatchObject({ type: "choice", choice: "car", objectIds: [`obj-${closest}`] });
    expect(answerQuestion("Which car is the farthest from me?", street).objectIds).toEqual([`obj-${farthest}`]);
    expect(answerQuestion("What is the third car from the left?", street).objectIds).toEqual(["obj-2"]);
    expect(answerQuestion("Which is the second car from the right?", street).objectIds).toEqual(["obj-6"]);
    expect(answerQuestion("What is the leftmost car?", street).objectIds).toEqual(["obj-0"]);
    const O = office();
    expect(answerQuestion("What is the tallest object?", O).objectIds).toEqual(["obj-4"]);
    expect(answerQuestion("Which chair is farthest from the desk?", O).objectIds).toEqual(["obj-0"]);
    expect(answerQuestion("Which is the biggest?", O).objectIds).toEqual(["obj-5"]);
  });

  it("counting, with relations and distance bounds in any unit", () => {
    expect(answerQuestion("How many cars are there?", street)).toMatchObject({ type: "number", count: 8, text: "There are 8 cars." });
    const O = office();
    // Chair gaps to the desk (solid to solid): 1.59, 0.9 and 1.38 m.
    expect(answerQuestion("How many chairs are within 1 m of the desk?", O).count).toBe(1);
    expect(answerQuestion("How many chairs are within 1.4 meters of the desk?", O).count).toBe(2);
    expect(answerQuestion("How many chairs are within 6 feet of the desk?", O).count).toBe(3);
    expect(answerQuestion("How many chairs are within 150cm of the desk?", O).count).toBe(2);
    expect(answerQuestion("How many objects are left of the desk?", O).objectIds.sort()).toEqual(["obj-0", "obj-1", "obj-3"]);
    expect(answerQuestion("How many cups are on the dining table?", kitchen).count).toBe(1);
  });

  it("lists and rankings name their objects in order", () => {
    const onTable = answerQuestion("What is on the dining table?", kitchen);
    expect(onTable.objectIds.sort()).toEqual(["obj-3", "obj-4"]);
    expect(onTable.items?.sort()).toEqual(["cup", "laptop"]);
    expect(answerQuestion("What is under the dining table?", kitchen).objectIds).toEqual(["obj-5"]);
    const byHeight = answerQuestion("Order the cars by distance from the camera", street);
    const expected = street.objects.map((o, i) => [o.id, ranges[i]] as const).sort((a, b) => a[1] - b[1]).map(([id]) => id);
    expect(byHeight.objectIds).toEqual(expected);
    expect(answerQuestion("Rank the people by height, shortest first", office()).objectIds).toEqual(["obj-3", "obj-4"]);
  });

  it("relative clauses pick the object they describe", () => {
    const shelfCup = answerQuestion("How far is the cup on the shelf from the laptop?", kitchen);
    expect(shelfCup.objectIds).toEqual(["obj-1", "obj-4"]);
    expect(answerQuestion("Is the cup sitting on the shelf higher than the laptop?", kitchen)).toMatchObject({ bool: true, objectIds: ["obj-1", "obj-4"] });
    expect(answerQuestion("How tall is the table with a laptop on it?", kitchen).objectIds).toEqual(["obj-2"]);
  });

  it("contact and proximity relations with their thresholds", () => {
    expect(answerQuestion("Is the laptop on the dining table?", kitchen).bool).toBe(true);
    expect(answerQuestion("Is the red cup on the dining table?", kitchen).bool).toBe(false);
    expect(answerQuestion("Is the bowl under the dining table?", kitchen).bool).toBe(true);
    // Chair to table: a 35 cm gap, side by side → near (threshold here: half the table's 1.4 m).
    expect(answerQuestion("Is the chair near the dining table?", kitchen).bool).toBe(true);
    expect(answerQuestion("Is the chair next to the shelf?", kitchen).bool).toBe(false);
  });

  it("three objects, distances from the camera, fits and false premises", () => {
    expect(answerQuestion("Is the white cup closer to the laptop than to the red cup?", kitchen)).toMatchObject({ type: "bool", bool: true });
    expect(answerQuestion("Is the white cup closer to the red cup than to the laptop?", kitchen).bool).toBe(false);
    const fromMe = answerQuestion("How far is the chair from me in feet?", kitchen);
    expect(fromMe.value_m).toBeCloseTo(Math.hypot(...kitchen.objects[6].centerCam), 3);
    expect(fromMe.text).toMatch(/feet/);
    // Chair (x from 1.55 m) and table (to 1.2 m): the gap is 0.35 m.
    expect(answerQuestion("Would a 30 cm box fit between the chair and the dining table?", kitchen)).toMatchObject({ bool: true, value_m: 0.35 });
    expect(answerQuestion("Would a 40 cm box fit between the chair and the dining table?", kitchen).bool).toBe(false);
    expect(answerQuestion("Why is the laptop left of the red cup?", kitchen)).toMatchObject({ bool: false, text: expect.stringMatching(/is not to the left of.*to the right of/) });
    expect(answerQuestion("Why is the red cup left of the laptop?", kitchen)).toMatchObject({ bool: true });
  });

  it("existence, sides, identity, differences, likeness, between, anaphora and the choice of the closer of two", () => {
    expect(answerQuestion("Is there anything on the dining table?", kitchen)).toMatchObject({ type: "bool", bool: true });
    expect(answerQuestion("Is there anything on the chair?", kitchen)).toMatchObject({ type: "bool", bool: false });
    expect(answerQuestion("Is there a giraffe on the chair?", kitchen)).toMatchObject({ type: "text", text: expect.stringMatching(/giraffe/) });
    expect(answerQuestion("Which side of the dining table is the chair on?", kitchen).text).toBe("The chair is on the right side of the dining table.");
    expect(answerQuestion("Is the red cup on the left or right side of the laptop?", kitchen).text).toMatch(/on the left side of the laptop/);
    expect(answerQuestion("Is the chair the tallest object?", kitchen)).toMatchObject({ type: "bool", bool: true });
    expect(answerQuestion("Is the laptop the biggest object?", kitchen)).toMatchObject({ type: "bool", bool: false, text: expect.stringMatching(/the biggest object is the dining table/) });
    const diff = answerQuestion("How much taller is the chair than the dining table?", kitchen);
    expect(diff).toMatchObject({ type: "number", value_m: 0.15 });
    expect(diff.text).toMatch(/15 centimeters taller/);
    expect(answerQuestion("How much shorter is the dining table than the chair?", kitchen).value_m).toBe(0.15);
    expect(answerQuestion("Are the cups the same height?", kitchen)).toMatchObject({ type: "bool", bool: true });
    expect(answerQuestion("Is the person at the back taller than the one in front?", office()).objectIds).toEqual(["obj-4", "obj-3"]);
    expect(answerQuestion("What is between the red cup and the chair?", kitchen).objectIds).toEqual(["obj-2", "obj-3", "obj-4", "obj-5"]);
    expect(answerQuestion("Which is closer to the laptop: the red cup or the white cup?", kitchen)).toMatchObject({ type: "choice", objectIds: ["obj-3", "obj-1", "obj-4"] });
    expect(answerQuestion("What is the diameter of the white cup?", kitchen).value_m).toBe(0.08);
  });

  it("thresholds, every, where, directions from where I stand, and other people's phrasings", () => {
    expect(answerQuestion("Is the gap between the chair and the dining table bigger than 30 cm?", kitchen)).toMatchObject({ type: "bool", bool: true, value_m: 0.35 });
    expect(answerQuestion("Is the gap between the chair and the dining table less than 1 foot?", kitchen).bool).toBe(false);
    expect(answerQuestion("Is the chair more than 3 meters from the shelf?", kitchen)).toMatchObject({ type: "bool", bool: true });
    expect(answerQuestion("Is the chair taller than 1 m?", kitchen)).toMatchObject({ type: "bool", bool: false, value_m: 0.9 });
    expect(answerQuestion("Are both cups on the dining table?", kitchen)).toMatchObject({ type: "bool", bool: false, text: expect.stringMatching(/the red cup is not on the dining table/) });
    expect(answerQuestion("Are all the cups above the bowl?", kitchen).bool).toBe(true);
    expect(answerQuestion("Where is the laptop relative to the dining table?", kitchen).text).toMatch(/^The laptop is on .*the dining table/);
    expect(answerQuestion("Where is the chair?", kitchen).text).toMatch(/^The chair is on the (?:right|left) of the picture|in the middle of the picture/);
    expect(answerQuestion("If I stand at the shelf, where is the chair?", kitchen)).toMatchObject({ type: "number", clock_hour: 3 });
    expect(answerQuestion("What is closest to the laptop?", kitchen).objectIds).toEqual(["obj-2"]); // it rests on the table
    expect(answerQuestion("What objects are under the dining table?", kitchen).objectIds).toEqual(["obj-5"]);
    expect(answerQuestion("Is the laptop sitting on the dining table?", kitchen)).toMatchObject({ type: "bool", bool: true });
    expect(answerQuestion("Does the dining table have a laptop on it?", kitchen)).toMatchObject({ type: "bool", bool: true });
    expect(answerQuestion("Could a 1 m wide cart pass between the chair and the dining table?", kitchen).bool).toBe(false);
    expect(answerQuestion("How far is the chair from the shelf in yards?", kitchen).text).toMatch(/yards/);
  });

  it("preambles that restate the objects, depth comparisons and estimation requests", () => {
    expect(answerQuestion("Considering where the laptop and the chair are in this photo, is the laptop left of the chair?", kitchen)).toMatchObject({ type: "bool", bool: true });
    expect(answerQuestion("Looking at the laptop and the chair, which is more to the left?", kitchen)).toMatchObject({ type: "choice", objectIds: ["obj-4", "obj-6"] });
    expect(answerQuestion("Is the depth of the shelf greater than that of the laptop?", kitchen).type).toBe("text"); // same depth: too close to call
    expect(answerQuestion("Is the height of the chair greater than that of the laptop?", kitchen)).toMatchObject({ type: "bool", bool: true });
    expect(answerQuestion("Is the chair positioned before the shelf?", kitchen).type).toBe("text");
    expect(answerQuestion("What is the depth value of the chair?", kitchen).value_m).toBeCloseTo(Math.hypot(...kitchen.objects[6].centerCam), 3);
    expect(answerQuestion("Could you give me an estimate of the distance between the chair and the camera?", kitchen).value_m).toBeCloseTo(Math.hypot(...kitchen.objects[6].centerCam), 3);
    expect(answerQuestion("Determine the vertical dimensions of the chair.", kitchen).value_m).toBe(0.9);
    expect(answerQuestion("How much room does the dining table take up horizontally?", kitchen).value_m).toBe(1.4);
    expect(answerQuestion("If you were at the shelf, where would you find the chair?", kitchen).clock_hour).toBe(3);
  });

  it("a size superlative says when an object it passed over is cut off by the image border", () => {
    const g = makeGraph([{ label: "box", center: [0, 3, 0.3], size: [0.6, 0.6, 0.6] }, { label: "box", center: [1, 3, 0.2], size: [0.4, 0.4, 0.4] }]);
    g.objects[1].attributes.truncated = true;
    expect(answerQuestion("What is the biggest box?", g).text).toMatch(/is cut off by the image border, so its size is only a lower bound/);
    expect(answerQuestion("Which box is closest to the camera?", g).text).not.toMatch(/cut off/);
    // Its cut side completed from the typical size: an estimate, not a bound.
    g.objects[1].extentSource = { width: "completed_from_priors", length: "measured", height: "measured" };
    expect(answerQuestion("What is the biggest box?", g).text).toMatch(/is cut off by the image border, so its size is partly estimated from typical sizes\.\)$/);
  });

  it("an equilateral triangle within the stated tolerance", () => {
    const cans = (third: [number, number]) => makeGraph([
      { label: "bottle", center: [-0.5, 3, 0.1], size: [0.07, 0.07, 0.2] },
      { label: "bottle", center: [0.5, 3, 0.1], size: [0.07, 0.07, 0.2] },
      { label: "bottle", center: [third[0], third[1], 0.1], size: [0.07, 0.07, 0.2] },
    ]);
    const h = Math.sqrt(3) / 2;
    expect(answerQuestion("Do the three bottles form a roughly equilateral triangle?", cans([0, 3 + h])).bool).toBe(true);
    expect(answerQuestion("Do the three bottles form a roughly equilateral triangle?", cans([0, 3 + 0.9 * h])).bool).toBe(true);
    expect(answerQuestion("Do the three bottles form a roughly equilateral triangle?", cans([0, 3 + 0.6 * h])).bool).toBe(false);
    expect(EQUILATERAL_TOLERANCE).toBe(0.15);
  });

  it("the height of a stack of boxes", () => {
    const boxes = makeGraph([
      { label: "box", center: [0, 3, 0.2], size: [0.5, 0.5, 0.4] },
      { label: "box", center: [0.02, 3, 0.6], size: [0.4, 0.4, 0.4] },
      { label: "box", center: [0, 3.02, 0.95], size: [0.3, 0.3, 0.3] },
      { label: "box", center: [1.5, 3, 0.15], size: [0.3, 0.3, 0.3] },
    ]);
    const answer = answerQuestion("How tall is the stack of boxes?", boxes);
    expect(answer).toMatchObject({ type: "number", value_m: 1.1, objectIds: ["obj-0", "obj-1", "obj-2"] });
    expect(answerQuestion("How tall is the stack of boxes in inches?", boxes).text).toMatch(/43 inches/);
  });

  it("objects seen without reliable 3D are said to be seen, not absent", () => {
    const graph: SceneGraph = { ...kitchen, unlocated: [{ label: "lamp", score: 0.8, box2d: [10, 10, 50, 90], reason: "no depth readings inside its box" }] };
    for (const q of ["How far is the lamp from the chair?", "Is the lamp left of the laptop?", "Which lamp is closest to the camera?"]) {
      const answer = answerQuestion(q, graph);
      expect(answer.type, q).toBe("text");
      expect(answer.text, q).toMatch(/I can see a lamp in the image, but I could not place it in 3D reliably/);
    }
    expect(answerQuestion("How far is the lamp from the chair?", kitchen).text).toMatch(/could not find a lamp/);
  });

  it("questions the language cannot express say what it can answer", () => {
    const answer = answerQuestion("Tell me a joke about the chair.", kitchen);
    expect(answer.type).toBe("text");
    expect(answer.text).toMatch(/I can say whether.*count objects.*equilateral triangle/);
  });

  it("every answer carries its trace: the objects each step selected and the values it measured", () => {
    const answer = answerQuestion("Which car is closest to the camera?", street);
    expect(Answer.parse(answer)).toEqual(answer);
    expect(answer.trace?.map((s) => s.op)).toEqual(["select", "pick"]);
    expect(answer.trace?.[0].objectIds).toHaveLength(8);
    expect(answer.trace?.[1].valueM).toBeCloseTo(Math.min(...ranges), 3);
    const family = answerQuestion("Is the laptop left of the chair?", kitchen);
    expect(family.trace?.map((s) => s.op)).toEqual(["select", "select", "compare"]);
    expect(answerQuestion("How many cups are on the dining table?", kitchen).trace?.map((s) => s.op)).toEqual(["select", "select", "filter", "count"]);
  });

  it("the detector's text queries include the nouns only the program's phrases find", () => {
    expect(objectNamesIn("How many cans are there?")).toEqual(["can"]);
    expect(objectNamesIn("How tall is the stack of boxes?")).toEqual(["box"]);
    expect(objectNamesIn("Do the three cans form a roughly equilateral triangle?")).toEqual(["can"]);
    expect(objectNamesIn("How far is the mug on the shelf from the laptop?").sort()).toEqual(["laptop", "mug", "shelf"]);
  });

  it("relations never use objects without trusted 3D points", () => {
    const g = makeGraph([
      { label: "lamp", center: [0, 3, 0.5], size: [0.3, 0.3, 1], pointCount: 0 },
      { label: "chair", center: [-1, 3, 0.45], size: [0.5, 0.5, 0.9] },
      { label: "plant", center: [-1.5, 3, 0.4], size: [0.3, 0.3, 0.8], pointCount: 0 },
    ]);
    expect(answerQuestion("What is left of the lamp?", g).text).toMatch(/don't have reliable 3D points for the lamp/);
    expect(answerQuestion("How many objects are near the chair?", g).count).toBe(0);
  });

  it("traces stay within the wire schema's bounds on a crowded scene", () => {
    const crowd = makeGraph(Array.from({ length: 300 }, (_, i): FixtureObject => ({ label: "bottle", center: [-6 + (i % 30) * 0.4, 3 + Math.floor(i / 30) * 0.5, 0.15], size: [0.08, 0.08, 0.1 + (i % 7) * 0.02] })));
    const answer = answerQuestion("Order the bottles by height", crowd);
    expect(answer.objectIds).toHaveLength(300);
    expect(() => Answer.parse(answer)).not.toThrow();
    expect(answer.trace!.every((s) => s.detail.length <= 2000)).toBe(true);
  });

  it("parsed programs satisfy the schema; a malformed program does not", () => {
    for (const q of ["How many chairs are within 2 m of the desk?", "What is the third car from the left?", "Order the bottles by height", "Is the cup closer to the plate than to the laptop?", "How tall is the table with a laptop on it?"]) {
      const parsed = parseProgram(q, office(), "families");
      if (parsed) expect(Program.parse(parsed.program)).toEqual(parsed.program);
    }
    expect(Program.safeParse({ op: "count" }).success).toBe(false);
    expect(Program.safeParse({ op: "fit", widthM: -1, a: { kind: "camera" }, b: { kind: "camera" }, unit: "auto" }).success).toBe(false);
    const planned = Program.parse({ op: "identify", target: { kind: "objects", noun: { term: "car", concept: "car" }, plural: false, pick: { key: "height", order: "max", rank: 1 }, text: "tallest car" } });
    expect(execute(street, planned, "tallest car").type).toBe("choice");
  });
});
