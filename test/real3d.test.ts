// Lifting on real frames (../shared/fixtures/real3d: KITTI lidar-sparse, SUN RGB-D, ScanNet) with
// the datasets' own 2D boxes as the caller's objects, against the datasets' whole-object 3D boxes.
// The detector is left out on purpose: this is about what depth becomes, not recall (the bench,
// `npm run bench -- --only=real3d`, scores the whole pipeline). Fails, saying why, without ../shared.
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSceneGraph, type SceneGraph } from "../packages/shared/src/index.js";
import { sceneOutput } from "../packages/shared/src/protocol/scene-output.js";
import { decodeImage } from "../apps/gpu-runner/src/image/decode.js";
import { loadDepthMap } from "../apps/gpu-runner/src/depth/input-depth.js";
import { objectSizePriorFor } from "../apps/gpu-runner/src/depth/object-dimensions.js";
import { inventedThreeD, loadReal3dFrames, REAL3D_DIR, type Real3dFrame } from "../bench/real3d.js";

const lifted = new Map<string, SceneGraph>();
let frames: Real3dFrame[] = [];

async function lift(frame: Real3dFrame, options: { withPriors: boolean; boxes?: Real3dFrame["truth"] }): Promise<SceneGraph> {
  const { image } = await decodeImage(frame.rgb);
  const depth = await loadDepthMap(frame.depth, { unitsPerMetre: 1000, imageWidth: image.width, imageHeight: image.height });
  const objects = (options.boxes ?? frame.truth).map((t) => {
    const prior = options.withPriors ? objectSizePriorFor(t.label) : undefined;
    return { label: t.label, score: 1, box2d: t.box2d, ...(prior ? { sizePrior: prior } : {}) };
  });
  return buildSceneGraph({ width: image.width, height: image.height, rgb: image.rgb, depth, intrinsics: { ...frame.intrinsics, source: "input" }, depthSource: "input", objects }).graph;
}

const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

beforeAll(async () => {
  if (!existsSync(REAL3D_DIR)) throw new Error(`these tests need ../shared/fixtures/real3d (looked in ${REAL3D_DIR}); it is missing`);
  frames = loadReal3dFrames();
  for (const f of frames) lifted.set(f.name, await lift(f, { withPriors: true }));
}, 120_000);

describe("real frames with depth, the datasets' 2D boxes", () => {
  it("has the seven development frames", () => {
    expect(frames.map((f) => f.name)).toHaveLength(7);
  });

  it("never invents 3D: every object is placed or listed as unlocated with a reason", () => {
    for (const f of frames) {
      const out = sceneOutput(lifted.get(f.name)!);
      expect(out.objects.filter(inventedThreeD)).toEqual([]);
      expect(out.objects.length + (out.unlocated?.length ?? 0)).toBe(f.truth.length);
      for (const u of out.unlocated ?? []) expect(u.reason).toMatch(/\w/);
    }
  });

  it("lidar-sparse frames: background behind a pedestrian or a car never joins it (no 10 m objects)", () => {
    for (const f of frames.filter((f) => f.name.startsWith("kitti"))) {
      for (const o of lifted.get(f.name)!.objects) {
        const longest = Math.max(o.box.widthM, o.box.lengthM);
        expect(longest, `${f.name} ${o.label}`).toBeLessThan(o.label === "person" ? 1.5 : 6);
        const visible = o.visibleBox ?? o.box;
        expect(Math.max(visible.widthM, visible.lengthM), `${f.name} ${o.label} visible`).toBeLessThan(o.label === "person" ? 1.5 : 6);
      }
    }
  });

  it("whole-object boxes: centres within 0.6 m and heights within 0.8–1.25× of the truth on the street frames", () => {
    for (const f of frames.filter((f) => f.name.startsWith("kitti"))) {
      const g = lifted.get(f.name)!;
      f.truth.forEach((t, i) => {
        const o = g.objects.find((x) => x.id === `obj-${i}`);
        expect(o, `${f.name} ${t.label} located`).toBeDefined();
        expect(dist(o!.centerCam, t.center_cam), `${f.name} ${t.label} centre`).toBeLessThan(0.6);
        expect(o!.box.heightM / t.size_m.height, `${f.name} ${t.label} height`).toBeGreaterThan(0.8);
        expect(o!.box.heightM / t.size_m.height, `${f.name} ${t.label} height`).toBeLessThan(1.25);
      });
    }
  });

  it("says how each dimension was obtained, and keeps the visible extent beside the whole one", () => {
    const car = lifted.get("kitti_000003")!.objects[0];
    expect(car.extentSource).toBeDefined();
    expect(car.extentSource!.height).toBe("ground_contact");
    expect(car.visibleBox).toBeDefined();
    expect(car.box.heightM).toBeGreaterThan(car.visibleBox!.heightM);
    const out = sceneOutput(lifted.get("kitti_000003")!).objects[0];
    expect(out.size_source).toEqual(car.extentSource);
    expect(out.visible_size_m!.height).toBeLessThan(out.size_m.height);
  });

  it("without class sizes the boxes are what the points show (no completion, no placement from priors)", async () => {
    const f = frames.find((x) => x.name === "kitti_000003")!;
    const g = await lift(f, { withPriors: false });
    expect(g.objects[0].extentSource).toBeUndefined();
    expect(g.objects[0].visibleBox).toBeUndefined();
  });

  it("a far car with a handful of lidar points still gets a position from their median depth and the class size", async () => {
    // kitti_000004's car at 38 m, its box shrunk to the middle third: a few lidar returns only.
    const f = frames.find((x) => x.name === "kitti_000004")!;
    const [x1, y1, x2, y2] = f.truth[0].box2d;
    const w = (x2 - x1) / 3, h = (y2 - y1) / 3;
    const small = [{ ...f.truth[0], box2d: [x1 + w, y1 + h, x2 - w, y2 - h] as [number, number, number, number] }];
    const g = await lift(f, { withPriors: true, boxes: small });
    expect(g.objects).toHaveLength(1);
    const o = g.objects[0];
    expect(o.pointCount).toBeLessThan(40);
    expect(Math.abs(Math.hypot(...o.centerCam) - Math.hypot(...f.truth[0].center_cam))).toBeLessThan(3);
    expect(o.box.heightM).toBeGreaterThan(1);
  });
});
