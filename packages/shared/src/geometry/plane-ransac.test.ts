import { describe, expect, it } from "vitest";
import { fitPlaneLeastSquares, pointPlaneDistance, segmentPlane } from "./plane-ransac.js";
import { createRng } from "./random.js";
import type { Vec3 } from "./types.js";

const unit = (v: Vec3): Vec3 => {
  const l = Math.hypot(...v);
  return [v[0] / l, v[1] / l, v[2] / l];
};
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const angleDeg = (a: Vec3, b: Vec3) => (Math.acos(Math.min(1, Math.abs(dot(a, b)))) * 180) / Math.PI;

/** Points on n·p = distance over a 2 m square, with uniform noise along n and random outliers. */
function planeCloud(n: Vec3, distance: number, noiseM: number, outliers: number, seed: number): { points: Float32Array; planeCount: number } {
  const rng = createRng(seed);
  const helper: Vec3 = Math.abs(n[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const u = unit([n[1] * helper[2] - n[2] * helper[1], n[2] * helper[0] - n[0] * helper[2], n[0] * helper[1] - n[1] * helper[0]]);
  const v: Vec3 = [n[1] * u[2] - n[2] * u[1], n[2] * u[0] - n[0] * u[2], n[0] * u[1] - n[1] * u[0]];
  const values: number[] = [];
  for (let i = 0; i <= 40; i++) {
    for (let j = 0; j <= 40; j++) {
      const a = i * 0.05 - 1, b = j * 0.05 - 1, e = distance + (rng() * 2 - 1) * noiseM;
      for (let k = 0; k < 3; k++) values.push(n[k] * e + u[k] * a + v[k] * b);
    }
  }
  const planeCount = values.length / 3;
  for (let i = 0; i < outliers; i++) values.push(rng() * 4 - 2, rng() * 4 - 2, rng() * 4 - 2);
  return { points: Float32Array.from(values), planeCount };
}

describe("segmentPlane", () => {
  const n = unit([0.2, -0.9, 0.3]);

  it("recovers a noisy plane among outliers: normal within 0.5°, offset within 5 mm", () => {
    const { points, planeCount } = planeCloud(n, 1.5, 0.005, 600, 1);
    const fit = segmentPlane(points, { distanceM: 0.02, iterations: 300, seed: 3 })!;
    expect(fit).not.toBeNull();
    expect(angleDeg(fit.plane.normal, n)).toBeLessThan(0.5);
    // Oriented so the origin is on the non-negative side: normal = -n, offset = +1.5.
    expect(dot(fit.plane.normal, n)).toBeLessThan(0);
    expect(fit.plane.offset).toBeCloseTo(1.5, 2);
    expect(Math.hypot(...fit.plane.normal)).toBeCloseTo(1, 12);
    // Every plane point is an inlier; a few outliers fall inside the 2 cm slab by chance.
    for (let i = 0; i < planeCount; i++) expect(fit.inliers[i]).toBe(i);
    expect(fit.inliers.length).toBeLessThan(planeCount + 30);
    for (const i of fit.inliers) {
      expect(Math.abs(pointPlaneDistance(fit.plane, [points[3 * i], points[3 * i + 1], points[3 * i + 2]]))).toBeLessThan(0.02);
    }
  });

  it("is deterministic for a seed, and other seeds agree on the plane", () => {
    const { points } = planeCloud(n, 1.5, 0.005, 600, 2);
    const a = segmentPlane(points, { distanceM: 0.02, iterations: 200, seed: 11 })!;
    expect(segmentPlane(points, { distanceM: 0.02, iterations: 200, seed: 11 })).toEqual(a);
    const b = segmentPlane(points, { distanceM: 0.02, iterations: 200, seed: 12 })!;
    expect(angleDeg(a.plane.normal, b.plane.normal)).toBeLessThan(0.5);
  });

  it("lets acceptNormal pick a smaller horizontal floor over a larger wall", () => {
    const wall = planeCloud([1, 0, 0], 1, 0.002, 0, 3).points;
    const floor = planeCloud([0, 0, 1], -1.2, 0.002, 0, 4).points.subarray(0, 3 * 800);
    const points = new Float32Array(wall.length + floor.length);
    points.set(wall);
    points.set(floor, wall.length);
    const any = segmentPlane(points, { distanceM: 0.02, iterations: 200, seed: 1 })!;
    expect(angleDeg(any.plane.normal, [1, 0, 0])).toBeLessThan(0.5);
    const seen: Vec3[] = [];
    const horizontal = segmentPlane(points, {
      distanceM: 0.02,
      iterations: 200,
      seed: 1,
      acceptNormal: (normal) => (seen.push(normal), Math.abs(normal[2]) > 0.95),
    })!;
    expect(angleDeg(horizontal.plane.normal, [0, 0, 1])).toBeLessThan(0.5);
    expect(horizontal.plane.normal[2]).toBeGreaterThan(0); // the origin is above the floor at z = -1.2
    expect(horizontal.inliers.length).toBe(800);
    for (const normal of seen) expect(Math.hypot(...normal)).toBeCloseTo(1, 12);
  });

  it("stops early once the best plane holds every point (Open3D's adaptive bound)", () => {
    const { points } = planeCloud([0, 0, 1], 1, 0, 0, 5);
    let evaluated = 0;
    const fit = segmentPlane(points, { distanceM: 0.01, iterations: 1000, acceptNormal: () => (evaluated++, true) })!;
    expect(evaluated).toBe(1);
    expect(fit.inliers.length).toBe(points.length / 3);
    expect(fit.plane.normal[2]).toBeCloseTo(-1, 9); // z = 1 with the origin on the positive side
  });

  it("returns null for fewer than 3 points, coincident points, or when every normal is rejected", () => {
    expect(segmentPlane(new Float32Array(6), { distanceM: 0.1, iterations: 10 })).toBeNull();
    expect(segmentPlane(new Float32Array(30).fill(2), { distanceM: 0.1, iterations: 10 })).toBeNull();
    const { points } = planeCloud(n, 1, 0, 0, 6);
    expect(segmentPlane(points, { distanceM: 0.1, iterations: 10, acceptNormal: () => false })).toBeNull();
  });

  it("leaves its input alone and refuses bad options", () => {
    const { points } = planeCloud(n, 1, 0.01, 50, 7);
    const copy = points.slice();
    segmentPlane(points, { distanceM: 0.02, iterations: 20 });
    expect(points).toEqual(copy);
    expect(() => segmentPlane(points, { distanceM: 0, iterations: 20 })).toThrow(RangeError);
    expect(() => segmentPlane(points, { distanceM: 0.1, iterations: 0 })).toThrow(RangeError);
    expect(() => segmentPlane(points, { distanceM: 0.1, iterations: 5, probability: 0 })).toThrow(RangeError);
  });
});

describe("fitPlaneLeastSquares", () => {
  it("fits exact plane points exactly, normal oriented so that offset >= 0", () => {
    const n = unit([-0.3, 0.4, 0.85]);
    const { points } = planeCloud(n, 2, 0, 0, 8);
    const plane = fitPlaneLeastSquares(points)!;
    expect(angleDeg(plane.normal, n)).toBeLessThan(1e-4);
    expect(dot(plane.normal, n)).toBeLessThan(0);
    expect(plane.offset).toBeCloseTo(2, 5);
  });

  it("uses only the given indices", () => {
    const points = new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 5, 5, 5, 1, 1, 0]);
    const plane = fitPlaneLeastSquares(points, Uint32Array.of(0, 1, 2, 4))!;
    expect(Math.abs(plane.normal[2])).toBeCloseTo(1, 12);
    expect(plane.offset).toBeCloseTo(0, 12);
    expect(() => fitPlaneLeastSquares(points, Uint32Array.of(0, 1, 9))).toThrow(RangeError);
  });

  it("returns null for fewer than 3 points and for collinear or coincident points", () => {
    expect(fitPlaneLeastSquares(new Float32Array([0, 0, 0, 1, 1, 1]))).toBeNull();
    expect(fitPlaneLeastSquares(new Float32Array([0, 0, 0, 1, 2, 3, 2, 4, 6, -1, -2, -3]))).toBeNull();
    expect(fitPlaneLeastSquares(new Float32Array(12).fill(0.5))).toBeNull();
  });
});

describe("pointPlaneDistance", () => {
  it("is signed, positive on the side the normal points to", () => {
    const plane = { normal: [0, 0, 1] as Vec3, offset: -1 };
    expect(pointPlaneDistance(plane, [3, 4, 3])).toBe(2);
    expect(pointPlaneDistance(plane, [0, 0, 0])).toBe(-1);
  });
});
