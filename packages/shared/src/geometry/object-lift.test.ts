import { describe, expect, it } from "vitest";
import { liftObject, type LiftContext } from "./object-lift.js";
import { worldFromSupportPlane } from "./gravity.js";
import type { Intrinsics, Plane } from "./types.js";

// A level camera 1.6 m above a road (camera frame: y down). Sparse "lidar" returns are given as
// camera-frame points with the pixel each projects to.
const K: Intrinsics = { fx: 700, fy: 700, cx: 600, cy: 180 };
const W = 1200, H = 360;
const road: Plane = { normal: [0, -1, 0], offset: 1.6 };
const ctx: LiftContext = { intrinsics: K, imageWidth: W, imageHeight: H, worldFromCam: worldFromSupportPlane(road), supportPlaneCam: road, depthMeasured: true };
const CAR = { widthM: 1.8, lengthM: 4.3, heightM: 1.55, restsOnGround: true };

function cloud(points: [number, number, number][]): { pointsCam: Float32Array; pixelIndex: Uint32Array } {
  const pointsCam = new Float32Array(points.flat());
  const pixelIndex = Uint32Array.from(points, ([x, y, z]) => {
    const u = Math.min(W - 1, Math.max(0, Math.round(K.cx + (K.fx * x) / z))), v = Math.min(H - 1, Math.max(0, Math.round(K.cy + (K.fy * y) / z)));
    return v * W + u;
  });
  return { pointsCam, pixelIndex };
}
const boxOf = (points: [number, number, number][]): [number, number, number, number] => {
  const us = points.map(([x, , z]) => K.cx + (K.fx * x) / z), vs = points.map(([, y, z]) => K.cy + (K.fy * y) / z);
  return [Math.min(...us) - 2, Math.min(...vs) - 2, Math.max(...us) + 2, Math.max(...vs) + 2];
};

describe("liftObject", () => {
  // The rear of a car 20 m ahead: lidar rows every 10 cm from 0.3 to 1.2 m up (the glass above returns nothing).
  const rear: [number, number, number][] = [];
  for (let h = 0.3; h <= 1.2; h += 0.1) for (let x = -0.85; x <= 0.85; x += 0.05) rear.push([x, 1.6 - h, 20 + 0.02 * Math.abs(x)]);
  const box = boxOf([...rear, [0, 1.6 - 1.5, 20], [0, 1.6, 20]]); // the 2D box spans roof to wheels
  // What the box also holds: a building 12 m behind, the road in front of and under the car.
  const building: [number, number, number][] = [];
  for (let h = 1.4; h <= 1.55; h += 0.05) for (let x = -0.8; x <= 0.8; x += 0.1) building.push([x * 1.6, (1.6 - h) * 1.6, 32]);
  const roadPts: [number, number, number][] = [[-0.5, 1.6, 19.5], [0, 1.6, 19.6], [0.5, 1.6, 19.4], [0.2, 1.59, 19.8]];

  it("keeps the car's first surface, completes its length behind it and reaches the road", () => {
    const { pointsCam, pixelIndex } = cloud([...rear, ...building, ...roadPts]);
    const lifted = liftObject(pointsCam, pixelIndex, { label: "car", box2d: box, prior: CAR }, ctx);
    if (!lifted.located) throw new Error(lifted.reason);
    expect(lifted.extentSource).toEqual({ width: "measured", length: "completed_from_priors", height: "ground_contact" });
    expect(lifted.box.lengthM).toBeCloseTo(4.3, 5);
    expect(lifted.box.center[2] - lifted.box.heightM / 2).toBeCloseTo(0, 5);
    expect(lifted.box.heightM).toBeGreaterThan(1.4); // the box top, not the last lidar row
    expect(lifted.visibleBox!.lengthM).toBeLessThan(0.2); // no building in it
    expect(lifted.centerCam[2]).toBeCloseTo(20 + 4.3 / 2, 0);
  });

  it("without a class size: the visible extent as measured, still without the building", () => {
    const { pointsCam, pixelIndex } = cloud([...rear, ...building]);
    const lifted = liftObject(pointsCam, pixelIndex, { label: "thing", box2d: box }, ctx);
    if (!lifted.located) throw new Error(lifted.reason);
    expect(lifted.extentSource).toBeUndefined();
    expect(Math.min(lifted.box.widthM, lifted.box.lengthM)).toBeLessThan(0.2);
  });

  it("a handful of returns on a far car: the class's box at their median depth", () => {
    const few: [number, number, number][] = [[-0.4, 0.9, 38], [0, 0.9, 38.1], [0.4, 0.8, 38], [0.2, 1.0, 37.9], [-0.2, 0.7, 38]];
    const { pointsCam, pixelIndex } = cloud(few);
    const lifted = liftObject(pointsCam, pixelIndex, { label: "car", box2d: [583, 168, 622, 211], prior: CAR }, ctx);
    if (!lifted.located) throw new Error(lifted.reason);
    expect(lifted.pointCount).toBe(5);
    expect(lifted.extentSource).toEqual({ width: "completed_from_priors", length: "completed_from_priors", height: "completed_from_priors" });
    expect(lifted.centerCam[2]).toBeGreaterThan(38);
    expect(lifted.centerCam[2]).toBeLessThan(38 + 4.3);
    expect(lifted.box.center[2] - lifted.box.heightM / 2).toBeCloseTo(0, 5);
  });

  it("says why when there is nothing to place the object by, and never returns zeros", () => {
    const none = liftObject(new Float32Array(0), new Uint32Array(0), { label: "car", box2d: [0, 0, 10, 10], prior: CAR }, ctx);
    expect(none).toEqual({ located: false, reason: "no depth readings inside its box" });
    const two = cloud([[0, 0.9, 38], [0.1, 0.9, 38]]);
    expect(liftObject(two.pointsCam, two.pixelIndex, { label: "car", box2d: [583, 168, 622, 211], prior: CAR }, ctx)).toEqual({ located: false, reason: "only 2 depth readings on the object" });
    const few = cloud([[0, 0.9, 38], [0.1, 0.9, 38], [0.2, 0.8, 38], [0.3, 0.8, 38]]);
    const unknown = liftObject(few.pointsCam, few.pixelIndex, { label: "gizmo", box2d: [583, 168, 622, 211] }, ctx);
    expect(unknown).toEqual({ located: false, reason: 'only 4 depth readings on the object and no typical size known for "gizmo" to complete it' });
  });
});
