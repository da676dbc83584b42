import { describe, expect, it } from "vitest";
import { createRng } from "./random.js";
import { voxelDownsample } from "./voxel-downsample.js";

function sortedTriples(points: Float32Array): number[][] {
  const out: number[][] = [];
  for (let o = 0; o < points.length; o += 3) out.push([points[o], points[o + 1], points[o + 2]]);
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
}

describe("voxelDownsample", () => {
  it("averages the points of each voxel, voxels anchored half a voxel below the minimum (Open3D)", () => {
    // min = 0, so voxel i covers [-0.5 + i, 0.5 + i): {0, 0.25} share voxel 0, {1} is alone in voxel 1.
    const out = voxelDownsample(new Float32Array([0, 0, 0, 0.25, 0, 0, 1, 0, 0]), 1);
    expect(Array.from(out)).toEqual([0.125, 0, 0, 1, 0, 0]);
    // Without Open3D's half-voxel shift 0 and 0.6 would share a voxel; with it they do not.
    expect(voxelDownsample(new Float32Array([0, 0, 0, 0.6, 0, 0]), 1).length).toBe(6);
  });

  it("gives 6³ voxels for a 10³ lattice at spacing 0.25 with 0.5 voxels (hand count)", () => {
    // x ∈ {0, 0.25, …, 2.25}: floor((x + 0.25) / 0.5) = 0, 1, 1, 2, 2, 3, 3, 4, 4, 5.
    const points: number[] = [];
    for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) for (let k = 0; k < 10; k++) points.push(i * 0.25, j * 0.25, k * 0.25);
    const out = voxelDownsample(Float32Array.from(points), 0.5);
    expect(out.length / 3).toBe(216);
    const means = [0, 0.375, 0.875, 1.375, 1.875, 2.25];
    const expected: number[][] = [];
    for (const x of means) for (const y of means) for (const z of means) expected.push([x, y, z]);
    expect(sortedTriples(out)).toEqual(expected);
  });

  it("keeps one point per occupied voxel, each inside its voxel", () => {
    const rng = createRng(5);
    const points = Float32Array.from({ length: 3000 }, () => rng() * 2 - 1);
    const voxel = 0.3;
    const out = voxelDownsample(points, voxel);
    const min = [0, 1, 2].map((a) => Math.min(...Array.from({ length: 1000 }, (_, i) => points[3 * i + a])) - voxel / 2);
    const key = (p: ArrayLike<number>, o: number) => [0, 1, 2].map((a) => Math.floor((p[o + a] - min[a]) / voxel)).join(",");
    const occupied = new Set(Array.from({ length: 1000 }, (_, i) => key(points, 3 * i)));
    expect(out.length / 3).toBe(occupied.size);
    expect(new Set(Array.from({ length: out.length / 3 }, (_, i) => key(out, 3 * i)))).toEqual(occupied);
  });

  it("returns an empty cloud for an empty cloud and leaves its input alone", () => {
    expect(voxelDownsample(new Float32Array(0), 0.1).length).toBe(0);
    const points = new Float32Array([0.3, 0.1, 0.2, 0.31, 0.12, 0.2]);
    const copy = points.slice();
    voxelDownsample(points, 0.05);
    expect(points).toEqual(copy);
  });

  it("refuses a voxel size that is not positive and finite", () => {
    for (const v of [0, -0.1, NaN, Infinity]) expect(() => voxelDownsample(new Float32Array(3), v)).toThrow(RangeError);
  });
});
