import { describe, expect, it } from "vitest";
import { assertValidIntrinsics, intrinsicsFromHorizontalFov, projectPoint, unprojectDepth } from "./camera.js";

const K = { fx: 500, fy: 400, cx: 2, cy: 1 };

describe("unprojectDepth", () => {
  it("lifts each valid reading along its pixel ray, at its z depth", () => {
    // 4×3 image, raw millimetres.
    const data = new Uint16Array(12);
    data[1 * 4 + 2] = 2000; // (u=2, v=1) is the principal point
    data[0 * 4 + 0] = 1000; // (u=0, v=0)
    const { pointsCam, pixelIndex, count } = unprojectDepth({ width: 4, height: 3, data, unitsPerMetre: 1000 }, K);
    expect(count).toBe(2);
    expect(Array.from(pixelIndex)).toEqual([0, 6]);
    expect(pointsCam[0]).toBeCloseTo(((0 - 2) / 500) * 1, 6);
    expect(pointsCam[1]).toBeCloseTo(((0 - 1) / 400) * 1, 6);
    expect(pointsCam[2]).toBeCloseTo(1, 6);
    expect(Array.from(pointsCam.slice(3))).toEqual([0, 0, 2]);
  });

  it("treats 0, NaN and ±Infinity as missing and honours maxDepthM, mask and stride", () => {
    const data = new Float32Array([0, NaN, Infinity, -Infinity, 1, 5, 2, 3]);
    const depth = { width: 4, height: 2, data, unitsPerMetre: 1 };
    expect(unprojectDepth(depth, K).count).toBe(4);
    expect(unprojectDepth(depth, K, { maxDepthM: 2.5 }).count).toBe(2);
    const mask = new Uint8Array([1, 1, 1, 1, 0, 0, 1, 0]);
    expect(Array.from(unprojectDepth(depth, K, { mask }).pixelIndex)).toEqual([6]);
    const dense = { width: 4, height: 3, data: new Float32Array(12).fill(1), unitsPerMetre: 1 };
    expect(Array.from(unprojectDepth(dense, K, { stride: 2 }).pixelIndex)).toEqual([0, 2, 8, 10]);
  });

  it("refuses mismatched sizes and bad scales instead of reading garbage", () => {
    expect(() => unprojectDepth({ width: 4, height: 2, data: new Float32Array(7), unitsPerMetre: 1 }, K)).toThrow(/7 values/);
    expect(() => unprojectDepth({ width: 1, height: 1, data: new Float32Array(1), unitsPerMetre: 0 }, K)).toThrow(/unitsPerMetre/);
    expect(() => unprojectDepth({ width: 1, height: 1, data: new Float32Array(1), unitsPerMetre: 1 }, K, { mask: new Uint8Array(2) })).toThrow(/mask/);
  });

  it("round-trips with projectPoint", () => {
    const data = new Float32Array(6 * 5).fill(3.5);
    const { pointsCam, pixelIndex, count } = unprojectDepth({ width: 6, height: 5, data, unitsPerMetre: 1 }, K);
    for (let i = 0; i < count; i++) {
      const uv = projectPoint([pointsCam[i * 3], pointsCam[i * 3 + 1], pointsCam[i * 3 + 2]], K)!;
      expect(uv[0]).toBeCloseTo(pixelIndex[i] % 6, 4);
      expect(uv[1]).toBeCloseTo(Math.floor(pixelIndex[i] / 6), 4);
    }
    expect(projectPoint([0, 0, -1], K)).toBeNull();
  });
});

describe("intrinsics", () => {
  it("derives focal length from the horizontal field of view", () => {
    const k = intrinsicsFromHorizontalFov(640, 480, 60);
    expect(k.fx).toBeCloseTo(320 / Math.tan(Math.PI / 6), 6);
    expect(k.fy).toBe(k.fx);
    expect([k.cx, k.cy]).toEqual([319.5, 239.5]);
    expect(() => intrinsicsFromHorizontalFov(640, 480, 0)).toThrow(RangeError);
    expect(() => intrinsicsFromHorizontalFov(640, 480, 180)).toThrow(RangeError);
  });

  it("rejects NaN, infinite and non-positive focal lengths", () => {
    expect(() => assertValidIntrinsics({ fx: NaN, fy: 1, cx: 0, cy: 0 })).toThrow(/fx/);
    expect(() => assertValidIntrinsics({ fx: 1, fy: 1, cx: Infinity, cy: 0 })).toThrow(/cx/);
    expect(() => assertValidIntrinsics({ fx: -5, fy: 1, cx: 0, cy: 0 })).toThrow(/positive/);
    expect(() => assertValidIntrinsics(K)).not.toThrow();
  });
});
