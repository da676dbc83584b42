import { describe, expect, it } from "vitest";
import { pointSolidDistance, solidDistance, type UprightSolid } from "./solid-distance.js";
import type { Vec3 } from "./types.js";

const box = (center: Vec3, w: number, l: number, h: number, yawRad = 0): UprightSolid => ({ shape: "box", box: { center, widthM: w, lengthM: l, heightM: h, yawRad } });
const cylinder = (center: Vec3, r: number, h: number): UprightSolid => ({ shape: "cylinder", box: { center, widthM: 2 * r, lengthM: 2 * r, heightM: h, yawRad: 0 } });
const sphere = (center: Vec3, r: number): UprightSolid => ({ shape: "sphere", box: { center, widthM: 2 * r, lengthM: 2 * r, heightM: 2 * r, yawRad: 0 } });

describe("solidDistance", () => {
  it("boxes: as uprightBoxDistance, horizontal and vertical parts combined", () => {
    expect(solidDistance(box([0, 0, 0.5], 1, 1, 1), box([3, 0, 0.5], 1, 1, 1))).toBeCloseTo(2, 12);
    expect(solidDistance(box([0, 0, 0.5], 1, 1, 1), box([3, 0, 3.5], 1, 1, 1))).toBeCloseTo(Math.hypot(2, 2), 12);
    expect(solidDistance(box([0, 0, 0.5], 1, 1, 1), box([0.9, 0, 0.5], 1, 1, 1))).toBe(0);
  });

  it("cylinders: centre distance minus radii, whatever their bounding squares' yaw", () => {
    // Along a diagonal the bounding squares would be √2·r off.
    const d = 2 / Math.SQRT2;
    expect(solidDistance(cylinder([0, 0, 0.5], 0.5, 1), cylinder([d + 1, d + 1, 0.5], 0.5, 1))).toBeCloseTo(Math.hypot(d + 1, d + 1) - 1, 12);
    expect(solidDistance(cylinder([0, 0, 0.5], 0.5, 1), cylinder([0.9, 0, 0.5], 0.5, 1))).toBe(0);
  });

  it("cylinder to box: disc centre to rectangle minus radius, rotation respected", () => {
    expect(solidDistance(cylinder([3, 0, 0.5], 0.5, 1), box([0, 0, 0.5], 2, 1, 1))).toBeCloseTo(1.5, 12);
    // The same box turned 90°: its 1 m side now faces the cylinder.
    expect(solidDistance(box([0, 0, 0.5], 2, 1, 1, Math.PI / 2), cylinder([3, 0, 0.5], 0.5, 1))).toBeCloseTo(2, 12);
    // Diagonal from a corner.
    expect(solidDistance(cylinder([2, 2, 0.5], 0.5, 1), box([0, 0, 0.5], 2, 2, 1))).toBeCloseTo(Math.SQRT2 - 0.5, 12);
  });

  it("spheres: centre to the other solid minus radius", () => {
    expect(solidDistance(sphere([0, 0, 1], 0.5), sphere([3, 4, 1], 0.5))).toBeCloseTo(4, 12);
    expect(solidDistance(sphere([0, 0, 3], 0.5), box([0, 0, 0.5], 1, 1, 1))).toBeCloseTo(1.5, 12);
    expect(solidDistance(box([0, 0, 0.5], 1, 1, 1), sphere([1.5, 1.5, 2], 0.5))).toBeCloseTo(Math.hypot(1, 1, 1) - 0.5, 12);
    expect(solidDistance(sphere([0, 0, 0.4], 0.4), cylinder([0.5, 0, 0.5], 0.2, 1))).toBe(0);
  });

  it("is symmetric and never negative", () => {
    const solids = [box([0, 0, 0.5], 1, 0.4, 1, 0.3), cylinder([1, 2, 0.3], 0.2, 0.6), sphere([-1, 1, 0.25], 0.25)];
    for (const a of solids) for (const b of solids) {
      expect(solidDistance(a, b)).toBeCloseTo(solidDistance(b, a), 12);
      expect(solidDistance(a, b)).toBeGreaterThanOrEqual(0);
    }
    expect(pointSolidDistance([0, 0, 0.5], solids[0])).toBe(0);
  });
});
