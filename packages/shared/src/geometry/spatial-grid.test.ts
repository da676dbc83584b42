import { describe, expect, it } from "vitest";
import { createRng } from "./random.js";
import { SpatialGrid, assignCells, minBound, pointBounds } from "./spatial-grid.js";

function randomCloud(n: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * 3 }, () => rng() * scale);
}

describe("SpatialGrid", () => {
  it("puts every point in exactly one cell, the one its coordinates say, in CSR order", () => {
    const points = randomCloud(500, 1);
    const grid = new SpatialGrid(points, 0.1);
    const [ox, oy, oz] = grid.origin;
    expect(grid.origin).toEqual(minBound(points));
    expect(pointBounds(new Float32Array([1, -2, 3, -1, 5, 0]))).toEqual({ min: [-1, -2, 0], max: [1, 5, 3] });
    expect(grid.cellStart[grid.cellTotal]).toBe(500);
    expect(Array.from(grid.sortedIndex).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    for (let c = 0; c < grid.cellTotal; c++) {
      expect(grid.cellCount[c]).toBe(grid.cellStart[c + 1] - grid.cellStart[c]);
      for (let k = grid.cellStart[c]; k < grid.cellStart[c + 1]; k++) {
        const i = grid.sortedIndex[k];
        if (k > grid.cellStart[c]) expect(i).toBeGreaterThan(grid.sortedIndex[k - 1]);
        expect(grid.pointCell[i]).toBe(c);
        expect(Array.from(grid.sortedPoints.subarray(3 * k, 3 * k + 3))).toEqual(Array.from(points.subarray(3 * i, 3 * i + 3)));
        expect(Math.floor((points[3 * i] - ox) / 0.1)).toBe(grid.cellX[c]);
        expect(Math.floor((points[3 * i + 1] - oy) / 0.1)).toBe(grid.cellY[c]);
        expect(Math.floor((points[3 * i + 2] - oz) / 0.1)).toBe(grid.cellZ[c]);
      }
      expect(grid.findCell(grid.cellX[c], grid.cellY[c], grid.cellZ[c])).toBe(c);
    }
    expect(grid.findCell(-5, 0, 0)).toBe(-1);
    expect(grid.cellOf(points[0], points[1], points[2])).toBe(grid.pointCell[0]);
  });

  it("lists, for each cell, the occupied cells among its 27 neighbours (itself included)", () => {
    const points = randomCloud(400, 2);
    const grid = new SpatialGrid(points, 0.15);
    const { start, cells } = grid.neighbourCells();
    expect(grid.neighbourCells().cells).toBe(cells); // cached
    let wrong = 0;
    for (let c = 0; c < grid.cellTotal; c++) {
      const listed = new Set(cells.subarray(start[c], start[c + 1]));
      expect(listed.has(c)).toBe(true);
      for (let d = 0; d < grid.cellTotal; d++) {
        const near = Math.abs(grid.cellX[c] - grid.cellX[d]) <= 1 && Math.abs(grid.cellY[c] - grid.cellY[d]) <= 1 && Math.abs(grid.cellZ[c] - grid.cellZ[d]) <= 1;
        if (listed.has(d) !== near) wrong++;
      }
    }
    expect(wrong).toBe(0);
    // So every pair of points closer than a cell size is found through the list.
    const lists = Array.from({ length: grid.cellTotal }, (_, c) => new Set(cells.subarray(start[c], start[c + 1])));
    let missed = 0;
    for (let i = 0; i < 400; i++) {
      for (let j = 0; j < 400; j++) {
        const d = Math.hypot(points[3 * i] - points[3 * j], points[3 * i + 1] - points[3 * j + 1], points[3 * i + 2] - points[3 * j + 2]);
        if (d < 0.15 && !lists[grid.pointCell[i]].has(grid.pointCell[j])) missed++;
      }
    }
    expect(missed).toBe(0);
  });

  it("takes an explicit origin, and negative cell coordinates are fine", () => {
    const points = new Float32Array([0, 0, 0, 0.125, 0, 0, -0.75, 0, 0]);
    const grid = new SpatialGrid(points, 0.5, [-0.25, 0, 0]);
    expect(grid.cellTotal).toBe(2);
    expect(grid.pointCell[0]).toBe(grid.pointCell[1]);
    expect(grid.cellX[grid.pointCell[2]]).toBe(-1);
  });

  it("handles an empty cloud and refuses bad input", () => {
    const empty = new SpatialGrid(new Float32Array(0), 1);
    expect(empty.cellTotal).toBe(0);
    expect(empty.neighbourCells().start.length).toBe(1);
    expect(() => new SpatialGrid(new Float32Array(3), 0)).toThrow(RangeError);
    expect(() => new SpatialGrid(new Float32Array(3), NaN)).toThrow(RangeError);
    expect(() => new SpatialGrid(new Float32Array([0, NaN, 0]), 1)).toThrow(/finite/);
    expect(() => new SpatialGrid(new Float32Array([0, 0, 0, 1e6, 0, 0]), 1e-6)).toThrow(/too small/);
    expect(() => assignCells(new Float32Array(4), 1, [0, 0, 0])).toThrow(/triples/);
  });

  it("does not modify its input", () => {
    const points = randomCloud(100, 3);
    const copy = points.slice();
    new SpatialGrid(points, 0.2).neighbourCells();
    expect(points).toEqual(copy);
  });
});
