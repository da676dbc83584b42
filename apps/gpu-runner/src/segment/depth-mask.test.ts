import type { DepthImage, Intrinsics, Plane } from "@spatial/shared/geometry";
import { describe, expect, it } from "vitest";
import { boxPixelRange, type Box2d } from "../detect/detection.js";
import { fixtureDepth } from "../testing/fixtures.js";
import { maskFromDepth } from "./depth-mask.js";
import { depthImage, maskOf, renderScene as renderSharedScene } from "@spatial/shared/testing";

// A 640×480 camera 1 m above a floor (camera y = +1), looking at a wall 5 m away; a 0.8 × 0.8 × 0.6 m
// box stands on the floor, its front face at z = 2.5 m. `pitchDeg` tilts the camera down.
const W = 640, H = 480;
const K: Intrinsics = { fx: 500, fy: 500, cx: 319.5, cy: 239.5 };
type Surface = "box" | "floor" | "wall";

function renderScene(pitchDeg = 0): { depth: DepthImage; surface: Surface[]; box2d: Box2d } {
  const data = new Float32Array(W * H);
  const surface: Surface[] = new Array(W * H);
  const a = (pitchDeg * Math.PI) / 180, ca = Math.cos(a), sa = Math.sin(a);
  let uMin = Infinity, uMax = -Infinity, vMin = Infinity, vMax = -Infinity;
  for (let v = 0; v < H; v++) {
    for (let u = 0; u < W; u++) {
      // Ray in the camera frame (z = 1), rotated into the level scene frame (pitch down about x).
      const rx = (u - K.cx) / K.fx, ry0 = (v - K.cy) / K.fy;
      const ry = ry0 * ca + sa, rz = -ry0 * sa + ca;
      const hits: Array<[number, Surface]> = [];
      const inBox = (x: number, y: number, z: number) => x >= -0.4 - 1e-9 && x <= 0.4 + 1e-9 && y >= 0.2 - 1e-9 && y <= 1 + 1e-9 && z >= 2.5 - 1e-9 && z <= 3.1 + 1e-9;
      for (const t of [2.5 / rz, 0.2 / ry, -0.4 / rx, 0.4 / rx]) if (t > 0 && inBox(rx * t, ry * t, rz * t)) hits.push([t, "box"]);
      if (ry > 0 && (1 / ry) * rz < 5) hits.push([1 / ry, "floor"]);
      if (rz > 0) hits.push([5 / rz, "wall"]);
      const [t, what] = hits.reduce((best, h) => (h[0] < best[0] ? h : best));
      data[v * W + u] = t; // z-depth in the camera frame: the ray has camera z = 1
      surface[v * W + u] = what;
      if (what === "box") [uMin, uMax, vMin, vMax] = [Math.min(uMin, u), Math.max(uMax, u), Math.min(vMin, v), Math.max(vMax, v)];
    }
  }
  return { depth: { width: W, height: H, data, unitsPerMetre: 1 }, surface, box2d: [uMin, vMin, uMax + 1, vMax + 1] };
}

function score(mask: Uint8Array, surface: Surface[]) {
  let tp = 0, fp = 0, fn = 0, wall = 0;
  for (let i = 0; i < mask.length; i++) {
    const truth = surface[i] === "box";
    if (mask[i] && truth) tp++;
    else if (mask[i]) fp++;
    else if (truth) fn++;
    if (mask[i] && surface[i] === "wall") wall++;
  }
  return { recall: tp / (tp + fn), precision: tp / (tp + fp), wall };
}

describe("maskFromDepth", () => {
  it("keeps the box standing in front of the wall, not the wall behind or the floor around it", () => {
    const { depth, surface, box2d } = renderScene();
    const mask = maskFromDepth(box2d, depth, K);
    expect(mask).not.toBeNull();
    expect(mask).toHaveLength(W * H);
    const { recall, precision, wall } = score(mask!, surface);
    expect(wall).toBe(0);
    expect(recall).toBeGreaterThan(0.95);
    expect(precision).toBeGreaterThan(0.97);
  });

  it("still finds the floor with the camera pitched 20° down (the box's top face is not taken for it)", () => {
    const { depth, surface, box2d } = renderScene(20);
    const { recall, precision, wall } = score(maskFromDepth(box2d, depth, K)!, surface);
    expect(wall).toBe(0);
    expect(recall).toBeGreaterThan(0.9);
    expect(precision).toBeGreaterThan(0.95);
  });

  it("keeps a box's front face when the camera looks down steeply (a steep refit of its top face is no floor)", () => {
    // The reward episode's camera (31° down) and a 20 cm block beside a can: the top face and the
    // upper rows of the front face once fitted to a 47°-tilted plane that cut the front face away.
    const camera = { position: [0, 0, 1.2] as [number, number, number], yawRad: 0, pitchRad: 0.55, focalPx: 400, width: 320, height: 240 };
    const r = renderSharedScene({ camera, objects: [
      { kind: "cylinder", id: "can", label: "can", color: [220, 30, 30], center: [0.3, 2.0, 0.15], radiusM: 0.1, heightM: 0.3 },
      { kind: "box", id: "block", label: "block", color: [30, 60, 220], center: [0.1, 2.0, 0.1], widthM: 0.2, lengthM: 0.2, heightM: 0.2, yawRad: 0 },
    ] });
    const block = r.objects.find((o) => o.id === "block")!;
    const mask = maskFromDepth(block.box2d!, depthImage(r), r.intrinsics)!;
    const truth = maskOf(r, block.index);
    // The mask reaches down the front face to (nearly) the block's lowest visible row — the old
    // cut kept the top face only, its rows ending a third of the way down — and takes little else.
    const rows = (m: Uint8Array) => {
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < m.length; i++) if (m[i]) { const v = Math.floor(i / r.width); lo = Math.min(lo, v); hi = Math.max(hi, v); }
      return { lo, hi };
    };
    const seen = rows(truth), kept = rows(mask);
    expect(kept.hi).toBeGreaterThanOrEqual(seen.hi - 0.15 * (seen.hi - seen.lo));
    let tp = 0, fp = 0;
    for (let i = 0; i < truth.length; i++) if (mask[i]) truth[i] ? tp++ : fp++;
    expect(tp / (tp + fp)).toBeGreaterThan(0.9);
  });

  it("uses a known floor plane when given, and a loose box that shows floor and wall in its margins", () => {
    const { depth, surface, box2d } = renderScene();
    const loose: Box2d = [box2d[0] - 40, box2d[1] - 40, box2d[2] + 40, box2d[3] + 40];
    const floorPlaneCam: Plane = { normal: [0, -1, 0], offset: 1 }; // y = 1, normal up
    const { recall, precision, wall } = score(maskFromDepth(loose, depth, K, { floorPlaneCam })!, surface);
    expect(wall).toBe(0);
    // The box's top face, 0.2 m below the camera, is seen at a grazing angle: its depth jumps ~0.25 m
    // between samples, so it falls apart from the front face (7% of the box's pixels).
    expect(recall).toBeGreaterThan(0.9);
    expect(precision).toBeGreaterThan(0.97);
  });

  it("subsamples large boxes and still paints every box pixel at full resolution", () => {
    const { depth, surface, box2d } = renderScene();
    const { recall, precision } = score(maskFromDepth(box2d, depth, K, { maxSamples: 500 })!, surface);
    expect(recall).toBeGreaterThan(0.9);
    expect(precision).toBeGreaterThan(0.95);
  });

  it("returns null without depth readings or for a box outside the image, and leaves the depth alone", () => {
    const empty: DepthImage = { width: W, height: H, data: new Float32Array(W * H), unitsPerMetre: 1 };
    expect(maskFromDepth([100, 100, 200, 200], empty, K)).toBeNull();
    const { depth } = renderScene();
    const before = depth.data.slice();
    expect(maskFromDepth([700, 500, 800, 600], depth, K)).toBeNull();
    maskFromDepth([100, 100, 300, 300], depth, K);
    expect(Buffer.from(depth.data.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  });

  it("reads millimetre depth maps through unitsPerMetre", () => {
    const { depth, surface, box2d } = renderScene();
    const mm: DepthImage = { ...depth, data: Uint16Array.from(depth.data, (z) => Math.round(z * 1000)), unitsPerMetre: 1000 };
    const { recall, wall } = score(maskFromDepth(box2d, mm, K)!, surface);
    expect(wall).toBe(0);
    expect(recall).toBeGreaterThan(0.95);
  });

  it("on the real living room (Kinect depth), separates the sofa from the wall behind it and the armchair from its ottoman", async () => {
    const depth = await fixtureDepth("unidepth_demo/depth.png", 1000);
    const k: Intrinsics = { fx: 518.8579, fy: 519.4696, cx: 325.58246, cy: 253.73616 };
    // YOLOX-nano's couch boxes on this frame; the armchair's box also holds the ottoman in front of it.
    const medianDepth = (mask: Uint8Array, box: Box2d, inside: boolean) => {
      const { u0, u1, v0, v1 } = boxPixelRange(box, W, H);
      const zs: number[] = [];
      for (let v = v0; v <= v1; v++) for (let u = u0; u <= u1; u++) if (depth.data[v * W + u] && (mask[v * W + u] === 1) === inside) zs.push(depth.data[v * W + u] / 1000);
      return { median: zs.sort((a, b) => a - b)[zs.length >> 1], fraction: zs.length / ((u1 - u0 + 1) * (v1 - v0 + 1)), spread: zs[Math.floor(zs.length * 0.95)] - zs[Math.floor(zs.length * 0.05)] };
    };
    const sofaBox: Box2d = [295, 214, 626, 348];
    const sofa = maskFromDepth(sofaBox, depth, k)!;
    const object = medianDepth(sofa, sofaBox, true), rest = medianDepth(sofa, sofaBox, false);
    expect(object.fraction).toBeGreaterThan(0.6);
    expect(object.spread).toBeLessThan(1.2); // one piece of furniture, not furniture + wall
    expect(object.median).toBeLessThan(rest.median); // in front of the wall it was cut from

    const armchairBox: Box2d = [6, 233, 246, 466];
    const armchair = maskFromDepth(armchairBox, depth, k)!;
    expect(medianDepth(armchair, armchairBox, true).fraction).toBeGreaterThan(0.3);
    // The ottoman fills the box's bottom rows, nearer the camera: the chair's cluster stays above it.
    let low = 0, all = 0;
    for (let i = 0; i < armchair.length; i++) if (armchair[i]) [all, low] = [all + 1, low + (i >= 420 * W ? 1 : 0)];
    expect(low / all).toBeLessThan(0.02);
  });
});
