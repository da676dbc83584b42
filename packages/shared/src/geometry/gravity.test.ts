import { describe, expect, it } from "vitest";
import { alignToGravity, CAMERA_LEVEL_FRAME, worldFromSupportPlane } from "./gravity.js";
import { applyToDirection, applyToPoint } from "./rigid.js";
import { createRng } from "./random.js";
import type { Vec3 } from "./types.js";

const DEG = Math.PI / 180;

/**
 * Camera-frame samples of a scene seen by a camera `heightM` above a floor, pitched down by
 * `pitchDeg`: a floor patch, plus optionally a wall facing the camera `wallDistM` ahead.
 */
function pitchedScene(opts: { heightM: number; pitchDeg: number; floorPoints: number; wallPoints?: number; wallDistM?: number; seed?: number }): Float32Array {
  const rng = createRng(opts.seed ?? 7);
  const p = opts.pitchDeg * DEG;
  // World (x right, y forward, z up, origin on the floor below the camera) → camera (x right, y down, z forward).
  const toCam = (w: Vec3): Vec3 => {
    const rel: Vec3 = [w[0], w[1], w[2] - opts.heightM];
    const forward: Vec3 = [0, Math.cos(p), -Math.sin(p)];
    const down: Vec3 = [0, -Math.sin(p), -Math.cos(p)];
    return [rel[0], rel[0] * 0 + rel[1] * down[1] + rel[2] * down[2], rel[1] * forward[1] + rel[2] * forward[2]];
  };
  const out: number[] = [];
  for (let i = 0; i < opts.floorPoints; i++) out.push(...toCam([(rng() - 0.5) * 4, 1 + rng() * 4, (rng() - 0.5) * 0.004]));
  for (let i = 0; i < (opts.wallPoints ?? 0); i++) out.push(...toCam([(rng() - 0.5) * 6, opts.wallDistM! + (rng() - 0.5) * 0.004, rng() * 3]));
  return new Float32Array(out);
}

describe("alignToGravity", () => {
  it.each([0, 20, 45])("finds the floor under a camera pitched %d° down and builds the DESIGN.md world frame", (pitchDeg) => {
    const cloud = pitchedScene({ heightM: 1.4, pitchDeg, floorPoints: 20000, wallPoints: 5000, wallDistM: 6 });
    const a = alignToGravity(cloud);
    expect(a.canonicalized).toBe(true);
    expect(a.upSource).toBe("support-plane");
    expect(a.cameraHeightM).toBeCloseTo(1.4, 2);
    // The camera sits at (0, 0, height) in the world; its optical axis points along +y, pitched down.
    const cam = applyToPoint(a.worldFromCam, [0, 0, 0]);
    expect(cam[0]).toBeCloseTo(0, 6);
    expect(cam[1]).toBeCloseTo(0, 6);
    expect(cam[2]).toBeCloseTo(1.4, 2);
    const axis = applyToDirection(a.worldFromCam, [0, 0, 1]);
    expect(axis[0]).toBeCloseTo(0, 3);
    expect(Math.atan2(-axis[2], axis[1]) / DEG).toBeCloseTo(pitchDeg, 0);
    // Camera x (image right) stays the world's right.
    expect(applyToDirection(a.worldFromCam, [1, 0, 0])[0]).toBeCloseTo(1, 3);
  });

  it("does not take a ceiling above the camera for the floor", () => {
    // A big horizontal plane 1 m above the camera and a smaller floor 1.5 m below it.
    const rng = createRng(3);
    const pts: number[] = [];
    for (let i = 0; i < 30000; i++) pts.push((rng() - 0.5) * 6, -1, 1 + rng() * 6);
    for (let i = 0; i < 8000; i++) pts.push((rng() - 0.5) * 3, 1.5, 1 + rng() * 3);
    const a = alignToGravity(new Float32Array(pts));
    expect(a.canonicalized).toBe(true);
    expect(a.cameraHeightM).toBeCloseTo(1.5, 2);
  });

  it("says not canonicalized — and produces no NaN — when a wall fills the view (regression)", () => {
    const cloud = pitchedScene({ heightM: 1.5, pitchDeg: 0, floorPoints: 100, wallPoints: 30000, wallDistM: 1.2 });
    const a = alignToGravity(cloud);
    expect(a.canonicalized).toBe(false);
    expect(a.upSource).toBe("camera");
    expect(a.reason).toMatch(/horizontal plane/);
    expect(a.worldFromCam).toEqual(CAMERA_LEVEL_FRAME);
    expect([...a.worldFromCam.rotation, ...a.worldFromCam.translation, a.cameraHeightM].every(Number.isFinite)).toBe(true);
  });

  it("says not canonicalized for too few points, including none", () => {
    expect(alignToGravity(new Float32Array(0)).canonicalized).toBe(false);
    expect(alignToGravity(new Float32Array(30).fill(1)).reason).toMatch(/too few points/);
  });
});

describe("worldFromSupportPlane", () => {
  it("falls back to the image's up direction when looking straight down", () => {
    // Camera looking straight down from 2 m: the floor normal (towards the camera) is -z in the camera frame.
    const t = worldFromSupportPlane({ normal: [0, 0, -1], offset: 2 });
    expect(applyToPoint(t, [0, 0, 2])).toEqual([0, 0, 0]);
    const forward = applyToDirection(t, [0, -1, 0]); // image up
    expect(forward[1]).toBeCloseTo(1, 9);
    expect(t.rotation.every(Number.isFinite)).toBe(true);
  });
});

describe("alignToGravity with several horizontal planes", () => {
  it("takes the floor, not a larger seat or table top above it", () => {
    // Camera 1.4 m up, level: a big table top 0.7 m below it and a smaller floor patch 1.4 m below.
    const rng = createRng(5);
    const pts: number[] = [];
    for (let i = 0; i < 30000; i++) pts.push((rng() - 0.5) * 3, 0.7, 1.5 + rng() * 2.5);
    for (let i = 0; i < 12000; i++) pts.push((rng() - 0.5) * 4, 1.4, 2 + rng() * 3);
    const a = alignToGravity(new Float32Array(pts));
    expect(a.canonicalized).toBe(true);
    expect(a.cameraHeightM).toBeCloseTo(1.4, 2);
  });

  it("uses a table top when it is the only qualifying plane (a tabletop scene)", () => {
    const rng = createRng(6);
    const pts: number[] = [];
    for (let i = 0; i < 30000; i++) pts.push((rng() - 0.5) * 1.5, 0.5, 0.6 + rng() * 1.0);
    for (let i = 0; i < 60; i++) pts.push((rng() - 0.5) * 4, 1.3, 2 + rng() * 3); // too little floor to qualify
    expect(alignToGravity(new Float32Array(pts)).cameraHeightM).toBeCloseTo(0.5, 2);
  });
});
