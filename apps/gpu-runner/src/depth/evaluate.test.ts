import { describe, expect, it } from "vitest";
import { evaluateDepthAgainstReference } from "./evaluate.js";

const depth = (data: number[], unitsPerMetre = 1) => ({ width: data.length, height: 1, data: Float32Array.from(data), unitsPerMetre });

describe("evaluateDepthAgainstReference", () => {
  it("computes absRel, RMSE and δ<1.25 where both have a reading, in metres", () => {
    // Reference in millimetres; pixel 3 has no reference reading, pixel 4 no estimate.
    const e = evaluateDepthAgainstReference(depth([1, 2.2, 4, 9, 0]), depth([1000, 2000, 2000, 0, 3000], 1000));
    expect(e.comparedPixels).toBe(3);
    expect(e.coverage).toBeCloseTo(3 / 4, 12);
    expect(e.absRel).toBeCloseTo((0 + 0.1 + 1) / 3, 6);
    expect(e.rmseM).toBeCloseTo(Math.sqrt((0 + 0.04 + 4) / 3), 6);
    expect(e.delta125).toBeCloseTo(2 / 3, 12);
  });

  it("does not rescale: the right shape at twice the distance scores badly", () => {
    const e = evaluateDepthAgainstReference(depth([2, 4, 6]), depth([1, 2, 3]));
    expect([e.absRel, e.delta125]).toEqual([1, 0]);
  });

  it("reports nothing compared as NaN errors, and refuses different sizes", () => {
    expect(evaluateDepthAgainstReference(depth([0, 0]), depth([1, 1]))).toMatchObject({ comparedPixels: 0, coverage: 0, absRel: NaN });
    expect(() => evaluateDepthAgainstReference(depth([1]), depth([1, 1]))).toThrow(/sizes differ/);
  });
});
