// The scene graph and the CLI scene JSON for objects without trustworthy 3D and for whole-object
// (amodal) boxes: unlocated objects are listed apart with a reason, never given zeros; completed
// boxes say how each dimension was obtained and keep the visible extent.
import { describe, expect, it } from "vitest";
import { buildSceneGraph } from "../packages/shared/src/spatial/build-scene.js";
import { SceneGraph } from "../packages/shared/src/spatial/scene-graph.js";
import { SceneOutput, sceneOutput } from "../packages/shared/src/protocol/scene-output.js";
import type { DepthImage } from "../packages/shared/src/geometry/camera.js";

const W = 320, H = 240, F = 300;
const intrinsics = { fx: F, fy: F, cx: W / 2, cy: H / 2, source: "input" as const };

/** A level camera 1.5 m above a floor, a wall 8 m ahead, and a box (0.6 × 0.6 × 1 m) 4 m ahead seen face-on. */
function scene(wallM = 8): DepthImage {
  const data = new Float32Array(W * H);
  for (let v = 0; v < H; v++) {
    for (let u = 0; u < W; u++) {
      const yn = (v - H / 2) / F, xn = (u - W / 2) / F;
      let z = wallM; // wall
      if (yn > 0 && 1.5 / yn < z) z = 1.5 / yn; // floor
      // The box's front face at z = 4, x in [-0.3, 0.3], y (down) in [0.5, 1.5].
      if (Math.abs(xn * 4) <= 0.3 && yn * 4 >= 0.5 && yn * 4 <= 1.5) z = 4;
      data[v * W + u] = z;
    }
  }
  return { width: W, height: H, data, unitsPerMetre: 1 };
}
const boxOfFace: [number, number, number, number] = [W / 2 - (0.3 * F) / 4, H / 2 + (0.5 * F) / 4, W / 2 + (0.3 * F) / 4, H / 2 + (1.5 * F) / 4];

describe("objects without trustworthy 3D", () => {
  it("are removed from objects and listed in unlocated with a reason; the JSON prints them apart", () => {
    const depth = scene();
    // Blank the depth inside a second object's box: nothing was measured there.
    const blank: [number, number, number, number] = [10, 10, 40, 60];
    for (let v = 10; v < 60; v++) depth.data.fill(0, v * W + 10, v * W + 40);
    const { graph } = buildSceneGraph({
      width: W, height: H, depth, intrinsics, depthSource: "input",
      objects: [{ label: "crate", score: 0.9, box2d: boxOfFace }, { label: "kite", score: 0.6, box2d: blank }],
    });
    expect(graph.objects.map((o) => o.id)).toEqual(["obj-0"]);
    expect(graph.unlocated).toEqual([{ label: "kite", score: 0.6, box2d: blank, reason: "no depth readings inside its box" }]);
    expect(() => SceneGraph.parse(graph)).not.toThrow();
    const out = sceneOutput(graph);
    expect(SceneOutput.parse(out)).toEqual(out);
    expect(out.objects).toHaveLength(1);
    expect(out.objects[0].center_cam.every((v) => v === 0)).toBe(false);
    expect(out.unlocated).toEqual([{ label: "kite", score: 0.6, box2d: [10, 10, 40, 60], reason: "no depth readings inside its box" }]);
  });

  it("a scene where every object has 3D prints no unlocated key (the contract's shape is unchanged)", () => {
    const { graph } = buildSceneGraph({ width: W, height: H, depth: scene(), intrinsics, depthSource: "input", objects: [{ label: "crate", score: 0.9, box2d: boxOfFace }] });
    expect(graph.unlocated).toBeUndefined();
    expect("unlocated" in sceneOutput(graph)).toBe(false);
  });
});

describe("whole-object boxes", () => {
  it("a box seen face-on is a sheet without a class size, and a whole solid with one, its centre moved back", () => {
    const objects = [{ label: "cabinet", score: 0.9, box2d: boxOfFace }];
    const sheet = buildSceneGraph({ width: W, height: H, depth: scene(), intrinsics, depthSource: "input", objects }).graph.objects[0];
    expect(sheet.box.lengthM).toBeLessThan(0.1);
    expect(sheet.extentSource).toBeUndefined();
    const prior = { widthM: 0.5, lengthM: 0.6, heightM: 1.0, restsOnGround: true };
    const whole = buildSceneGraph({ width: W, height: H, depth: scene(), intrinsics, depthSource: "input", objects: [{ ...objects[0], sizePrior: prior }] }).graph.objects[0];
    // A flat face shows no orientation: the typical footprint is turned until its projection
    // across the view is the face's 0.6 m, and reaches back from the face at 4 m, so the centre is
    // behind it. The face's bottom rows are floor contact (the points within 5 cm of the floor are
    // the floor's, not the object's).
    expect(whole.extentSource).toEqual({ width: "completed_from_priors", length: "completed_from_priors", height: "ground_contact" });
    expect(whole.visibleBox!.lengthM).toBeLessThan(0.1);
    expect(Math.min(whole.box.widthM, whole.box.lengthM)).toBeCloseTo(0.5, 5);
    expect(Math.max(whole.box.widthM, whole.box.lengthM)).toBeCloseTo(0.6, 5);
    expect(whole.centerCam[2]).toBeGreaterThan(4.2);
    expect(whole.centerCam[2]).toBeLessThan(4.4);
    expect(whole.box.heightM).toBeCloseTo(1, 1);
    const out = sceneOutput({ ...buildSceneGraph({ width: W, height: H, depth: scene(), intrinsics, depthSource: "input", objects: [{ ...objects[0], sizePrior: prior }] }).graph });
    expect(out.objects[0].size_source).toEqual(whole.extentSource);
    expect(out.objects[0].visible_size_m!.length).toBeLessThan(0.1);
  });

  it("the hidden depth never reaches past the wall the depth map shows right behind, even when the mask leaves the wall out", () => {
    const depth = scene(4.2);
    const mask = new Uint8Array(W * H);
    for (let v = Math.ceil(boxOfFace[1]); v < boxOfFace[3]; v++) for (let u = Math.ceil(boxOfFace[0]); u < boxOfFace[2]; u++) if (depth.data[v * W + u] === 4) mask[v * W + u] = 1;
    // Widen the box a little: the wall shows around the face inside it.
    const box: [number, number, number, number] = [boxOfFace[0] - 8, boxOfFace[1] - 8, boxOfFace[2] + 8, boxOfFace[3]];
    const prior = { widthM: 0.5, lengthM: 0.6, heightM: 1.0, restsOnGround: true };
    const o = buildSceneGraph({ width: W, height: H, depth, intrinsics, depthSource: "input", objects: [{ label: "cabinet", score: 0.9, box2d: box, mask, sizePrior: prior }] }).graph.objects[0];
    expect(o.extentSource!.length).toBe("completed_from_priors");
    // From the face at 4 m to the wall at 4.2 m, in the world frame's forward direction.
    expect(o.box.center[1] + o.box.lengthM / 2).toBeLessThanOrEqual(4.2 + 1e-6);
    expect(o.box.lengthM).toBeLessThan(0.25);
    // Depth drawn from size priors is no evidence of free space: the same map as `priors` leaves the completion unbounded.
    const fromPriors = buildSceneGraph({ width: W, height: H, depth, intrinsics, depthSource: "priors", objects: [{ label: "cabinet", score: 0.9, box2d: box, mask, sizePrior: prior }] }).graph.objects[0];
    expect(Math.min(fromPriors.box.widthM, fromPriors.box.lengthM)).toBeCloseTo(0.5, 5);
  });
});
