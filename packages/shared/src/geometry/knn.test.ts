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

  it("answers for a cloud of one repeated point", () => {
    const points = new Float32Array(3 * 30);
    for (let i = 0; i < 30; i++) points.set([1, 2, 3], 3 * i);
    const tree = new KdTree(points, 4);
    const idx = new Uint32Array(5), d2 = new Float64Array(5);
    expect(tree.knn(0, 0, 0, 5, idx, d2)).toBe(5);
    expect(Array.from(d2)).toEqual(new Array(5).fill(14));
    expect(Array.from(tree.treePoints)).toEqual(Array.from(points));
    expect(Array.from(meanNeighbourDistances(new Float32Array([1, 2, 3]), 3))).toEqual([0]);
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

describe("KdTree structure", () => {
  it("stays exact and keeps leaves small for a dense cluster beside a far outlier", () => {
    // 1 km away, the outlier stretches the Morton grid so the whole cluster falls in one cell: the
    // tree must re-key that range over its own box instead of leaving one 500-point leaf.
    const rng = createRng(5);
    const points = new Float32Array(3 * 501);
    for (let i = 0; i < 500; i++) for (let a = 0; a < 3; a++) points[3 * i + a] = rng() * 0.01;
    points.set([1000, 1000, 1000], 3 * 500);
    const tree = new KdTree(points, 8);
    expect(tree.largestLeaf()).toBeLessThanOrEqual(8);
    const idx = new Uint32Array(12), d2 = new Float64Array(12);
    for (const i of [0, 17, 250, 499, 500]) {
      const [x, y, z] = [points[3 * i], points[3 * i + 1], points[3 * i + 2]];
      expect(tree.knn(x, y, z, 12, idx, d2)).toBe(12);
      expect(Array.from(d2)).toEqual(bruteForce(points, x, y, z).slice(0, 12));
    }
  });

  it("stays exact on a lopsided chain deeper than the depth cap (and more nodes than first guessed)", () => {
    // x = 2^-i: every cut splits off one point, so the tree is a chain of one-point leaves until the
    // depth cap turns the rest into one leaf.
    const n = 100;
    const points = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) points.set([2 ** -i, 0, 0], 3 * i);
    const tree = new KdTree(points, 4);
    expect(tree.largestLeaf()).toBeGreaterThan(4);
    const idx = new Uint32Array(7), d2 = new Float64Array(7);
    for (let i = 0; i < n; i += 3) {
      const [x, y, z] = [points[3 * i], points[3 * i + 1], points[3 * i + 2]];
      tree.knn(x, y, z, 7, idx, d2);
      expect(Array.from(d2)).toEqual(bruteForce(points, x, y, z).slice(0, 7));
    }
    const means = meanNeighbourDistances(points, 5);
    for (let i = 0; i < n; i++) {
      const nearest = bruteForce(points, points[3 * i], 0, 0).slice(0, 5);
      expect(means[i]).toBe(nearest.reduce((s, d) => s + Math.sqrt(d), 0) / 5);
    }
  });

  it("keeps every point once, in tree order, with leaves no larger than asked", () => {
    const points = randomCloud(2000, 6);
    const tree = new KdTree(points, 10);
    expect(tree.largestLeaf()).toBeLessThanOrEqual(10);
    expect(Array.from(tree.order).sort((a, b) => a - b)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    for (let t = 0; t < 2000; t++) {
      for (let a = 0; a < 3; a++) expect(tree.treePoints[3 * t + a]).toBe(points[3 * tree.order[t] + a]);
    }
  });
});

describe("KdTree.searchTreeSeeded", () => {
  it("ends with the same k distances as an unseeded search, whatever the seeds", () => {
    const points = randomCloud(800, 7);
    const tree = new KdTree(points, 12);
    const rng = createRng(8);
    const k = 9;
    const marks = new Int32Array(800).fill(-1);
    const idx = new Uint32Array(k), d2 = new Float64Array(k), refIdx = new Uint32Array(k), refD2 = new Float64Array(k);
    const p = tree.treePoints;
    for (let q = 0; q < 50; q++) {
      const [x, y, z] = [rng() * 2 - 0.5, rng() * 2 - 0.5, rng() * 2 - 0.5];
      // Seeds: k distinct random tree positions, sorted by distance, marked with this query's id.
      const seeds = new Set<number>();
      while (seeds.size < k) seeds.add(Math.floor(rng() * 800));
      const sorted = [...seeds].map((t) => ({ t, d: (x - p[3 * t]) ** 2 + (y - p[3 * t + 1]) ** 2 + (z - p[3 * t + 2]) ** 2 })).sort((a, b) => a.d - b.d);
      sorted.forEach((s, j) => {
        idx[j] = s.t;
        d2[j] = s.d;
        marks[s.t] = q;
      });
      expect(tree.searchTreeSeeded(x, y, z, k, idx, d2, marks, q)).toBe(k);
      tree.searchTree(x, y, z, k, refIdx, refD2);
      expect(Array.from(d2)).toEqual(Array.from(refD2));
      expect(new Set(idx).size).toBe(k);
      for (let j = 0; j < k; j++) expect((x - p[3 * idx[j]]) ** 2 + (y - p[3 * idx[j] + 1]) ** 2 + (z - p[3 * idx[j] + 2]) ** 2).toBe(d2[j]);
    }
  });

  it("refuses k outside 1..pointCount and short arrays", () => {
    const tree = new KdTree(randomCloud(10, 9));
    const marks = new Int32Array(10);
    expect(() => tree.searchTreeSeeded(0, 0, 0, 0, new Uint32Array(1), new Float64Array(1), marks, 0)).toThrow(RangeError);
    expect(() => tree.searchTreeSeeded(0, 0, 0, 11, new Uint32Array(11), new Float64Array(11), marks, 0)).toThrow(RangeError);
    expect(() => tree.searchTreeSeeded(0, 0, 0, 3, new Uint32Array(3), new Float64Array(3), new Int32Array(5), 0)).toThrow(RangeError);
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

  it("is exact on clouds with coincident points and a far outlier", () => {
    const rng = createRng(10);
    const points = new Float32Array(3 * 300);
    for (let i = 0; i < 299; i++) {
      // Every third point repeats the one before it.
      const src = i % 3 === 2 ? i - 1 : i;
      for (let a = 0; a < 3; a++) points[3 * i + a] = src === i ? rng() * 0.02 : points[3 * src + a];
    }
    points.set([500, -500, 500], 3 * 299);
    for (const k of [1, 3, 20]) {
      const got = meanNeighbourDistances(points, k);
      for (let i = 0; i < 300; i++) {
        const nearest = bruteForce(points, points[3 * i], points[3 * i + 1], points[3 * i + 2]).slice(0, k);
        expect(got[i]).toBe(nearest.reduce((s, d) => s + Math.sqrt(d), 0) / nearest.length);
      }
    }
  });

  it("refuses k < 1", () => {
    expect(() => meanNeighbourDistances(new Float32Array(3), 0)).toThrow(RangeError);
  });
});
