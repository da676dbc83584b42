import { describe, expect, it } from "vitest";
import { conceptOf, displayLabel, pluralOf, termTable } from "./lexicon.js";
import { livingRoom, makeGraph, office } from "./qa-fixtures.js";
import { ambiguityMessage, referenceFor, resolveSpec } from "./references.js";
import type { SceneGraph } from "./scene-graph.js";
import { isUnanswerable, understandQuestion } from "./understand.js";

describe("referenceFor", () => {
  it("names unique labels plainly and tells duplicates apart by colour, image third, extremes", () => {
    const L = livingRoom();
    expect(L.objects.map((o) => referenceFor(L, o))).toEqual([
      "the red chair", "the blue chair", "the dining table", "the cup", "the tv", "the couch", "the potted plant",
    ]);
    const O = office();
    expect(O.objects.map((o) => referenceFor(O, o))).toEqual([
      "the chair on the left", "the chair in the middle", "the chair on the right", "the leftmost person", "the rightmost person",
      "the desk", "the laptop", "the cell phone",
    ]);
  });

  it("uses depth when colour and position cannot tell, and gives up when nothing can", () => {
    const stacked = makeGraph([
      { label: "box", center: [0, 2, 0.2], size: [0.4, 0.4, 0.4] },
      { label: "box", center: [0, 4, 0.4], size: [0.8, 0.8, 0.8] },
    ]);
    expect(stacked.objects.map((o) => referenceFor(stacked, o))).toEqual(["the nearest box", "the farthest box"]);
    const twins = makeGraph([
      { label: "box", center: [0, 3, 0.2], size: [0.4, 0.4, 0.4] },
      { label: "box", center: [0.01, 3.02, 0.2], size: [0.4, 0.4, 0.4] },
    ]);
    expect(twins.objects.map((o) => referenceFor(twins, o))).toEqual([null, null]);
  });

  it("writes VOC labels in their spaced form", () => {
    const g = makeGraph([{ label: "diningtable", center: [0, 3, 0.4], size: [1, 1, 0.8] }, { label: "tvmonitor", center: [1, 3, 1], size: [1, 0.1, 0.6] }]);
    expect(g.objects.map((o) => referenceFor(g, o))).toEqual(["the dining table", "the tv monitor"]);
  });

  it("every reference resolves back to its own object", () => {
    const graphs: SceneGraph[] = [livingRoom(), office(), makeGraph([
      { label: "box", center: [0, 2, 0.2], size: [0.4, 0.4, 0.4] },
      { label: "box", center: [0, 4, 0.4], size: [0.8, 0.8, 0.8] },
      { label: "cup", center: [-1.5, 3, 0.1], size: [0.1, 0.1, 0.1] },
      { label: "mug", center: [-1.0, 3, 0.1], size: [0.1, 0.1, 0.1] },
    ])];
    for (const graph of graphs) {
      for (const object of graph.objects) {
        const ref = referenceFor(graph, object);
        if (!ref) continue;
        const parsed = understandQuestion(`How wide is ${ref}?`, graph);
        expect(isUnanswerable(parsed) ? parsed.message : parsed.objectIds, ref).toEqual([object.id]);
      }
    }
  });
});

describe("resolveSpec", () => {
  const O = office();

  it("resolves position words, and reports ambiguity and absence honestly", () => {
    const chair = { term: "chair", concept: "chair", plural: false };
    expect(resolveSpec(O, { ...chair, position: "rightmost" })).toMatchObject({ kind: "one", object: { id: "obj-2" } });
    expect(resolveSpec(O, { ...chair, position: "center" })).toMatchObject({ kind: "one", object: { id: "obj-1" } });
    expect(resolveSpec(O, { ...chair, position: "nearest" })).toMatchObject({ kind: "one", object: { id: "obj-0" } });
    expect(resolveSpec(O, chair)).toMatchObject({ kind: "ambiguous" });
    expect(resolveSpec(O, { ...chair, plural: true })).toMatchObject({ kind: "many" });
    expect(resolveSpec(O, { term: "sofa", concept: "couch", plural: false })).toEqual({ kind: "none", message: "I could not find a sofa in this image." });
    expect(resolveSpec(O, { ...chair, color: "red" })).toEqual({ kind: "none", message: "I could not find a red chair in this image; the chairs I see are black." });
  });

  it("prefers an exact label over its concept ('mug' vs 'cup')", () => {
    const g = makeGraph([{ label: "cup", center: [0, 3, 0.1], size: [0.1, 0.1, 0.1] }, { label: "mug", center: [1, 3, 0.1], size: [0.1, 0.1, 0.1] }]);
    expect(resolveSpec(g, { term: "mug", concept: "cup", plural: false })).toMatchObject({ kind: "one", object: { id: "obj-1" } });
    expect(resolveSpec(g, { term: "coffee cup", concept: "cup", plural: false })).toMatchObject({ kind: "ambiguous" });
  });

  it("phrases the ambiguity question by colour when colours differ, else by position", () => {
    const L = livingRoom();
    expect(ambiguityMessage(L.objects.slice(0, 2), "chair")).toBe("There are 2 chairs; which one do you mean — the red one or the blue one?");
    expect(ambiguityMessage(O.objects.slice(0, 3), "chair")).toBe(
      "There are 3 chairs; which one do you mean — the one on the left, the one in the middle or the one on the right?",
    );
  });
});

describe("lexicon", () => {
  it("knows VOC names, synonyms and plurals", () => {
    expect(conceptOf("tvmonitor")).toBe("tv");
    expect(conceptOf("sofa")).toBe("couch");
    expect(conceptOf("aeroplane")).toBe("airplane");
    expect(conceptOf("motorbike")).toBe("motorcycle");
    expect(conceptOf("pottedplant")).toBe("potted plant");
    expect(conceptOf("Dining_Table")).toBe("dining table");
    expect(conceptOf("lamp")).toBeNull();
    expect(displayLabel("pottedplant")).toBe("potted plant");
    expect(["person", "knife", "bus", "wine glass", "puppy", "sheep", "box"].map(pluralOf)).toEqual(["people", "knives", "buses", "wine glasses", "puppies", "sheep", "boxes"]);
  });

  it("adds a graph's own labels as terms, never reserved words", () => {
    const { terms } = termTable(["trash can", "floor", "glasses"]);
    expect(terms.get("trash cans")).toEqual({ term: "trash can", concept: "label:trash can", plural: true });
    expect(terms.has("floor")).toBe(false);
    expect(terms.get("glasses")?.concept).toBe("label:glasses");
  });
});
