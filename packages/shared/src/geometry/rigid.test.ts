import { describe, expect, it } from "vitest";
import { applyToDirection, applyToPoint, applyToPoints, compose, invert, transformFromAxes } from "./rigid.js";

// 90° about z, then a shift: x→y, y→-x.
const T = transformFromAxes([0, -1, 0], [1, 0, 0], [0, 0, 1], [1, 2, 3]);

describe("rigid transforms", () => {
  it("maps points and directions", () => {
    expect(applyToPoint(T, [1, 0, 0])).toEqual([1, 3, 3]);
    expect(applyToDirection(T, [1, 0, 0])).toEqual([0, 1, 0]);
  });

  it("inverts and composes to the identity", () => {
    const p: [number, number, number] = [0.3, -1.2, 4];
    const back = applyToPoint(invert(T), applyToPoint(T, p));
    back.forEach((v, i) => expect(v).toBeCloseTo(p[i], 12));
    const id = compose(invert(T), T);
    id.rotation.forEach((v, i) => expect(v).toBeCloseTo([1, 0, 0, 0, 1, 0, 0, 0, 1][i], 12));
    id.translation.forEach((v) => expect(v).toBeCloseTo(0, 12));
  });

  it("transforms a cloud in place when out is the input, and leaves the input alone otherwise", () => {
    const points = new Float32Array([1, 0, 0, 0, 1, 0]);
    const copy = points.slice();
    const out = applyToPoints(T, points);
    expect(Array.from(points)).toEqual(Array.from(copy));
    expect(Array.from(out)).toEqual([1, 3, 3, 0, 2, 3]);
    applyToPoints(T, points, points);
    expect(Array.from(points)).toEqual([1, 3, 3, 0, 2, 3]);
    expect(() => applyToPoints(T, points, new Float32Array(3))).toThrow(RangeError);
  });
});
