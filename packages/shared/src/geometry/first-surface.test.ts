import { describe, expect, it } from "vitest";
import { firstSurface } from "./first-surface.js";
import { createRng } from "./random.js";

const all = (n: number) => Array.from({ length: n }, () => true);

describe("firstSurface", () => {
  it("keeps a pedestrian at 8 m and leaves the street behind, seen between the legs, out", () => {
    const rng = createRng(3);
    const person = Array.from({ length: 300 }, () => 8.2 + 0.4 * rng());
    const street = Array.from({ length: 120 }, () => 11 + 15 * rng());
    const s = firstSurface([...person, ...street], all(420))!;
    expect(s.nearM).toBeLessThanOrEqual(Math.min(...person));
    expect(s.farM).toBeGreaterThanOrEqual(8.6);
    expect(s.farM).toBeLessThan(11);
    expect(s.count).toBe(300);
    expect(s.behindM).toBeGreaterThanOrEqual(11);
  });

  it("keeps a car's whole side (sparse lidar rows over 4 m of depth) in one surface", () => {
    // Rows every ~0.4 m along a side from 34 to 38.3 m: no gap of 4% of the depth.
    const car = Array.from({ length: 60 }, (_, i) => 34 + (i % 12) * 0.36);
    const building = Array.from({ length: 40 }, (_, i) => 46 + i * 0.05);
    const s = firstSurface([...car, ...building], all(100))!;
    expect(s.count).toBe(60);
    expect(s.farM).toBeLessThan(46);
  });

  it("prefers the surface holding the box's centre over a small occluder in front", () => {
    const pole = Array.from({ length: 30 }, () => 5);
    const car = Array.from({ length: 200 }, (_, i) => 9 + (i % 20) * 0.05);
    const central = [...pole.map(() => false), ...car.map(() => true)];
    const s = firstSurface([...pole, ...car], central)!;
    expect(s.nearM).toBeGreaterThan(8.9);
    expect(s.count).toBe(200);
  });

  it("cuts the surface at the largest plausible extent", () => {
    const ramp = Array.from({ length: 200 }, (_, i) => 2 + i * 0.02); // a continuous 4 m slope
    const s = firstSurface(ramp, all(200), { maxDepthExtentM: 1 })!;
    expect(s.farM - s.nearM).toBeCloseTo(1, 6);
  });

  it("is not fooled by a trace of flying pixels bridging object and wall", () => {
    const chair = Array.from({ length: 5000 }, (_, i) => 2 + (i % 100) * 0.004);
    const flying = Array.from({ length: 10 }, (_, i) => 2.45 + i * 0.05);
    const wall = Array.from({ length: 5000 }, () => 3.0);
    const s = firstSurface([...chair, ...flying, ...wall], all(10010))!;
    expect(s.farM).toBeLessThan(2.5);
  });

  it("returns null without depths and ignores non-positive ones", () => {
    expect(firstSurface([], [])).toBeNull();
    expect(firstSurface([0, -1, NaN], [true, true, true])).toBeNull();
    expect(firstSurface([0, 3, 3.01], all(3))!.count).toBe(2);
  });
});
