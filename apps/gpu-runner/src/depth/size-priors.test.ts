import { describe, expect, it } from "vitest";
import { COCO_SIZE_PRIORS, sizePriorFor } from "./size-priors.js";

describe("sizePriorFor", () => {
  it("finds COCO labels, plurals and common synonyms, whatever the case", () => {
    expect(sizePriorFor("person")?.heightM).toBe(1.7);
    expect(sizePriorFor("Dining Table")).toBe(COCO_SIZE_PRIORS["dining table"]);
    expect(sizePriorFor("sofa")).toBe(COCO_SIZE_PRIORS.couch);
    expect(sizePriorFor("chairs")).toBe(COCO_SIZE_PRIORS.chair);
    expect(sizePriorFor("table")).toBe(COCO_SIZE_PRIORS["dining table"]);
    expect(sizePriorFor("tvmonitor")).toBe(COCO_SIZE_PRIORS.tv);
    expect(sizePriorFor("kite")).toBeUndefined();
  });

  it("uses a caller's table instead of the COCO one", () => {
    const table = { cup: { heightM: 0.25, sigma: 0.1, support: "any" as const } };
    expect(sizePriorFor("cup", table)?.heightM).toBe(0.25);
    expect(sizePriorFor("chair", table)).toBeUndefined();
  });

  it("has a size and a positive spread for every entry, and a surface only below its own top", () => {
    for (const [label, p] of Object.entries(COCO_SIZE_PRIORS)) {
      expect(p.heightM ?? p.widthM, label).toBeGreaterThan(0);
      expect(p.sigma, label).toBeGreaterThan(0);
      if (p.surfaceHeightM) expect(p.surfaceHeightM, label).toBeLessThanOrEqual(p.heightM!);
    }
  });
});
