import { describe, expect, it } from "vitest";
import { createRng } from "./random.js";
import { selectPoints, statisticalOutlierInliers } from "./statistical-outliers.js";

/** Open3D's rule computed by brute force (tests only). */
function reference(points: Float32Array, k: number, stdRatio: number): number[] {
  const n = points.length / 3;
  const kk = Math.min(k, n);
  const avg = Array.from({ length: n }, (_, i) => {
    const d: number[] = [];
    for (let j = 0; j < n; j++) d.push(Math.hypot(points[3 * i] - points[3 * j], points[3 * i + 1] - points[3 * j + 1], points[3 * i + 2] - points[3 * j + 2]));
    return d.sort((a, b) => a - b).slice(0, kk).reduce((s, v) => s + v, 0) / kk;
  });
  const mean = avg.reduce((s, v) => s + v, 0) / n;
  const std = Math.sqrt(avg.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  return avg.flatMap((a, i) => (a < mean + stdRatio * std ? [i] : []));
}

function blobWithOutliers(seed: number): { points: Float32Array; outliers: number[] } {
  const rng = createRng(seed);
  const values: number[] = [];
  const outliers: number[] = [];
  for (let i = 0; i < 300; i++) {
    if (i % 50 === 7) {
      outliers.push(i);
      values.push(3 + rng() * 5, -4 - rng() * 5, 6 + rng() * 5);
    } else {
      values.push(rng() * 0.5, rng() * 0.5, rng() * 0.5);
    }
  }
  return { points: Float32Array.from(values), outliers };
}

describe("statisticalOutlierInliers", () => {
  it("drops isolated points and keeps the dense blob", () => {
    const { points, outliers } = blobWithOutliers(1);
    const kept = statisticalOutlierInliers(points, 10, 2);
    for (const i of outliers) expect(kept).not.toContain(i);
    expect(kept.length).toBeGreaterThan(280);
  });

  it("matches Open3D's rule (brute-force reference) index for index", () => {
    const rng = createRng(2);
    const points = Float32Array.from({ length: 3 * 400 }, (_, i) => (i % 3 === 2 ? rng() * 0.05 : rng()) * (1 + (i % 7 === 0 ? 3 * rng() : 0)));
    for (const [k, ratio] of [[20, 2], [5, 1], [2, 2], [8, 0.5]] as const) {
      const kept = statisticalOutlierInliers(points, k, ratio);
      expect(Array.from(kept)).toEqual(reference(points, k, ratio));
    }
  });

  it("uses every point when the cloud has fewer than `neighbours`", () => {
    const points = new Float32Array([0, 0, 0, 0.1, 0, 0, 0, 0.1, 0, 0.1, 0.1, 0, 5, 5, 5]);
    expect(Array.from(statisticalOutlierInliers(points, 20, 1))).toEqual(reference(points, 20, 1));
  });

  it("keeps everything when no point stands out (deviation: Open3D keeps nothing there)", () => {
    // neighbours = 1: every mean is 0 (the point itself), so mean + ratio·std = 0 and Open3D's
    // strict `<` drops the whole cloud; identical means carry no outlier signal, so we keep all.
    const { points } = blobWithOutliers(4);
    expect(statisticalOutlierInliers(points, 1, 2).length).toBe(300);
    expect(Array.from(statisticalOutlierInliers(new Float32Array(12).fill(1), 2, 2))).toEqual([0, 1, 2, 3]);
    expect(Array.from(statisticalOutlierInliers(new Float32Array([1, 2, 3]), 5, 2))).toEqual([0]);
  });

  it("returns ascending indices, handles an empty cloud, leaves its input alone", () => {
    const { points } = blobWithOutliers(3);
    const copy = points.slice();
    const kept = statisticalOutlierInliers(points, 8, 1);
    expect(points).toEqual(copy);
    for (let j = 1; j < kept.length; j++) expect(kept[j]).toBeGreaterThan(kept[j - 1]);
    expect(statisticalOutlierInliers(new Float32Array(0), 5, 2).length).toBe(0);
  });

  it("refuses bad parameters", () => {
    const p = new Float32Array(9);
    expect(() => statisticalOutlierInliers(p, 0, 2)).toThrow(RangeError);
    expect(() => statisticalOutlierInliers(p, 2.5, 2)).toThrow(RangeError);
    expect(() => statisticalOutlierInliers(p, 3, 0)).toThrow(RangeError);
    expect(() => statisticalOutlierInliers(p, 3, NaN)).toThrow(RangeError);
  });
});

describe("selectPoints", () => {
  it("copies the chosen points in the given order", () => {
    const points = new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(selectPoints(points, Uint32Array.of(2, 0)))).toEqual([6, 7, 8, 0, 1, 2]);
    expect(selectPoints(points, new Uint32Array(0)).length).toBe(0);
    expect(() => selectPoints(points, Uint32Array.of(3))).toThrow(RangeError);
  });
});
