import { describe, expect, it } from "vitest";
import { depthImage, maskOf, randomScene } from "../testing/index.js";
import { buildSceneGraph } from "../spatial/build-scene.js";
import { makeGraph } from "../spatial/qa-fixtures.js";
import { synthesizeQa } from "../spatial/synthesize.js";
import { SynthesisOptions } from "./options.js";
import { itemSeed, synthesizeItem } from "./synthesize-item.js";

/** A rendered random scene lifted by the real scene builder (exact depth and masks). */
function renderedGraph(seed: number) {
  const r = randomScene(seed, { width: 320, height: 240, minObjects: 3, maxObjects: 5 }).render;
  return buildSceneGraph({
    width: r.width, height: r.height, rgb: r.rgb, depth: depthImage(r), intrinsics: { ...r.intrinsics, source: "input" }, depthSource: "input",
    objects: r.objects.filter((o) => o.box2d).map((o) => ({ label: o.label, score: 1, box2d: o.box2d!, mask: maskOf(r, o.index) })),
  }).graph;
}

describe("SynthesisOptions", () => {
  it("accepts the batch body and refuses bad values", () => {
    expect(SynthesisOptions.parse({ seed: 3, perFamily: 2, families: ["left_right"] })).toEqual({ seed: 3, perFamily: 2, families: ["left_right"] });
    expect(SynthesisOptions.safeParse({}).success).toBe(false);
    expect(SynthesisOptions.safeParse({ seed: 1, families: ["nonsense"] }).success).toBe(false);
    expect(SynthesisOptions.safeParse({ seed: 1, imperialShare: 2 }).success).toBe(false);
    expect(SynthesisOptions.safeParse({ seed: 1.5 }).success).toBe(false);
  });
});

describe("synthesizeItem", () => {
  it("gives a rendered scene's pairs, reproducibly, seeded per image", () => {
    const graph = renderedGraph(3);
    const a = synthesizeItem(graph, { seed: 7, perFamily: 2 }, "img-a");
    expect(a.skipped).toBeUndefined();
    expect(a.qa.length).toBeGreaterThan(5);
    expect(a.usableObjects).toBeGreaterThanOrEqual(2);
    expect(synthesizeItem(graph, { seed: 7, perFamily: 2 }, "img-a")).toEqual(a);
    // The per-image seed is the library's seed: a graph where every object is nameable gives synthesizeQa's list.
    if (a.dropped.ambiguous === 0) expect(a.qa).toEqual(synthesizeQa(graph, { seed: itemSeed(7, "img-a"), perFamily: 2 }));
    expect(synthesizeItem(graph, { seed: 7, perFamily: 2 }, "img-b").qa).not.toEqual(a.qa);
  });

  it("skips images without two usable objects, with a code", () => {
    expect(synthesizeItem(makeGraph([]), { seed: 1 }).skipped?.code).toBe("no_objects");
    expect(synthesizeItem(makeGraph([{ label: "chair", center: [0, 3, 0.45], size: [0.5, 0.5, 0.9] }]), { seed: 1 }).skipped?.code).toBe("too_few_objects");
    // Points but no depth on one of them: only one usable.
    const noDepth = makeGraph([{ label: "chair", center: [0, 3, 0.45], size: [0.5, 0.5, 0.9] }, { label: "table", center: [1, 3, 0.4], size: [1, 1, 0.8], pointCount: 0 }]);
    expect(synthesizeItem(noDepth, { seed: 1 })).toMatchObject({ qa: [], usableObjects: 1, skipped: { code: "too_few_objects" } });
    // Two identical chairs and nothing else: neither can be named.
    const twins = makeGraph([
      { label: "chair", center: [0, 3, 0.45], size: [0.5, 0.5, 0.9], color: "black" },
      { label: "chair", center: [0.02, 3.01, 0.45], size: [0.5, 0.5, 0.9], color: "black" },
    ]);
    expect(synthesizeItem(twins, { seed: 1 }).skipped?.code).toBe("too_few_objects");
  });

  it("counts the candidates dropped for ambiguous references and never asks about them", () => {
    const graph = makeGraph([
      { label: "chair", center: [0, 3, 0.45], size: [0.5, 0.5, 0.9], color: "black" },
      { label: "chair", center: [0.02, 3.01, 0.45], size: [0.5, 0.5, 0.9], color: "black" },
      { label: "box", center: [0.0, 3.0, 0.45], size: [0.2, 0.2, 0.2] },
      { label: "ball", center: [1.5, 3.0, 0.45], size: [0.4, 0.4, 0.4] },
    ]);
    const item = synthesizeItem(graph, { seed: 5, perFamily: 3 });
    expect(item.usableObjects).toBe(2);
    expect(item.qa.length).toBeGreaterThan(0);
    expect(item.dropped.ambiguous).toBeGreaterThan(0);
    for (const qa of item.qa) expect(qa.objectIds.some((id) => id === "obj-0" || id === "obj-1")).toBe(false);
    // With every object nameable nothing is dropped.
    const clear = makeGraph([{ label: "box", center: [0, 3, 0.45], size: [0.2, 0.2, 0.2] }, { label: "ball", center: [1.5, 3, 0.45], size: [0.4, 0.4, 0.4] }]);
    expect(synthesizeItem(clear, { seed: 5 }).dropped.ambiguous).toBe(0);
  });
});
