import { describe, expect, it } from "vitest";
import { unprojectDepth } from "../geometry/camera.js";
import { applyToPoint, invert } from "../geometry/rigid.js";
import type { Vec3 } from "../geometry/types.js";
import { randomScene } from "./random-scene.js";
import {
  INSTANCE_FLOOR, INSTANCE_NOTHING, INSTANCE_WALL, canonicalFromWorld, depthImage, maskOf, normalizeUprightBox,
  projectWorldPoint, renderScene, worldFromCamera,
} from "./render-scene.js";
import type { CameraSpec, ObjectSpec, SceneRender, SceneSpec, WallSpec } from "./render-scene.js";

const level: CameraSpec = { position: [0, 0, 1], yawRad: 0, pitchRad: 0, focalPx: 500, width: 640, height: 480 };
const unitBox = (center: Vec3, extra: Partial<ObjectSpec> = {}): ObjectSpec =>
  ({ kind: "box", id: "obj-0", label: "box", color: [220, 30, 30], center, widthM: 1, lengthM: 1, heightM: 1, yawRad: 0, ...extra }) as ObjectSpec;
const at = (r: SceneRender, u: number, v: number) => ({ depth: r.depthM[v * r.width + u], instance: r.instance[v * r.width + u] });

/** Distance from a world point to the object's surface (0 on it). */
function surfaceDistance(spec: ObjectSpec, p: Vec3): number {
  const d: Vec3 = [p[0] - spec.center[0], p[1] - spec.center[1], p[2] - spec.center[2]];
  if (spec.kind === "sphere") return Math.abs(Math.hypot(...d) - spec.radiusM);
  if (spec.kind === "cylinder") {
    const radial = Math.hypot(d[0], d[1]);
    const outside = Math.max(radial - spec.radiusM, Math.abs(d[2]) - spec.heightM / 2);
    return outside > 0 ? outside : Math.min(spec.radiusM - radial, spec.heightM / 2 - Math.abs(d[2]));
  }
  const c = Math.cos(spec.yawRad), s = Math.sin(spec.yawRad);
  const local = [Math.abs(c * d[0] + s * d[1]) - spec.widthM / 2, Math.abs(-s * d[0] + c * d[1]) - spec.lengthM / 2, Math.abs(d[2]) - spec.heightM / 2];
  const worst = Math.max(...local);
  return Math.abs(worst);
}

describe("renderScene: analytic depth", () => {
  it("gives a box face seen straight ahead its exact z depth on every pixel of the face", () => {
    // Front face at y = 2.5 spans x, z ∈ [-0.5, 0.5] + centre: ±100 px around the principal point.
    const r = renderScene({ camera: level, objects: [unitBox([0, 3, 1])] });
    for (const [u, v] of [[319, 239], [320, 240], [250, 180], [410, 330], [222, 142]]) {
      expect(at(r, u, v)).toEqual({ depth: 2.5, instance: 0 });
    }
    expect(r.objects[0].box2d).toEqual([220, 140, 420, 340]);
    expect(r.objects[0].visiblePixels).toBe(200 * 200);
  });

  it("does not depend on where the camera stands or which way it looks", () => {
    const camera: CameraSpec = { ...level, position: [1.5, -2, 1], yawRad: 0.7 };
    const forward: Vec3 = [-Math.sin(0.7), Math.cos(0.7), 0];
    const center: Vec3 = [1.5 + 3 * forward[0], -2 + 3 * forward[1], 1];
    const r = renderScene({ camera, objects: [unitBox(center, { yawRad: 0.7 })] });
    for (const [u, v] of [[319, 239], [250, 180], [410, 330]]) expect(at(r, u, v).depth).toBeCloseTo(2.5, 5);
    expect(r.objects[0].boxCanonical).toMatchObject({ widthM: 1, lengthM: 1, heightM: 1 });
    expect(r.objects[0].boxCanonical.yawRad).toBeCloseTo(0, 12);
    r.objects[0].centerCanonical.forEach((x, i) => expect(x).toBeCloseTo([0, 3, 1][i], 12));
  });

  it("gives spheres and cylinders on the optical axis depth = distance - radius", () => {
    const camera: CameraSpec = { ...level, cx: 320, cy: 240 };
    const ball: ObjectSpec = { kind: "sphere", id: "b", label: "ball", color: [30, 60, 220], center: [0, 4, 1], radiusM: 0.3 };
    const barrel: ObjectSpec = { kind: "cylinder", id: "c", label: "barrel", color: [30, 170, 50], center: [0, 5, 0.6], radiusM: 0.4, heightM: 1.2 };
    expect(at(renderScene({ camera, objects: [ball] }), 320, 240).depth).toBeCloseTo(3.7, 6);
    expect(at(renderScene({ camera, objects: [barrel] }), 320, 240).depth).toBeCloseTo(4.6, 6);
  });

  it("draws sphere and cylinder silhouettes where they project", () => {
    // Seen level from 4 m, both shapes' outlines are tangent rays at asin(r / d) off the axis.
    const halfWidthPx = 500 * Math.tan(Math.asin(0.5 / 4));
    const expectedX: [number, number] = [Math.ceil(319.5 - halfWidthPx), Math.floor(319.5 + halfWidthPx) + 1];
    const ball: ObjectSpec = { kind: "sphere", id: "b", label: "ball", color: [30, 60, 220], center: [0, 4, 1], radiusM: 0.5 };
    const sphere = renderScene({ camera: level, objects: [ball] }).objects[0];
    expect(sphere.box2d).toEqual([expectedX[0], Math.ceil(239.5 - halfWidthPx), expectedX[1], Math.floor(239.5 + halfWidthPx) + 1]);
    expect(sphere.visiblePixels / (Math.PI * halfWidthPx ** 2)).toBeCloseTo(1, 1);
    // The cylinder's top and bottom rims are nearest (3.5 m) straight ahead.
    const barrel: ObjectSpec = { kind: "cylinder", id: "c", label: "barrel", color: [30, 170, 50], center: [0, 4, 1], radiusM: 0.5, heightM: 1 };
    const cylinder = renderScene({ camera: level, objects: [barrel] }).objects[0];
    expect(cylinder.box2d).toEqual([expectedX[0], Math.ceil(239.5 - (500 * 0.5) / 3.5), expectedX[1], Math.floor(239.5 + (500 * 0.5) / 3.5) + 1]);
  });

  it("matches the analytic ray-floor intersection, with nothing above the horizon or beyond range", () => {
    const h = 1.5, pitch = 0.3;
    const camera: CameraSpec = { position: [2, -1, h], yawRad: 0.4, pitchRad: pitch, focalPx: 500, width: 640, height: 480 };
    const r = renderScene({ camera, objects: [] }, { maxDepthM: 8 });
    for (let v = 0; v < 480; v += 7) {
      const yn = (v - 239.5) / 500;
      const denom = Math.sin(pitch) + yn * Math.cos(pitch);
      const expected = denom > 0 && h / denom <= 8 ? h / denom : 0;
      for (const u of [0, 100, 333, 639]) {
        const { depth, instance } = at(r, u, v);
        expect(depth).toBeCloseTo(expected, 4);
        expect(instance).toBe(expected > 0 ? INSTANCE_FLOOR : INSTANCE_NOTHING);
      }
    }
    expect(at(r, 320, 0)).toEqual({ depth: 0, instance: INSTANCE_NOTHING });
  });

  it("renders walls, finite and infinite, with exact depth when seen head on", () => {
    const wall: WallSpec = { start: [-1, 2], end: [1, 2], infinite: true };
    const r = renderScene({ camera: level, objects: [], walls: [wall] });
    const wallDepths = new Set(r.depthM.filter((_, i) => r.instance[i] === INSTANCE_WALL));
    expect([...wallDepths]).toEqual([2]);
    expect(r.instance.filter((x) => x === INSTANCE_WALL).length / r.instance.length).toBeGreaterThan(0.7);
    // A 1 m wide finite wall: beyond its ends the floor shows.
    const finite = renderScene({ camera: level, objects: [], walls: [{ start: [-0.5, 2], end: [0.5, 2], heightM: 2 }] });
    expect(at(finite, 320, 100).instance).toBe(INSTANCE_WALL);
    expect(at(finite, 20, 300).instance).toBe(INSTANCE_FLOOR);
    expect(at(finite, 20, 100).instance).toBe(INSTANCE_NOTHING);
  });
});

describe("renderScene: frames", () => {
  const camera: CameraSpec = { position: [0.7, -1.2, 1.6], yawRad: -2.1, pitchRad: 0.45, focalPx: 420, width: 320, height: 240 };

  it("documents worldFromCam: the camera centre is its translation, its optical axis points down by the pitch", () => {
    const t = worldFromCamera(camera);
    expect(applyToPoint(t, [0, 0, 0])).toEqual(camera.position);
    const ahead = applyToPoint(t, [0, 0, 1]);
    expect(ahead[2] - camera.position[2]).toBeCloseTo(-Math.sin(0.45), 12);
    const right = applyToPoint(t, [1, 0, 0]);
    expect(right[2]).toBeCloseTo(camera.position[2], 12); // no roll
  });

  it("puts the canonical origin on the floor below the camera with y forward", () => {
    const c = canonicalFromWorld(camera);
    applyToPoint(c, [0.7, -1.2, 1.6]).forEach((x, i) => expect(x).toBeCloseTo([0, 0, 1.6][i], 12));
    const forward = applyToPoint(c, applyToPoint(worldFromCamera(camera), [0, 0, 1]));
    expect(forward[0]).toBeCloseTo(0, 12);
    expect(forward[1]).toBeGreaterThan(0);
  });

  it("projects a known world point onto the pixel whose ray hits it", () => {
    // The camera's axes written out independently: pitching down tilts "up" forward.
    const { yawRad: psi, pitchRad: theta, position: o } = camera;
    const right = [Math.cos(psi), Math.sin(psi), 0];
    const down = [Math.sin(psi) * Math.sin(theta), -Math.cos(psi) * Math.sin(theta), -Math.cos(theta)];
    const forward = [-Math.sin(psi) * Math.cos(theta), Math.cos(psi) * Math.cos(theta), -Math.sin(theta)];
    const render = renderScene({ camera, objects: [] });
    for (const [u, v] of [[200, 180], [17, 230], [300, 120]]) {
      const xn = (u - 159.5) / 420, yn = (v - 119.5) / 420;
      const d = [0, 1, 2].map((i) => right[i] * xn + down[i] * yn + forward[i]);
      const t = -o[2] / d[2]; // z depth, since d has unit forward component
      const floorPoint: Vec3 = [o[0] + t * d[0], o[1] + t * d[1], 0];
      projectWorldPoint(render, floorPoint)!.forEach((x, i) => expect(x).toBeCloseTo([u, v][i], 6));
      expect(at(render, u, v).instance).toBe(INSTANCE_FLOOR);
      expect(at(render, u, v).depth).toBeCloseTo(t, 5);
      applyToPoint(invert(render.worldFromCam), floorPoint).forEach((x, i) => expect(x).toBeCloseTo([xn * t, yn * t, t][i], 9));
    }
  });

  it("maps an object pixel's depth to a point on that object, which projects back to the pixel", () => {
    const { scene, render } = randomScene(5);
    for (const [index, spec] of scene.objects.entries()) {
      const pixel = projectWorldPoint(render, spec.center);
      if (!pixel) continue;
      const [u, v] = pixel.map(Math.round);
      if (u < 0 || v < 0 || u >= render.width || v >= render.height) continue;
      if (render.instance[v * render.width + u] !== index) continue;
      const p = unprojectPixel(render, u, v);
      expect(surfaceDistance(spec, p)).toBeLessThan(1e-4);
      projectWorldPoint(render, p)!.forEach((x, i) => expect(x).toBeCloseTo([u, v][i], 3));
    }
  });

  it("normalises width/length to the side closer to x, yaw in [-π/4, π/4]", () => {
    const b = normalizeUprightBox([0, 0, 0], 1, 2, 3, (80 * Math.PI) / 180);
    expect(b).toMatchObject({ widthM: 2, lengthM: 1, heightM: 3 });
    expect(b.yawRad).toBeCloseTo((-10 * Math.PI) / 180, 12);
    expect(normalizeUprightBox([0, 0, 0], 1, 2, 3, Math.PI).yawRad).toBeCloseTo(0, 12);
    expect(normalizeUprightBox([0, 0, 0], 1, 2, 3, -Math.PI / 2)).toMatchObject({ widthM: 2, lengthM: 1 });
  });
});

function unprojectPixel(render: SceneRender, u: number, v: number): Vec3 {
  const z = render.depthM[v * render.width + u];
  const k = render.intrinsics;
  return applyToPoint(render.worldFromCam, [((u - k.cx) / k.fx) * z, ((v - k.cy) / k.fy) * z, z]);
}

describe("renderScene: masks, boxes and unprojection", () => {
  const scenes = [3, 8, 13].map((seed) => randomScene(seed, { backWall: seed === 8 }));

  it("keeps masks, pixel counts and 2D boxes consistent with the instance map", () => {
    for (const { render } of scenes) {
      let objectPixels = 0;
      for (const o of render.objects) {
        const mask = maskOf(render, o.index);
        let count = 0, x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
        for (let i = 0; i < mask.length; i++) {
          if (!mask[i]) continue;
          const u = i % render.width, v = Math.floor(i / render.width);
          count++; x1 = Math.min(x1, u); y1 = Math.min(y1, v); x2 = Math.max(x2, u + 1); y2 = Math.max(y2, v + 1);
        }
        expect(count).toBe(o.visiblePixels);
        expect(o.box2d).toEqual([x1, y1, x2, y2]);
        expect(o.unoccludedPixels).toBeGreaterThanOrEqual(o.visiblePixels);
        objectPixels += count;
      }
      const others = render.instance.filter((x) => x < 0).length;
      expect(objectPixels + others).toBe(render.width * render.height);
      let mismatched = 0;
      for (let i = 0; i < render.instance.length; i++) if (render.depthM[i] > 0 !== (render.instance[i] !== INSTANCE_NOTHING)) mismatched++;
      expect(mismatched).toBe(0);
    }
  });

  it("unprojects floor pixels to z = 0, wall pixels onto the wall and object pixels onto their surfaces", () => {
    for (const { scene, render } of scenes) {
      const { pointsCam, pixelIndex, count } = unprojectDepth(depthImage(render), render.intrinsics);
      const seen = new Set<number>();
      const worstError = new Map<number, number>();
      for (let i = 0; i < count; i++) {
        const p = applyToPoint(render.worldFromCam, [pointsCam[3 * i], pointsCam[3 * i + 1], pointsCam[3 * i + 2]]);
        const id = render.instance[pixelIndex[i]];
        seen.add(id);
        let error: number;
        if (id === INSTANCE_FLOOR) error = Math.abs(p[2]);
        else if (id === INSTANCE_WALL) {
          const w = scene.walls![0];
          const ux = w.end[0] - w.start[0], uy = w.end[1] - w.start[1];
          error = Math.abs((-uy * (p[0] - w.start[0]) + ux * (p[1] - w.start[1])) / Math.hypot(ux, uy));
        } else error = surfaceDistance(scene.objects[id], p);
        worstError.set(id, Math.max(worstError.get(id) ?? 0, error));
      }
      for (const error of worstError.values()) expect(error).toBeLessThan(1e-4);
      expect(seen.has(INSTANCE_FLOOR)).toBe(true);
      for (const o of render.objects) expect(seen.has(o.index)).toBe(true);
    }
    expect(scenes[1].render.instance.includes(INSTANCE_WALL)).toBe(true);
  });

  it("shades objects within [0.8, 1] of their flat colour", () => {
    const { scene, render } = scenes[0];
    let outOfRange = 0, objectPixels = 0;
    for (let i = 0; i < render.instance.length; i++) {
      const id = render.instance[i];
      if (id < 0) continue;
      objectPixels++;
      for (let c = 0; c < 3; c++) {
        const flat = scene.objects[id].color[c];
        if (render.rgb[3 * i + c] < Math.floor(0.8 * flat) || render.rgb[3 * i + c] > flat) outOfRange++;
      }
    }
    expect(objectPixels).toBeGreaterThan(0);
    expect(outOfRange).toBe(0);
  });
});

describe("renderScene: occlusion", () => {
  it("reports zero visible pixels and no 2D box for an object hidden behind another", () => {
    const big = unitBox([0, 3, 1], { id: "big", widthM: 1.5, heightM: 2 });
    const small = unitBox([0, 5, 0.3], { id: "small", widthM: 0.3, lengthM: 0.3, heightM: 0.6 });
    const scene: SceneSpec = { camera: level, objects: [big, small] };
    const r = renderScene(scene);
    expect(r.objects[1]).toMatchObject({ visiblePixels: 0, box2d: null, visibleFraction: 0 });
    expect(r.objects[1].unoccludedPixels).toBeGreaterThan(0);
    expect(maskOf(r, 1).every((x) => x === 0)).toBe(true);
    // Alone, it shows.
    expect(renderScene({ ...scene, objects: [small] }).objects[0].visibleFraction).toBe(1);
  });

  it("reports a partly hidden object's visible fraction", () => {
    const front = unitBox([-0.5, 3, 0.5], { id: "front" });
    const back = unitBox([0, 5, 0.5], { id: "back" });
    const r = renderScene({ camera: level, objects: [front, back] });
    expect(r.objects[1].visibleFraction).toBeGreaterThan(0.2);
    expect(r.objects[1].visibleFraction).toBeLessThan(0.9);
  });
});
