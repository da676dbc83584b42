import { renderScene, type CameraSpec } from "@spatial/shared/testing";
import { describe, expect, it } from "vitest";
import { DEFAULT_CAMERA, fitGroundCamera, floorDepthAtRow, floorMisfit, forwardDistance, horizonRow, rowOf, type FloorObservation } from "./ground-plane.js";

const deg = Math.PI / 180;
const k = { fx: 500, fy: 500, cx: 319.5, cy: 239.5 };

/** The box rows an object H tall and L deep, `forwardM` ahead, would have under `cam`. */
function observe(cam: { heightM: number; pitchRad: number }, forwardM: number, heightM: number, depthExtentM: number, sigma = 0.1): FloorObservation {
  const top = Math.min(rowOf(forwardM, heightM, k, cam), rowOf(forwardM + depthExtentM, heightM, k, cam));
  return { topRow: top, bottomRow: rowOf(forwardM, 0, k, cam), heightM, depthExtentM, sigma };
}

describe("floor geometry", () => {
  it("gives the renderer's exact floor depth on every floor row, and nothing above the horizon", () => {
    const camera: CameraSpec = { position: [0, 0, 1.3], yawRad: 0.4, pitchRad: 20 * deg, focalPx: 500, width: 640, height: 480 };
    const r = renderScene({ camera, objects: [] }, { maxDepthM: 1000 });
    const cam = { heightM: 1.3, pitchRad: 20 * deg };
    for (const v of [479, 400, 300, 200, 100, 70]) {
      for (const u of [0, 320, 639]) expect(floorDepthAtRow(v, r.intrinsics, cam)).toBeCloseTo(r.depthM[v * 640 + u], 3);
    }
    const horizon = horizonRow(r.intrinsics, cam);
    expect(horizon).toBeCloseTo(239.5 - 500 * Math.tan(20 * deg), 9);
    expect(floorDepthAtRow(Math.floor(horizon), r.intrinsics, cam)).toBe(Infinity);
  });

  it("maps rows to floor distances and back", () => {
    const cam = { heightM: 1.6, pitchRad: 12 * deg };
    for (const forwardM of [0.8, 2, 5, 20]) {
      const row = rowOf(forwardM, 0, k, cam);
      expect(forwardDistance(row, floorDepthAtRow(row, k, cam), k, cam)).toBeCloseTo(forwardM, 9);
    }
    expect(Number.isNaN(rowOf(-1, 0, k, { heightM: 1.6, pitchRad: 0 }))).toBe(true);
  });
});

describe("fitGroundCamera", () => {
  it("recovers height and pitch from objects of known size", () => {
    const truth = { heightM: 1.35, pitchRad: 18 * deg };
    const objects = [observe(truth, 2, 0.9, 0.5), observe(truth, 3.5, 0.75, 0.9), observe(truth, 5, 1.7, 0.3)];
    for (const o of objects) expect(floorMisfit(o, k, truth)).toBeCloseTo(0, 9);
    const fit = fitGroundCamera(objects, k);
    expect(fit.heightM).toBeCloseTo(1.35, 1);
    expect(Math.abs(fit.heightM - 1.35)).toBeLessThan(0.03);
    expect(Math.abs(fit.pitchRad - truth.pitchRad)).toBeLessThan(0.5 * deg);
    expect(fit.inliers).toEqual([0, 1, 2]);
  });

  it("ignores one object that does not fit (a sitting person, a wrong label)", () => {
    const truth = { heightM: 1.6, pitchRad: 5 * deg };
    const good = [observe(truth, 2.5, 0.9, 0.5), observe(truth, 4, 0.75, 0.9), observe(truth, 6, 1.5, 2.5), observe(truth, 3, 1.7, 0.3)];
    const wrong = { ...observe(truth, 3, 0.45, 0.5), heightM: 1.7 }; // 0.45 m tall, labelled as a 1.7 m person
    const fit = fitGroundCamera([...good, wrong], k);
    expect(Math.abs(fit.heightM - 1.6)).toBeLessThan(0.05);
    expect(Math.abs(fit.pitchRad - truth.pitchRad)).toBeLessThan(1 * deg);
    expect(fit.inliers).toEqual([0, 1, 2, 3]);
  });

  it("falls back to a level camera 1.5 m up with no objects", () => {
    expect(fitGroundCamera([], k)).toEqual({ ...DEFAULT_CAMERA, inliers: [] });
    expect(DEFAULT_CAMERA).toEqual({ heightM: 1.5, pitchRad: 0 });
  });
});
