import { describe, expect, it } from "vitest";
import { depthImage, maskOf, randomScene } from "../testing/index.js";
import { buildSceneGraph } from "./build-scene.js";
import { QualitativeFamily } from "./families.js";
import { parseUnitRequest } from "./humanize.js";
import { livingRoom, makeGraph, office, street } from "./qa-fixtures.js";
import { NEEDS_UP, type QaFamily } from "./query.js";
import type { SceneGraph } from "./scene-graph.js";
import { SynthesizedQa, synthesizeQa } from "./synthesize.js";
import { answerQuestion, isUnanswerable, understandQuestion } from "./understand.js";

/** Graphs from the real pipeline: rendered random scenes lifted by buildSceneGraph. */
function pipelineGraph(seed: number): SceneGraph {
  const r = randomScene(seed, { width: 320, height: 240, minObjects: 3, maxObjects: 6 }).render;
  return buildSceneGraph({
    width: r.width, height: r.height, rgb: r.rgb, depth: depthImage(r), intrinsics: { ...r.intrinsics, source: "input" }, depthSource: "input",
    objects: r.objects.filter((o) => o.box2d).map((o) => ({ label: o.label, score: 1, box2d: o.box2d!, mask: maskOf(r, o.index) })),
  }).graph;
}

function expectRoundTrip(graph: SceneGraph, qas: SynthesizedQa[]): void {
  for (const qa of qas) {
    const parsed = understandQuestion(qa.question, graph);
    expect(isUnanswerable(parsed) ? parsed.message : "parsed", qa.question).toBe("parsed");
    if (isUnanswerable(parsed)) continue;
    expect({ family: parsed.family, form: parsed.form, objectIds: parsed.objectIds }, qa.question).toEqual({ family: qa.family, form: qa.form, objectIds: qa.objectIds });
    const answer = answerQuestion(qa.question, graph);
    const structured = (a: typeof answer) => ({ type: a.type, bool: a.bool, choice: a.choice, value_m: a.value_m, clock_hour: a.clock_hour, objectIds: a.objectIds });
    expect(structured(answer), qa.question).toEqual(structured(qa.answer));
    if (parseUnitRequest(qa.question)) expect(answer.unit, qa.question).toBe(qa.answer.unit);
  }
}

describe("round trip: every synthesized question is understood and answered the same way", () => {
  it.each([
    ["living room", livingRoom()],
    ["office", office()],
    ["street (up assumed)", street()],
  ])("%s, seeds 1–5", (_name, graph) => {
    for (let seed = 1; seed <= 5; seed++) {
      const qas = synthesizeQa(graph, { seed, perFamily: 4, imperialShare: 0.4 });
      expect(qas.length).toBeGreaterThan(20);
      expectRoundTrip(graph, qas);
    }
  });

  it("graphs built by the perception pipeline from rendered scenes, seeds 1–6", () => {
    let total = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const graph = pipelineGraph(seed);
      const qas = synthesizeQa(graph, { seed, perFamily: 3, imperialShare: 0.3 });
      total += qas.length;
      expectRoundTrip(graph, qas);
    }
    expect(total).toBeGreaterThan(200);
  });
});

describe("synthesizeQa", () => {
  const graph = livingRoom();

  it("is reproducible for a seed and differs across seeds", () => {
    const a = synthesizeQa(graph, { seed: 42 });
    expect(synthesizeQa(graph, { seed: 42 })).toEqual(a);
    expect(synthesizeQa(graph, { seed: 43 })).not.toEqual(a);
  });

  it("outputs valid SynthesizedQa records with both forms of every qualitative family and every quantitative family", () => {
    const qas = synthesizeQa(graph, { seed: 1 });
    expect(SynthesizedQa.array().parse(qas)).toEqual(qas);
    for (const family of QualitativeFamily.options) {
      expect(qas.some((q) => q.family === family && q.form === "predicate")).toBe(true);
      expect(qas.some((q) => q.family === family && q.form === "choice")).toBe(true);
    }
    for (const family of ["distance", "gap", "horizontal_distance", "vertical_distance", "width", "height", "elevation", "direction"]) {
      expect(qas.some((q) => q.family === family && q.form === "quantity")).toBe(true);
    }
  });

  it("respects perFamily and families", () => {
    const qas = synthesizeQa(graph, { seed: 3, perFamily: 2, families: ["left_right", "height"] });
    expect(new Set(qas.map((q) => q.family))).toEqual(new Set(["left_right", "height"]));
    expect(qas.filter((q) => q.family === "left_right" && q.form === "predicate")).toHaveLength(2);
    expect(qas.filter((q) => q.family === "left_right" && q.form === "choice")).toHaveLength(2);
    expect(qas.filter((q) => q.family === "height")).toHaveLength(2);
  });

  it("gives both yes and no predicate answers", () => {
    const bools = Array.from({ length: 5 }, (_, seed) => synthesizeQa(graph, { seed, perFamily: 6 })).flat().filter((q) => q.form === "predicate").map((q) => q.answer.bool);
    expect(bools).toContain(true);
    expect(bools).toContain(false);
  });

  it("never uses an object without trusted 3D points (the potted plant)", () => {
    for (let seed = 0; seed < 5; seed++) {
      for (const qa of synthesizeQa(graph, { seed, perFamily: 10 })) {
        expect(qa.objectIds).not.toContain("obj-6");
        expect(qa.question).not.toMatch(/plant/);
      }
    }
  });

  it("drops objects no clause can tell apart, and pairs too close to call", () => {
    const twins = makeGraph([
      { label: "chair", center: [0, 3, 0.45], size: [0.5, 0.5, 0.9], color: "black" },
      { label: "chair", center: [0.02, 3.01, 0.45], size: [0.5, 0.5, 0.9], color: "black" },
      { label: "box", center: [0.0, 3.0, 0.45], size: [0.2, 0.2, 0.2] },
      { label: "ball", center: [1.5, 3.0, 0.45], size: [0.4, 0.4, 0.4] },
    ]);
    const qas = synthesizeQa(twins, { seed: 5, perFamily: 20 });
    expect(qas.length).toBeGreaterThan(0);
    for (const qa of qas) {
      expect(qa.objectIds).not.toContain("obj-0");
      expect(qa.objectIds).not.toContain("obj-1");
    }
    // The box and the ball stand level: no above/below question pairs them.
    expect(qas.filter((q) => q.family === "above_below" && q.objectIds.includes("obj-2") && q.objectIds.includes("obj-3"))).toHaveLength(0);
    expect(qas.filter((q) => q.family === "left_right").length).toBeGreaterThan(0);
  });

  it("skips the families that need 'up' when up is only assumed, unless asked, and never elevation", () => {
    const flat = street();
    const families = new Set(synthesizeQa(flat, { seed: 1, perFamily: 5 }).map((q) => q.family));
    for (const family of NEEDS_UP) expect(families.has(family)).toBe(false);
    expect(families.has("left_right")).toBe(true);
    const withUp = synthesizeQa(flat, { seed: 1, perFamily: 5, includeAssumedUp: true });
    expect(withUp.some((q) => q.family === "above_below")).toBe(true);
    expect(withUp.some((q) => q.family === "elevation")).toBe(false);
    for (const qa of withUp) {
      const noted = qa.answer.text.includes("assuming the camera is level");
      expect(noted, qa.answer.text).toBe(NEEDS_UP.has(qa.family as QaFamily));
    }
  });

  it("gives a seeded share of lengths in feet and inches, value_m still in metres", () => {
    const lengths = (share: number) => synthesizeQa(graph, { seed: 9, perFamily: 6, imperialShare: share }).filter((q) => q.answer.value_m !== undefined && !parseUnitRequest(q.question));
    for (const qa of lengths(1)) {
      expect(["ft-in", "in"]).toContain(qa.answer.unit);
      // Values that round to zero read "touching" / "on the floor" / "level" with no number.
      if (qa.answer.value_m! >= 0.02) expect(qa.answer.text).toMatch(/\b(?:feet|foot|inch|inches)\b/);
    }
    for (const qa of lengths(0)) expect(["m", "cm"]).toContain(qa.answer.unit);
    const some = lengths(0.2);
    const imperial = some.filter((q) => q.answer.unit === "ft-in" || q.answer.unit === "in").length;
    expect(imperial).toBeGreaterThan(0);
    expect(imperial).toBeLessThan(some.length);
    const tv = synthesizeQa(graph, { seed: 2, perFamily: 10, imperialShare: 1, families: ["width"] }).find((q) => q.objectIds[0] === "obj-4");
    expect(tv?.answer.value_m).toBe(1.2);
  });

  it("returns nothing for a graph with fewer than two usable objects, and no crash on an empty one", () => {
    expect(synthesizeQa(makeGraph([]), { seed: 1 })).toEqual([]);
    const one = synthesizeQa(makeGraph([{ label: "chair", center: [0, 3, 0.45], size: [0.5, 0.5, 0.9] }]), { seed: 1 });
    expect(new Set(one.map((q) => q.family))).toEqual(new Set(["width", "height", "elevation"]));
  });
});
