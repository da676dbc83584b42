import { describe, expect, it } from "vitest";
import { dbscan } from "./dbscan.js";
import { createRng } from "./random.js";

/** Open3D 0.16's cluster_dbscan, transcribed literally with brute-force neighbourhoods (tests only). */
function reference(points: Float32Array, eps: number, minPoints: number): { labels: number[]; core: boolean[]; nbs: number[][] } {
  const n = points.length / 3;
  const nbs = Array.from({ length: n }, (_, i) => {
    const out: number[] = [];
    for (let j = 0; j < n; j++) {
      const d2 = (points[3 * i] - points[3 * j]) ** 2 + (points[3 * i + 1] - points[3 * j + 1]) ** 2 + (points[3 * i + 2] - points[3 * j + 2]) ** 2;
      if (d2 < eps * eps) out.push(j);
    }
    return out;
  });
  const labels = new Array(n).fill(-2);
  let cluster = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== -2) continue;
    if (nbs[i].length < minPoints) {
      labels[i] = -1;
      continue;
    }
    const next = new Set(nbs[i]);
    labels[i] = cluster;
    while (next.size > 0) {
      const nb: number = next.values().next().value!;
      next.delete(nb);
      if (labels[nb] === -1) labels[nb] = cluster;
      if (labels[nb] !== -2) continue;
      labels[nb] = cluster;
      if (nbs[nb].length >= minPoints) for (const q of nbs[nb]) if (labels[q] < 0) next.add(q);
    }
    cluster++;
  }
  return { labels, core: nbs.map((nb) => nb.length >= minPoints), nbs };
}

function blobs(seed: number): Float32Array {
  const rng = createRng(seed);
  const values: number[] = [];
  for (let i = 0; i < 200; i++) values.push(rng() * 0.3, rng() * 0.3, rng() * 0.3); // blob A
  for (let i = 0; i < 150; i++) values.push(2 + rng() * 0.3, rng() * 0.3, 1 + rng() * 0.3); // blob B
  for (let i = 0; i < 10; i++) values.push(-3 + i, 4, -2); // isolated, 1 m apart
  return Float32Array.from(values);
}

describe("dbscan", () => {
  it("finds two separated blobs and labels isolated points -1", () => {
    const { labels, clusterCount } = dbscan(blobs(1), 0.1, 5);
    expect(clusterCount).toBe(2);
    expect(new Set(labels.subarray(0, 200))).toEqual(new Set([0]));
    expect(new Set(labels.subarray(200, 350))).toEqual(new Set([1]));
    expect(Array.from(labels.subarray(350))).toEqual(new Array(10).fill(-1));
  });

  it("agrees with Open3D's algorithm (brute-force transcription) on clumpy random clouds", () => {
    for (const seed of [2, 3, 4]) {
      const rng = createRng(seed);
      const points = Float32Array.from({ length: 3 * 700 }, (_, i) => (i % 3 === 0 ? Math.floor(rng() * 5) * 0.4 : 0) + rng() * 0.5);
      for (const [eps, minPoints] of [[0.05, 4], [0.08, 10], [0.03, 1], [0.1, 0]] as const) {
        const ref = reference(points, eps, minPoints);
        const { labels, clusterCount } = dbscan(points, eps, minPoints);
        expect(clusterCount).toBe(Math.max(-1, ...ref.labels) + 1);
        for (let i = 0; i < ref.labels.length; i++) {
          if (ref.core[i] || ref.labels[i] === -1) {
            // Core points and noise are fixed by the definition (and clusters numbered alike).
            expect(labels[i]).toBe(ref.labels[i]);
          } else {
            // A border point belongs to one of the clusters whose core points reach it.
            const reachable = ref.nbs[i].filter((j) => ref.core[j]).map((j) => ref.labels[j]);
            expect(reachable).toContain(labels[i]);
          }
        }
      }
    }
  });

  it("uses a strict eps, like Open3D: points exactly eps apart are not neighbours", () => {
    const points = new Float32Array([0, 0, 0, 0.5, 0, 0, 5, 0, 0]);
    expect(Array.from(dbscan(points, 0.5, 2).labels)).toEqual([-1, -1, -1]);
    expect(Array.from(dbscan(points, 0.5000001, 2).labels)).toEqual([0, 0, -1]);
  });

  it("counts the point itself and attaches border points to the cluster", () => {
    // A chain 0.1 apart: with eps 0.15 the ends have 2 neighbours (themselves included), inner points 3.
    const points = Float32Array.from({ length: 15 }, (_, i) => (i % 3 === 0 ? (i / 3) * 0.1 : 0));
    const { labels, clusterCount } = dbscan(points, 0.15, 3);
    expect(clusterCount).toBe(1);
    expect(Array.from(labels)).toEqual([0, 0, 0, 0, 0]);
    expect(dbscan(points, 0.15, 4).clusterCount).toBe(0);
    // minPoints 1: every point is core, so each connected group is a cluster.
    expect(dbscan(new Float32Array([0, 0, 0, 9, 9, 9]), 0.1, 1).clusterCount).toBe(2);
  });

  it("handles an empty cloud, leaves its input alone and refuses bad parameters", () => {
    expect(dbscan(new Float32Array(0), 0.1, 3)).toEqual({ labels: new Int32Array(0), clusterCount: 0 });
    const points = blobs(5);
    const copy = points.slice();
    dbscan(points, 0.1, 5);
    expect(points).toEqual(copy);
    expect(() => dbscan(points, 0, 5)).toThrow(RangeError);
    expect(() => dbscan(points, Infinity, 5)).toThrow(RangeError);
    expect(() => dbscan(points, 0.1, -1)).toThrow(RangeError);
    expect(() => dbscan(points, 0.1, 1.5)).toThrow(RangeError);
  });
});
