// A ray-casting renderer of simple scenes, for tests that need exact ground truth: depth, instance
// ids, colours and object poses with no estimation in between.
//
// Frames:
// - Render world: z up, the floor is the plane z = 0, metres. Scenes are written in this frame.
// - Camera: OpenCV (x right, y down, z forward), metres; integer pixel coordinates are pixel centres.
//   `worldFromCam` maps camera points to the render world: p_world = R p_cam + t (R row-major).
// - Canonical: DESIGN.md's answer frame: origin on the floor below the camera, y = the camera's forward
//   direction projected on the floor, x = right, z up. `canonicalFromWorld(camera)` maps into it.
import type { DepthImage } from "../geometry/camera.js";
import { applyToPoint, compose, invert } from "../geometry/rigid.js";
import type { Intrinsics, RigidTransform, UprightBox, Vec3 } from "../geometry/types.js";

export type Rgb = [number, number, number];

interface ObjectBase {
  /** Stable name, e.g. "obj-0". */
  id: string;
  label: string;
  /** Flat colour before shading. */
  color: Rgb;
  /** Basic colour name of `color`, when the scene's author knows it ("red"). */
  colorName?: string;
  /** World centre of the shape's bounding box (a box resting on the floor has center[2] = heightM / 2). */
  center: Vec3;
}

/** An upright box; `yawRad` turns its width side (along local x) from world +x towards world +y. */
export interface BoxSpec extends ObjectBase { kind: "box"; widthM: number; lengthM: number; heightM: number; yawRad: number }
export interface SphereSpec extends ObjectBase { kind: "sphere"; radiusM: number }
/** An upright cylinder: axis along world z. */
export interface CylinderSpec extends ObjectBase { kind: "cylinder"; radiusM: number; heightM: number }
export type ObjectSpec = BoxSpec | SphereSpec | CylinderSpec;

/**
 * A vertical plane standing on the floor through the floor points `start` and `end` (world x, y).
 * `infinite` extends it along that line both ways; `heightM` defaults to unbounded.
 */
export interface WallSpec {
  start: [number, number];
  end: [number, number];
  heightM?: number;
  infinite?: boolean;
}

/**
 * A pinhole camera with no roll. `yawRad` = 0 looks along world +y; positive yaw turns left
 * (counter-clockwise seen from above). `pitchRad` > 0 looks down. fx = fy = `focalPx`; the principal
 * point defaults to the image centre ((width - 1) / 2, (height - 1) / 2).
 */
export interface CameraSpec {
  /** World position; position[2] is the height above the floor. */
  position: Vec3;
  yawRad: number;
  pitchRad: number;
  focalPx: number;
  width: number;
  height: number;
  cx?: number;
  cy?: number;
}

export interface SceneSpec {
  camera: CameraSpec;
  objects: ObjectSpec[];
  walls?: WallSpec[];
  /** Render the floor plane z = 0 (default true). */
  floor?: boolean;
}

export interface RenderOptions {
  /** Hits with a z depth beyond this are dropped (depth 0, instance NOTHING). Default 20 m. */
  maxDepthM?: number;
}

/** Instance values that are not object indices. */
export const INSTANCE_FLOOR = -1;
export const INSTANCE_WALL = -2;
export const INSTANCE_NOTHING = -3;

export const FLOOR_RGB: Rgb = [140, 134, 124];
export const WALL_RGB: Rgb = [178, 190, 206];
/** What rays that hit nothing see: light sky, so no palette colour (black included) blends into it. */
export const SKY_RGB: Rgb = [205, 225, 245];

export interface RenderedObject {
  index: number;
  id: string;
  label: string;
  kind: ObjectSpec["kind"];
  color: Rgb;
  colorName?: string;
  centerWorld: Vec3;
  centerCam: Vec3;
  centerCanonical: Vec3;
  /** Upright box in the render world; width is the side closer to world x (see `UprightBox`). */
  boxWorld: UprightBox;
  /** Upright box in the canonical frame; width is the side closer to the camera's right. */
  boxCanonical: UprightBox;
  /** Pixels where this object is the nearest hit. */
  visiblePixels: number;
  /** Pixels whose ray hits this object at all (within range), occluded or not. */
  unoccludedPixels: number;
  /** visiblePixels / unoccludedPixels (0 when the object is out of view). */
  visibleFraction: number;
  /** Visible pixels' bounds: x1, y1 of the first pixel, x2, y2 one past the last; null when none are visible. */
  box2d: [number, number, number, number] | null;
}

export interface SceneRender {
  width: number;
  height: number;
  intrinsics: Intrinsics;
  /** p_world = R p_cam + t, render world. */
  worldFromCam: RigidTransform;
  canonicalFromWorld: RigidTransform;
  /** What a perfect perception pipeline's worldFromCam would be. */
  canonicalFromCam: RigidTransform;
  /** z depth along the optical axis in metres (not ray length); 0 where nothing is hit within range. */
  depthM: Float32Array;
  /** Object index, or INSTANCE_FLOOR / INSTANCE_WALL / INSTANCE_NOTHING. */
  instance: Int32Array;
  /** Interleaved RGB; SKY_RGB where nothing is hit. */
  rgb: Uint8Array;
  objects: RenderedObject[];
  maxDepthM: number;
}

/** fx = fy = focalPx, principal point at the image centre unless the camera sets one. */
export function cameraIntrinsics(camera: CameraSpec): Intrinsics {
  return {
    fx: camera.focalPx,
    fy: camera.focalPx,
    cx: camera.cx ?? (camera.width - 1) / 2,
    cy: camera.cy ?? (camera.height - 1) / 2,
  };
}

/** Camera axes in the render world: columns of R are the camera's x (right), y (down), z (forward). */
export function worldFromCamera(camera: CameraSpec): RigidTransform {
  const { yawRad: psi, pitchRad: theta } = camera;
  const right: Vec3 = [Math.cos(psi), Math.sin(psi), 0];
  const forward: Vec3 = [-Math.sin(psi) * Math.cos(theta), Math.cos(psi) * Math.cos(theta), -Math.sin(theta)];
  // y = z × x keeps the frame right-handed; it points down-ish.
  const down = cross(forward, right);
  return {
    rotation: [right[0], down[0], forward[0], right[1], down[1], forward[1], right[2], down[2], forward[2]],
    translation: [...camera.position],
  };
}

/** Render world → canonical frame: rotate by -yaw about z around the floor point below the camera. */
export function canonicalFromWorld(camera: CameraSpec): RigidTransform {
  const c = Math.cos(camera.yawRad);
  const s = Math.sin(camera.yawRad);
  const [px, py] = camera.position;
  // Rows: the camera's right and forward directions on the floor, then up.
  return {
    rotation: [c, s, 0, -s, c, 0, 0, 0, 1],
    translation: [-(c * px + s * py), s * px - c * py, 0],
  };
}

/**
 * Width/length/yaw following `UprightBox`: the width side is the one closer to the frame's x axis and
 * yaw lands in [-π/4, π/4]. `yawRad` is the angle of the `widthM` side from +x.
 */
export function normalizeUprightBox(center: Vec3, widthM: number, lengthM: number, heightM: number, yawRad: number): UprightBox {
  let a = yawRad - Math.PI * Math.round(yawRad / Math.PI); // (-π/2, π/2] up to rounding
  if (a <= -Math.PI / 2) a += Math.PI;
  if (Math.abs(a) > Math.PI / 4 + 1e-12) {
    [widthM, lengthM] = [lengthM, widthM];
    a = a > 0 ? a - Math.PI / 2 : a + Math.PI / 2;
  }
  return { center, widthM, lengthM, heightM, yawRad: a };
}

/** Where a world point lands in the image (pixel-centre coordinates); null behind the camera. */
export function projectWorldPoint(render: Pick<SceneRender, "worldFromCam" | "intrinsics">, pointWorld: Vec3): [number, number] | null {
  const p = applyToPoint(invert(render.worldFromCam), pointWorld);
  if (!(p[2] > 0)) return null;
  const k = render.intrinsics;
  return [k.fx * (p[0] / p[2]) + k.cx, k.fy * (p[1] / p[2]) + k.cy];
}

/** 1 where `objectIndex` is the visible surface, else 0. */
export function maskOf(render: SceneRender, objectIndex: number): Uint8Array {
  const mask = new Uint8Array(render.instance.length);
  for (let i = 0; i < mask.length; i++) if (render.instance[i] === objectIndex) mask[i] = 1;
  return mask;
}

/** The render's depth as camera.ts's `DepthImage` (metric floats, 0 = no reading). */
export function depthImage(render: SceneRender): DepthImage {
  return { width: render.width, height: render.height, data: render.depthM, unitsPerMetre: 1 };
}

// Shapes prepared for the pixel loop: everything that does not depend on the ray is precomputed.
interface Prepared {
  kind: 0 | 1 | 2; // box, sphere, cylinder
  // Camera origin relative to the centre (box: in the box's local frame).
  ox: number; oy: number; oz: number;
  cos: number; sin: number;
  hx: number; hy: number; hz: number; // box half extents; cylinder: hx = radius, hz = half height
  r2: number;
}

const NO_HIT = Infinity;

function prepare(spec: ObjectSpec, origin: Vec3): Prepared {
  const dx = origin[0] - spec.center[0];
  const dy = origin[1] - spec.center[1];
  const dz = origin[2] - spec.center[2];
  if (spec.kind === "box") {
    const cos = Math.cos(spec.yawRad);
    const sin = Math.sin(spec.yawRad);
    return { kind: 0, ox: cos * dx + sin * dy, oy: -sin * dx + cos * dy, oz: dz, cos, sin, hx: spec.widthM / 2, hy: spec.lengthM / 2, hz: spec.heightM / 2, r2: 0 };
  }
  if (spec.kind === "sphere") return { kind: 1, ox: dx, oy: dy, oz: dz, cos: 1, sin: 0, hx: spec.radiusM, hy: spec.radiusM, hz: spec.radiusM, r2: spec.radiusM ** 2 };
  return { kind: 2, ox: dx, oy: dy, oz: dz, cos: 1, sin: 0, hx: spec.radiusM, hy: spec.radiusM, hz: spec.heightM / 2, r2: spec.radiusM ** 2 };
}

/** Ray parameter of the first entry (the ray is origin + t d; t is the z depth when d_cam has z = 1). */
function intersect(p: Prepared, dx: number, dy: number, dz: number): number {
  if (p.kind === 0) {
    const lx = p.cos * dx + p.sin * dy;
    const ly = -p.sin * dx + p.cos * dy;
    let tNear = -Infinity;
    let tFar = Infinity;
    // Slabs; a zero direction component either always or never lies within its slab.
    if (lx !== 0) { const a = (-p.hx - p.ox) / lx, b = (p.hx - p.ox) / lx; tNear = Math.max(tNear, Math.min(a, b)); tFar = Math.min(tFar, Math.max(a, b)); } else if (Math.abs(p.ox) > p.hx) return NO_HIT;
    if (ly !== 0) { const a = (-p.hy - p.oy) / ly, b = (p.hy - p.oy) / ly; tNear = Math.max(tNear, Math.min(a, b)); tFar = Math.min(tFar, Math.max(a, b)); } else if (Math.abs(p.oy) > p.hy) return NO_HIT;
    if (dz !== 0) { const a = (-p.hz - p.oz) / dz, b = (p.hz - p.oz) / dz; tNear = Math.max(tNear, Math.min(a, b)); tFar = Math.min(tFar, Math.max(a, b)); } else if (Math.abs(p.oz) > p.hz) return NO_HIT;
    return tNear <= tFar && tNear > 0 ? tNear : NO_HIT;
  }
  if (p.kind === 1) {
    const a = dx * dx + dy * dy + dz * dz;
    const b = dx * p.ox + dy * p.oy + dz * p.oz;
    const c = p.ox * p.ox + p.oy * p.oy + p.oz * p.oz - p.r2;
    const disc = b * b - a * c;
    if (disc < 0) return NO_HIT;
    const t = (-b - Math.sqrt(disc)) / a;
    return t > 0 ? t : NO_HIT;
  }
  // Cylinder: the entry is the near side wall or one of the caps, whichever valid hit comes first.
  let best = NO_HIT;
  const a = dx * dx + dy * dy;
  if (a > 0) {
    const b = dx * p.ox + dy * p.oy;
    const c = p.ox * p.ox + p.oy * p.oy - p.r2;
    const disc = b * b - a * c;
    if (disc >= 0) {
      const t = (-b - Math.sqrt(disc)) / a;
      const z = p.oz + t * dz;
      if (t > 0 && z >= -p.hz && z <= p.hz) best = t;
    }
  }
  if (dz !== 0) {
    // Only the cap facing the ray can be an entry.
    const t = ((dz < 0 ? p.hz : -p.hz) - p.oz) / dz;
    if (t > 0 && t < best) {
      const x = p.ox + t * dx;
      const y = p.oy + t * dy;
      if (x * x + y * y <= p.r2) best = t;
    }
  }
  return best;
}

/** Outward surface normal (world) at ray parameter t. */
function normalAt(p: Prepared, t: number, dx: number, dy: number, dz: number): Vec3 {
  const x = p.ox + t * dx;
  const y = p.oy + t * dy;
  const z = p.oz + t * dz;
  if (p.kind === 0) {
    const lx = p.ox + t * (p.cos * dx + p.sin * dy);
    const ly = p.oy + t * (-p.sin * dx + p.cos * dy);
    const ax = Math.abs(lx) / p.hx, ay = Math.abs(ly) / p.hy, az = Math.abs(z) / p.hz;
    if (az >= ax && az >= ay) return [0, 0, Math.sign(z)];
    const [nx, ny] = ax >= ay ? [Math.sign(lx), 0] : [0, Math.sign(ly)];
    return [p.cos * nx - p.sin * ny, p.sin * nx + p.cos * ny, 0];
  }
  if (p.kind === 1) {
    const r = Math.hypot(x, y, z);
    return [x / r, y / r, z / r];
  }
  if (Math.abs(Math.abs(z) - p.hz) < 1e-9 * Math.max(1, p.hz)) return [0, 0, Math.sign(z)];
  const r = Math.hypot(x, y);
  return [x / r, y / r, 0];
}

interface PreparedWall { nx: number; ny: number; offset: number; sx: number; sy: number; ux: number; uy: number; lengthM: number; heightM: number; infinite: boolean }

function prepareWall(w: WallSpec): PreparedWall {
  const ex = w.end[0] - w.start[0];
  const ey = w.end[1] - w.start[1];
  const lengthM = Math.hypot(ex, ey);
  if (!(lengthM > 0)) throw new RangeError("a wall needs distinct start and end points");
  const ux = ex / lengthM, uy = ey / lengthM;
  return { nx: -uy, ny: ux, offset: -(-uy * w.start[0] + ux * w.start[1]), sx: w.start[0], sy: w.start[1], ux, uy, lengthM, heightM: w.heightM ?? Infinity, infinite: w.infinite ?? false };
}

// Light from above, a little from the camera's usual side; shading stays within [0.8, 1] of the flat
// colour so a colour name read from the pixels is the one the scene asked for.
const LIGHT: Vec3 = normalize([0.3, -0.5, 1]);

function shade(rgb: Uint8Array, o: number, color: Rgb, n: Vec3, dx: number, dy: number, dz: number): void {
  // Two-sided: use the normal facing the camera.
  const facing = n[0] * dx + n[1] * dy + n[2] * dz > 0 ? -1 : 1;
  const lambert = Math.max(0, facing * (n[0] * LIGHT[0] + n[1] * LIGHT[1] + n[2] * LIGHT[2]));
  const f = 0.8 + 0.2 * lambert;
  rgb[o] = Math.round(color[0] * f);
  rgb[o + 1] = Math.round(color[1] * f);
  rgb[o + 2] = Math.round(color[2] * f);
}

/**
 * Casts one ray through every pixel centre and keeps the nearest hit.
 * Example: `renderScene({ camera, objects: [box] }).depthM[v * width + u]` is the exact z depth there.
 */
export function renderScene(scene: SceneSpec, options: RenderOptions = {}): SceneRender {
  const { camera } = scene;
  const { width, height } = camera;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) throw new RangeError(`image size must be positive integers, got ${width}×${height}`);
  if (!(camera.focalPx > 0)) throw new RangeError(`focalPx must be positive, got ${camera.focalPx}`);
  const maxDepthM = options.maxDepthM ?? 20;
  const k = cameraIntrinsics(camera);
  const worldFromCam = worldFromCamera(camera);
  const canonical = canonicalFromWorld(camera);
  const origin = camera.position;
  const r = worldFromCam.rotation;
  const prepared = scene.objects.map((o) => prepare(o, origin));
  const walls = (scene.walls ?? []).map(prepareWall);
  const floor = (scene.floor ?? true) && origin[2] > 0;
  const n = scene.objects.length;

  const depthM = new Float32Array(width * height);
  const instance = new Int32Array(width * height).fill(INSTANCE_NOTHING);
  const rgb = new Uint8Array(width * height * 3);
  const visible = new Int32Array(n);
  const unoccluded = new Int32Array(n);
  const bounds = Array.from({ length: n }, () => [Infinity, Infinity, -Infinity, -Infinity]);

  for (let v = 0; v < height; v++) {
    const yn = (v - k.cy) / k.fy;
    for (let u = 0; u < width; u++) {
      const xn = (u - k.cx) / k.fx;
      // World direction of the camera ray (xn, yn, 1): its parameter t is the z depth.
      const dx = r[0] * xn + r[1] * yn + r[2];
      const dy = r[3] * xn + r[4] * yn + r[5];
      const dz = r[6] * xn + r[7] * yn + r[8];
      let bestT = maxDepthM;
      let best = INSTANCE_NOTHING;
      let wallHit = -1;
      if (floor && dz < 0) {
        const t = -origin[2] / dz;
        if (t <= bestT) { bestT = t; best = INSTANCE_FLOOR; }
      }
      for (let w = 0; w < walls.length; w++) {
        const wall = walls[w];
        const denom = wall.nx * dx + wall.ny * dy;
        if (denom === 0) continue;
        const t = -(wall.nx * origin[0] + wall.ny * origin[1] + wall.offset) / denom;
        if (!(t > 0 && t < bestT)) continue;
        const z = origin[2] + t * dz;
        if (z < 0 || z > wall.heightM) continue;
        if (!wall.infinite) {
          const along = (origin[0] + t * dx - wall.sx) * wall.ux + (origin[1] + t * dy - wall.sy) * wall.uy;
          if (along < 0 || along > wall.lengthM) continue;
        }
        bestT = t; best = INSTANCE_WALL; wallHit = w;
      }
      for (let i = 0; i < n; i++) {
        const t = intersect(prepared[i], dx, dy, dz);
        if (t > maxDepthM) continue;
        unoccluded[i]++;
        if (t < bestT) { bestT = t; best = i; }
      }
      const pixel = v * width + u;
      if (best === INSTANCE_NOTHING) {
        rgb[pixel * 3] = SKY_RGB[0]; rgb[pixel * 3 + 1] = SKY_RGB[1]; rgb[pixel * 3 + 2] = SKY_RGB[2];
        continue;
      }
      depthM[pixel] = bestT;
      instance[pixel] = best;
      if (best >= 0) {
        visible[best]++;
        const b = bounds[best];
        if (u < b[0]) b[0] = u;
        if (v < b[1]) b[1] = v;
        if (u > b[2]) b[2] = u;
        if (v > b[3]) b[3] = v;
        shade(rgb, pixel * 3, scene.objects[best].color, normalAt(prepared[best], bestT, dx, dy, dz), dx, dy, dz);
      } else if (best === INSTANCE_WALL) {
        shade(rgb, pixel * 3, WALL_RGB, [walls[wallHit].nx, walls[wallHit].ny, 0], dx, dy, dz);
      } else {
        shade(rgb, pixel * 3, FLOOR_RGB, [0, 0, 1], dx, dy, dz);
      }
    }
  }

  const camFromWorld = invert(worldFromCam);
  const objects = scene.objects.map((spec, index): RenderedObject => {
    const dims = objectDims(spec);
    const centerCanonical = applyToPoint(canonical, spec.center);
    const b = bounds[index];
    return {
      index,
      id: spec.id,
      label: spec.label,
      kind: spec.kind,
      color: [...spec.color],
      ...(spec.colorName === undefined ? {} : { colorName: spec.colorName }),
      centerWorld: [...spec.center],
      centerCam: applyToPoint(camFromWorld, spec.center),
      centerCanonical,
      boxWorld: normalizeUprightBox([...spec.center], dims.widthM, dims.lengthM, dims.heightM, dims.yawRad),
      boxCanonical: normalizeUprightBox(centerCanonical, dims.widthM, dims.lengthM, dims.heightM, dims.yawRad - camera.yawRad),
      visiblePixels: visible[index],
      unoccludedPixels: unoccluded[index],
      visibleFraction: unoccluded[index] > 0 ? visible[index] / unoccluded[index] : 0,
      box2d: visible[index] > 0 ? [b[0], b[1], b[2] + 1, b[3] + 1] : null,
    };
  });

  return {
    width, height, intrinsics: k, worldFromCam, canonicalFromWorld: canonical,
    canonicalFromCam: compose(canonical, worldFromCam),
    depthM, instance, rgb, objects, maxDepthM,
  };
}

function objectDims(spec: ObjectSpec): { widthM: number; lengthM: number; heightM: number; yawRad: number } {
  if (spec.kind === "box") return spec;
  if (spec.kind === "sphere") return { widthM: 2 * spec.radiusM, lengthM: 2 * spec.radiusM, heightM: 2 * spec.radiusM, yawRad: 0 };
  return { widthM: 2 * spec.radiusM, lengthM: 2 * spec.radiusM, heightM: spec.heightM, yawRad: 0 };
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function normalize(a: Vec3): Vec3 {
  const l = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / l, a[1] / l, a[2] / l];
}
