import { describe, expect, it } from "vitest";
import { KdTree, meanNeighbourDistances } from "./knn.js";
import { createRng } from "./random.js";

function randomCloud(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  // Clumped, like real clouds: a few dense blobs plus sparse background.
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const blob = i % 3 === 0 ? 0 : 1 + (i % 4);
    const spread = blob === 0 ? 2 : 0.05;
    for (let a = 0; a < 3; a++) out[3 * i + a] = blob * 0.3 * (a + 1) + (rng() - 0.5) * spread;
  }
  return out;
}

/** Squared distances to all points, sorted: the reference answer (brute force, tests only). */
function bruteForce(points: Float32Array, x: number, y: number, z: number): number[] {
  const d: number[] = [];
  for (let o = 0; o < points.length; o += 3) d.push((x - points[o]) ** 2 + (y - points[o + 1]) ** 2 + (z - points[o + 2]) ** 2);
  return d.sort((a, b) => a - b);
}

describe("KdTree.knn", () => {
  it("finds exactly the k nearest distances that brute force finds", () => {
    const points = randomCloud(600, 1);
    const rng = createRng(9);
    for (const leafSize of [1, 4, 16]) {
      const tree = new KdTree(points, leafSize);
      for (const k of [1, 5, 17, 40]) {
        const idx = new Uint32Array(k), d2 = new Float64Array(k);
        for (let q = 0; q < 60; q++) {
          // Half the queries are cloud points, half anywhere (some outside the cloud's box).
          const i = Math.floor(rng() * 600);
          const [x, y, z] = q % 2 ? [points[3 * i], points[3 * i + 1], points[3 * i + 2]] : [rng() * 3 - 1, rng() * 3 - 1, rng() * 3 - 1];
          expect(tree.knn(x, y, z, k, idx, d2)).toBe(k);
          expect(Array.from(d2)).toEqual(bruteForce(points, x, y, z).slice(0, k));
          for (let j = 0; j < k; j++) {
            const o = 3 * idx[j];
            expect((x - points[o]) ** 2 + (y - points[o + 1]) ** 2 + (z - points[o + 2]) ** 2).toBe(d2[j]);
          }
          expect(new Set(idx).size).toBe(k);
        }
      }
    }
  });

  it("returns every point when k exceeds the cloud, and nothing for an empty tree", () => {
    const points = new Float32Array([0, 0, 0, 1, 0, 0, 0, 2, 0]);
    const idx = new Uint32Array(5), d2 = new Float64Array(5);
    expect(new KdTree(points).knn(0, 0, 0, 5, idx, d2)).toBe(3);
    expect(Array.from(idx.subarray(0, 3))).toEqual([0, 1, 2]);
    expect(Array.from(d2.subarray(0, 3))).toEqual([0, 1, 4]);
    expect(new KdTree(new Float32Array(0)).knn(0, 0, 0, 3, idx, d2)).toBe(0);
  });

  it("copes with many coincident points", () => {
    const points = new Float32Array(3 * 200).fill(0.5);
    points.set([2, 2, 2], 0);
    const idx = new Uint32Array(10), d2 = new Float64Array(10);
    const tree = new KdTree(points, 4);
    expect(tree.knn(0.5, 0.5, 0.5, 10, idx, d2)).toBe(10);
    expect(Array.from(d2)).toEqual(new Array(10).fill(0));
    expect(tree.knn(2, 2, 2, 2, idx, d2)).toBe(2);
    expect(idx[0]).toBe(0);
    expect(d2[1]).toBeCloseTo(3 * 1.5 ** 2, 10);
  });

  it("refuses non-finite points and small output arrays, and leaves its input alone", () => {
    expect(() => new KdTree(new Float32Array([0, 0, Infinity]))).toThrow(/finite/);
    expect(() => new KdTree(new Float32Array(3), 0)).toThrow(RangeError);
    const points = randomCloud(50, 2);
    const copy = points.slice();
    const tree = new KdTree(points);
    expect(points).toEqual(copy);
    expect(() => tree.knn(0, 0, 0, 4, new Uint32Array(2), new Float64Array(4))).toThrow(RangeError);
  });
});

describe("meanNeighbourDistances", () => {
  it("is the mean distance to the k nearest points, the point itself included", () => {
    const points = randomCloud(400, 3);
    for (const k of [1, 2, 20, 500]) {
      const got = meanNeighbourDistances(points, k);
      for (let i = 0; i < 400; i++) {
        const nearest = bruteForce(points, points[3 * i], points[3 * i + 1], points[3 * i + 2]).slice(0, k);
        expect(nearest[0]).toBe(0);
        // Ascending summation, as Open3D does: equal to the last bit.
        expect(got[i]).toBe(nearest.reduce((s, d) => s + Math.sqrt(d), 0) / nearest.length);
      }
    }
  });

  it("refuses k < 1", () => {
    expect(() => meanNeighbourDistances(new Float32Array(3), 0)).toThrow(RangeError);
  });
});
