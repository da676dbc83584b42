import { describe, expect, it } from "vitest";
import { QualitativeFamily, QuantitativeFamily, RELATIONS_OF, SINGLE_OBJECT_FAMILIES } from "./families.js";
import { COCO_LABELS } from "./lexicon.js";
import { livingRoom, makeGraph, office, street } from "./qa-fixtures.js";
import { ParsedQuery, Unanswerable } from "./query.js";
import type { SceneGraph } from "./scene-graph.js";
import { fillTemplate, QUALITATIVE_TEMPLATES, QUANTITATIVE_QUESTIONS } from "./templates/index.js";
import { answerQuestion, isUnanswerable, understandQuestion } from "./understand.js";

const L = livingRoom(), O = office(), S = street();
const GRAPHS = { L, O, S } as const;

type Expected = { form: ParsedQuery["form"]; family: string; relation?: string; ids: number[]; unit?: string };

function expectParsed(graph: SceneGraph, question: string, expected: Expected): void {
  const parsed = understandQuestion(question, graph);
  expect(isUnanswerable(parsed) ? parsed.message : "parsed", question).toBe("parsed");
  if (isUnanswerable(parsed)) return;
  const got = { form: parsed.form, family: parsed.family, relation: "relation" in parsed ? parsed.relation : undefined, ids: parsed.objectIds };
  expect(got, question).toEqual({ form: expected.form, family: expected.family, relation: expected.relation, ids: expected.ids.map((i) => `obj-${i}`) });
  if (expected.unit) expect(parsed.form === "quantity" && parsed.unit, question).toBe(expected.unit);
}

/** Reference pairs in several styles: unique labels, colour clauses, position clauses, extremes. */
const REFERENCE_PAIRS: Array<{ graph: SceneGraph; A: string; B: string; ids: [number, number] }> = [
  { graph: L, A: "the cup", B: "the dining table", ids: [3, 2] },
  { graph: L, A: "the red chair", B: "the blue chair", ids: [0, 1] },
  { graph: O, A: "the chair on the left", B: "the chair in the middle", ids: [0, 1] },
  { graph: O, A: "the rightmost person", B: "the chair on the right", ids: [4, 2] },
  { graph: O, A: "the cell phone", B: "the leftmost person", ids: [7, 3] },
];

describe("every question template is understood as what it asks", () => {
  it.each(QualitativeFamily.options)("%s: predicate and choice, both relations, all reference styles", (family) => {
    for (const form of ["predicate", "choice"] as const) {
      for (const template of QUALITATIVE_TEMPLATES[family][form]) {
        for (const relation of RELATIONS_OF[family]) {
          for (const { graph, A, B, ids } of REFERENCE_PAIRS) {
            expectParsed(graph, fillTemplate(template, { A, B, relation }), { form, family, relation, ids });
          }
        }
      }
    }
  });

  it.each(QuantitativeFamily.options)("%s: all templates, all reference styles", (family) => {
    for (const template of QUANTITATIVE_QUESTIONS[family]) {
      for (const { graph, A, B, ids } of REFERENCE_PAIRS) {
        const expectedIds = SINGLE_OBJECT_FAMILIES.has(family) ? [ids[0]] : ids;
        expectParsed(graph, fillTemplate(template, { A, B }), { form: "quantity", family, ids: expectedIds });
      }
    }
  });
});

describe("free-form paraphrases", () => {
  const cases: Array<[keyof typeof GRAPHS, string, Expected]> = [
    ["L", "How far apart are the red chair and the blue chair?", { form: "quantity", family: "distance", ids: [0, 1] }],
    ["L", "what's the distance between the sofa and the television?", { form: "quantity", family: "distance", ids: [5, 4] }],
    ["L", "How much space is between the cup and the tv?", { form: "quantity", family: "gap", ids: [3, 4] }],
    ["L", "Is the mug closer to the camera than the couch?", { form: "predicate", family: "behind_front", relation: "in_front", ids: [3, 5] }],
    ["L", "Which is higher up, the cup or the table?", { form: "choice", family: "above_below", relation: "above", ids: [3, 2] }],
    ["L", "Is the table under the cup?", { form: "predicate", family: "above_below", relation: "below", ids: [2, 3] }],
    ["L", "How tall is the dining table?", { form: "quantity", family: "height", ids: [2] }],
    ["L", "How high off the floor is the mug?", { form: "quantity", family: "elevation", ids: [3] }],
    ["L", "What's the clock direction of the couch from the red chair?", { form: "quantity", family: "direction", ids: [0, 5] }],
    ["L", "how far is the sofa from the monitor in feet?", { form: "quantity", family: "distance", ids: [5, 4], unit: "ft" }],
    ["L", "Is the red chair left of the blue one?", { form: "predicate", family: "left_right", relation: "left", ids: [0, 1] }],
    ["L", "Is the chair on the left bigger than the cup?", { form: "predicate", family: "bigger_smaller", relation: "bigger", ids: [0, 3] }],
    ["L", "Which chair is nearer?", { form: "choice", family: "behind_front", relation: "in_front", ids: [0, 1] }],
    ["L", "How far apart are the two chairs?", { form: "quantity", family: "distance", ids: [0, 1] }],
    ["L", "Which of the chairs is further right?", { form: "choice", family: "left_right", relation: "right", ids: [0, 1] }],
    ["L", "Is the cup on the table?", { form: "predicate", family: "above_below", relation: "above", ids: [3, 2] }],
    ["L", "Is the tv behind the table?", { form: "predicate", family: "behind_front", relation: "behind", ids: [4, 2] }],
    ["L", "Which is farther away, the couch or the cup?", { form: "choice", family: "behind_front", relation: "behind", ids: [5, 3] }],
    ["L", "Which is narrower, the tv or the couch?", { form: "choice", family: "wider_thinner", relation: "thinner", ids: [4, 5] }],
    ["L", "Is the tv larger than the cup?", { form: "predicate", family: "bigger_smaller", relation: "bigger", ids: [4, 3] }],
    ["L", "Is the cup above the table, right?", { form: "predicate", family: "above_below", relation: "above", ids: [3, 2] }],
    ["L", "How much higher is the tv than the table?", { form: "quantity", family: "vertical_distance", ids: [4, 2] }],
    ["L", "How far above the floor is the cup on the table?", { form: "quantity", family: "elevation", ids: [3] }],
    ["L", "If I stand at the red chair facing the same way as the camera, what o'clock is the blue chair?", { form: "quantity", family: "direction", ids: [0, 1] }],
    ["L", "Where is the cup relative to the couch, in clock terms?", { form: "quantity", family: "direction", ids: [5, 3] }],
    ["L", "What is the width of the TV?", { form: "quantity", family: "width", ids: [4] }],
    ["L", "How wide is the sofa?", { form: "quantity", family: "width", ids: [5] }],
    ["L", "Is the red chair taller than the table?", { form: "predicate", family: "taller_shorter", relation: "taller", ids: [0, 2] }],
    ["L", "Which one is shorter, the cup or the blue chair?", { form: "choice", family: "taller_shorter", relation: "shorter", ids: [3, 1] }],
    ["L", "Is the couch further left than the tv?", { form: "predicate", family: "left_right", relation: "left", ids: [5, 4] }],
    ["L", "Is the television in front of the couch?", { form: "predicate", family: "behind_front", relation: "in_front", ids: [4, 5] }],
    ["L", "Does the coffee mug sit above the dining table?", { form: "predicate", family: "above_below", relation: "above", ids: [3, 2] }],
    ["L", "Is the blue chair beneath the tv?", { form: "predicate", family: "above_below", relation: "below", ids: [1, 4] }],
    ["L", "What is the gap between the table and the blue chair?", { form: "quantity", family: "gap", ids: [2, 1] }],
    ["L", "How close is the red chair to the table?", { form: "quantity", family: "distance", ids: [0, 2] }],
    ["L", "How far is the cup from the tv horizontally?", { form: "quantity", family: "horizontal_distance", ids: [3, 4] }],
    ["L", "What is the vertical distance between the cup and the couch?", { form: "quantity", family: "vertical_distance", ids: [3, 5] }],
    ["L", "Is the cup smaller than the settee?", { form: "predicate", family: "bigger_smaller", relation: "smaller", ids: [3, 5] }],
    ["L", "Which is wider: the table or the couch?", { form: "choice", family: "wider_thinner", relation: "wider", ids: [2, 5] }],
    ["L", "How high up is the television?", { form: "quantity", family: "elevation", ids: [4] }],
    ["L", "Tell me how tall the couch is in centimeters.", { form: "quantity", family: "height", ids: [5], unit: "cm" }],
    ["L", "What's the distance from the rightmost chair to the tv, in meters?", { form: "quantity", family: "distance", ids: [1, 4], unit: "m" }],
    ["L", "Is the red chair closer to the camera than the blue chair?", { form: "predicate", family: "behind_front", relation: "in_front", ids: [0, 1] }],
    ["L", "Which is lower, the tv or the cup?", { form: "choice", family: "above_below", relation: "below", ids: [4, 3] }],
    ["L", "Is the cup to the right of the red chair?", { form: "predicate", family: "left_right", relation: "right", ids: [3, 0] }],
    ["L", "how big is the gap between the couch and the red chair", { form: "quantity", family: "gap", ids: [5, 0] }],
    ["L", "Is the cup to the left or right of the tv?", { form: "predicate", family: "left_right", relation: "left", ids: [3, 4] }],
    ["L", "Is the grey couch bigger than the dining table?", { form: "predicate", family: "bigger_smaller", relation: "bigger", ids: [5, 2] }],
    ["L", "From the blue chair, at what clock position is the couch?", { form: "quantity", family: "direction", ids: [1, 5] }],
    ["O", "Is the man on the left taller than the desk?", { form: "predicate", family: "taller_shorter", relation: "taller", ids: [3, 5] }],
    ["O", "How far is the phone from the laptop?", { form: "quantity", family: "distance", ids: [7, 6] }],
    ["O", "Is the cellphone to the right of the laptop?", { form: "predicate", family: "left_right", relation: "right", ids: [7, 6] }],
    ["O", "How far is the chair in the middle from the rightmost chair?", { form: "quantity", family: "distance", ids: [1, 2] }],
    ["O", "how far apart are the people?", { form: "quantity", family: "distance", ids: [3, 4] }],
    ["O", "Is the leftmost chair in front of the woman on the right?", { form: "predicate", family: "behind_front", relation: "in_front", ids: [0, 4] }],
    ["O", "Is the laptop on top of the desk?", { form: "predicate", family: "above_below", relation: "above", ids: [6, 5] }],
    ["O", "Which is closer to the camera, the left chair or the right chair?", { form: "choice", family: "behind_front", relation: "in_front", ids: [0, 2] }],
    ["O", "How tall is the person on the right?", { form: "quantity", family: "height", ids: [4] }],
    ["O", "What is the distance between the nearest person and the laptop?", { form: "quantity", family: "distance", ids: [3, 6] }],
    ["O", "Is the chair that is on the right further forward than the desk?", { form: "predicate", family: "behind_front", relation: "in_front", ids: [2, 5] }],
    ["L", "how many meters is the couch from the tv", { form: "quantity", family: "distance", ids: [5, 4], unit: "m" }],
    ["L", "Which object is on top, the cup or the table?", { form: "choice", family: "above_below", relation: "above", ids: [3, 2] }],
    ["L", "Which is at the bottom, the cup or the table?", { form: "choice", family: "above_below", relation: "below", ids: [3, 2] }],
    ["L", "Which chair is on the left?", { form: "choice", family: "left_right", relation: "left", ids: [0, 1] }],
    ["L", "Is the CUP to the LEFT of the TV?", { form: "predicate", family: "left_right", relation: "left", ids: [3, 4] }],
    ["L", "The cup is left of the tv, right?", { form: "predicate", family: "left_right", relation: "left", ids: [3, 4] }],
    ["L", "Can you tell me how high the TV is mounted above the floor?", { form: "quantity", family: "elevation", ids: [4] }],
    ["L", "What direction is the couch from the red chair?", { form: "quantity", family: "direction", ids: [0, 5] }],
    ["L", "If I'm standing at the couch facing forward, where's the tv in clock terms?", { form: "quantity", family: "direction", ids: [5, 4] }],
    ["L", "Distance between cup and tv?", { form: "quantity", family: "distance", ids: [3, 4] }],
    ["S", "Is the bike in front of the car?", { form: "predicate", family: "behind_front", relation: "in_front", ids: [1, 0] }],
    ["S", "Is the puppy to the left of the bicycle?", { form: "predicate", family: "left_right", relation: "left", ids: [2, 1] }],
    ["S", "How wide is the automobile?", { form: "quantity", family: "width", ids: [0] }],
  ];

  it("has at least 40 paraphrases", () => expect(cases.length).toBeGreaterThanOrEqual(40));

  it.each(cases)("[%s] %s", (graph, question, expected) => {
    expectParsed(GRAPHS[graph], question, expected);
  });
});

describe("lexicon: COCO and VOC labels and their synonyms", () => {
  it("covers the 80 COCO classes, each understood when it is in the graph", () => {
    expect(COCO_LABELS).toHaveLength(80);
    for (const label of COCO_LABELS) {
      const graph = makeGraph([{ label, center: [0, 3, 0.5], size: [0.5, 0.5, 1] }, { label: "lamp", center: [1, 3, 0.5], size: [0.3, 0.3, 1.5] }]);
      expectParsed(graph, `How wide is the ${label}?`, { form: "quantity", family: "width", ids: [0] });
      expectParsed(graph, `Is the ${label} to the left of the lamp?`, { form: "predicate", family: "left_right", relation: "left", ids: [0, 1] });
    }
  });

  it.each([
    // [label in the graph, word in the question]
    ["aeroplane", "airplane"], ["airplane", "aeroplane"], ["airplane", "plane"], ["diningtable", "dining table"], ["dining table", "table"],
    ["dining table", "diningtable"], ["motorbike", "motorcycle"], ["motorcycle", "motorbike"], ["pottedplant", "potted plant"],
    ["potted plant", "plant"], ["potted plant", "pottedplant"], ["sofa", "couch"], ["couch", "sofa"], ["tvmonitor", "tv"],
    ["tv", "monitor"], ["tv", "television"], ["tv", "tvmonitor"], ["person", "man"], ["person", "woman"], ["cell phone", "cellphone"],
    ["cell phone", "phone"], ["cup", "mug"], ["bicycle", "bike"], ["bike", "bicycle"], ["bird", "bird"], ["boat", "boat"],
    ["bottle", "bottle"], ["bus", "bus"], ["car", "car"], ["cat", "cat"], ["chair", "chair"], ["cow", "cow"], ["dog", "dog"],
    ["horse", "horse"], ["sheep", "sheep"], ["train", "train"], ["trash can", "trash can"],
  ])("graph label %s, question says %s", (label, word) => {
    const graph = makeGraph([{ label, center: [0, 3, 0.5], size: [0.5, 0.5, 1] }, { label: "lamp", center: [1, 3, 0.5], size: [0.3, 0.3, 1.5] }]);
    expectParsed(graph, `How tall is the ${word}?`, { form: "quantity", family: "height", ids: [0] });
  });

  it("handles plurals, articles and the clock/orange homonyms", () => {
    const graph = makeGraph([
      { label: "person", center: [-1, 4, 0.85], size: [0.5, 0.3, 1.7] },
      { label: "person", center: [1, 4, 0.85], size: [0.5, 0.3, 1.6] },
      { label: "clock", center: [0, 6, 2.0], size: [0.3, 0.1, 0.3], color: "white" },
      { label: "chair", center: [0, 3, 0.45], size: [0.5, 0.5, 0.9], color: "orange" },
      { label: "orange", center: [0.3, 3, 0.9], size: [0.08, 0.08, 0.08] },
    ]);
    expectParsed(graph, "How far apart are the people?", { form: "quantity", family: "distance", ids: [0, 1] });
    expectParsed(graph, "How high up is the clock?", { form: "quantity", family: "elevation", ids: [2] });
    expectParsed(graph, "Standing at the orange chair facing the way the camera looks, at what clock position is the clock?", { form: "quantity", family: "direction", ids: [3, 2] });
    expectParsed(graph, "Is the orange above the orange chair?", { form: "predicate", family: "above_below", relation: "above", ids: [4, 3] });
    expectParsed(graph, "is chair left of clock", { form: "predicate", family: "left_right", relation: "left", ids: [3, 2] });
  });
});

describe("honest answers instead of guesses", () => {
  const cases: Array<[keyof typeof GRAPHS, string, Unanswerable["reason"], RegExp]> = [
    ["L", "Is the giraffe to the left of the table?", "not_found", /^I could not find a giraffe in this image\.$/],
    ["L", "Is the flamingo to the left of the table?", "not_found", /^I could not find a flamingo in this image\.$/],
    ["L", "How far is the laptop from the couch?", "not_found", /could not find a laptop/],
    ["L", "Is the green chair left of the table?", "not_found", /could not find a green chair.*red and blue/],
    ["L", "Is the chair to the left of the table?", "ambiguous", /^There are 2 chairs; which one do you mean — the red one or the blue one\?$/],
    ["O", "Is the chair to the left of the desk?", "ambiguous", /There are 3 chairs; which one do you mean — the one on the left, the one in the middle or the one on the right\?/],
    ["O", "How tall is the person?", "ambiguous", /There are 2 people; which one do you mean/],
    ["L", "What color is the couch?", "unmapped", /^I can't tell what spatial relation you are asking about/],
    ["L", "Tell me a joke about the cup.", "unmapped", /can't tell what spatial relation/],
    ["L", "", "unmapped", /can't tell what spatial relation/],
    ["L", "How far is the couch?", "needs_objects", /needs two objects, but I only recognised the couch/],
    ["L", "How tall is it?", "needs_objects", /needs an object/],
    ["L", "Is the cup on the table to the left of the couch?", "too_many_objects", /names 3 objects/],
    ["L", "How far is the red chair from the red chair?", "same_object", /two different objects/],
  ];

  it.each(cases)("[%s] %s → %s", (graph, question, reason, message) => {
    const parsed = understandQuestion(question, GRAPHS[graph]);
    expect(Unanswerable.safeParse(parsed).success).toBe(true);
    expect(isUnanswerable(parsed) && parsed.reason).toBe(reason);
    const answer = answerQuestion(question, GRAPHS[graph]);
    expect(answer.type).toBe("text");
    expect(answer.text).toMatch(message);
    expect(answer).not.toHaveProperty("bool");
    expect(answer).not.toHaveProperty("choice");
    expect(answer).not.toHaveProperty("value_m");
  });

  it("refuses to measure objects without trusted 3D points, and elevation without a floor", () => {
    expect(answerQuestion("How tall is the plant?", L)).toMatchObject({ type: "text", text: expect.stringMatching(/don't have reliable 3D points for the potted plant/) });
    expect(answerQuestion("How high off the ground is the dog?", S)).toMatchObject({ type: "text", text: expect.stringMatching(/could not find a floor/) });
  });

  it("parsed queries satisfy their schema", () => {
    const parsed = understandQuestion("How tall is the couch in feet?", L);
    expect(ParsedQuery.parse(parsed)).toEqual(parsed);
  });
});

describe("alternative questions", () => {
  it("names the relation that holds when asked 'A or B'", () => {
    for (let i = 0; i < 12; i++) {
      const answer = answerQuestion(`Is the red chair taller or shorter than the table? (${i})`, L);
      expect(answer.bool).toBe(true);
      expect(answer.text).toMatch(/red chair/);
    }
  });
});

describe("units asked for", () => {
  it("answers in the unit requested and keeps value_m in metres", () => {
    const feet = answerQuestion("How tall is the couch in feet?", L);
    expect(feet).toMatchObject({ type: "number", unit: "ft", value_m: 0.8 });
    expect(feet.text).toMatch(/\b2\.5 feet\b/);
    const inches = answerQuestion("How wide is the tv in inches?", L);
    expect(inches).toMatchObject({ unit: "in", value_m: 1.2 });
    expect(inches.text).toMatch(/\b47 inches\b/);
    const both = answerQuestion("How far is the red chair from the blue chair, in feet and inches?", L);
    expect(both.unit).toBe("ft-in");
    expect(both.text).toMatch(/\b8 feet 3 inches\b/);
    expect(both.value_m).toBeCloseTo(Math.hypot(2.5, 0.2), 3);
    const cm = answerQuestion("How many centimeters tall is the blue chair?", L);
    expect(cm).toMatchObject({ unit: "cm", value_m: 0.9 });
    expect(cm.text).toMatch(/\b90 centimeters\b/);
  });

  it("defaults to humanized metric", () => {
    const answer = answerQuestion("How tall is the couch?", L);
    expect(answer).toMatchObject({ unit: "cm", value_m: 0.8 });
    expect(answer.text).toMatch(/\b80 centimeters\b/);
  });
});

describe("objectNamesIn", () => {
  it("finds lexicon terms and unknown nouns without a scene", async () => {
    const { objectNamesIn } = await import("./understand.js");
    expect(objectNamesIn("Is the red mug to the left of the piano?")).toEqual(["mug", "piano"]);
    expect(objectNamesIn("How far is the couch from the cell phones?")).toEqual(["couch", "cell phone"]);
    expect(objectNamesIn("How tall is it?")).toEqual([]);
  });
});

describe("unmapped questions about absent objects", () => {
  it("say the object is not there rather than that the relation is unknown", async () => {
    const { understandQuestion } = await import("./understand.js");
    const { livingRoom } = await import("./qa-fixtures.js");
    const graph = livingRoom();
    expect(understandQuestion("Where is the piano?", graph)).toMatchObject({ reason: "not_found", message: "I could not find a piano in this image." });
    expect(understandQuestion("Where is the chair?", graph)).toMatchObject({ reason: "unmapped" });
  });
});
