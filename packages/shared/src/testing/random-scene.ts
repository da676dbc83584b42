// Seeded random scenes for the renderer: a few objects standing on the floor (some stacked: a cup on
// a table) in front of a randomly posed camera, each at least partly visible. Frames as in
// render-scene.ts: objects are placed in the canonical frame (origin on the floor below the camera,
// y forward, x right, z up) and stored in the render world, which differs from it by a random yaw
// and offset so that code under test cannot get away with confusing the two.
import type { Vec3 } from "../geometry/types.js";
import { applyToPoint, invert } from "../geometry/rigid.js";
import { createRng } from "../geometry/random.js";
import { canonicalFromWorld, renderScene } from "./render-scene.js";
import type { CameraSpec, ObjectSpec, Rgb, SceneRender, SceneSpec, WallSpec } from "./render-scene.js";


/** Clearly distinct basic colours, each far from the floor and wall colours. */
export const PALETTE: ReadonlyArray<{ name: string; rgb: Rgb }> = [
  { name: "red", rgb: [220, 30, 30] },
  { name: "green", rgb: [30, 170, 50] },
  { name: "blue", rgb: [30, 60, 220] },
  { name: "yellow", rgb: [240, 220, 30] },
  { name: "white", rgb: [245, 245, 245] },
  { name: "black", rgb: [20, 20, 20] },
  { name: "orange", rgb: [245, 130, 20] },
  { name: "purple", rgb: [130, 40, 170] },
];

type Range = [number, number];
interface CatalogueEntry { label: string; kind: ObjectSpec["kind"]; width: Range; length: Range; height: Range }

/** Labels with plausible sizes in metres (cylinders and spheres: width = diameter). */
export const CATALOGUE: ReadonlyArray<CatalogueEntry> = [
  { label: "box", kind: "box", width: [0.2, 1.0], length: [0.2, 1.0], height: [0.2, 1.0] },
  { label: "table", kind: "box", width: [0.8, 1.5], length: [0.6, 1.2], height: [0.6, 0.9] },
  { label: "chair", kind: "box", width: [0.4, 0.6], length: [0.4, 0.6], height: [0.8, 1.1] },
  { label: "sofa", kind: "box", width: [1.2, 1.5], length: [0.7, 1.0], height: [0.7, 0.9] },
  { label: "cabinet", kind: "box", width: [0.4, 1.0], length: [0.3, 0.6], height: [0.8, 1.5] },
  { label: "ball", kind: "sphere", width: [0.2, 0.8], length: [0, 0], height: [0, 0] },
  { label: "barrel", kind: "cylinder", width: [0.4, 0.7], length: [0, 0], height: [0.6, 1.2] },
  { label: "trash can", kind: "cylinder", width: [0.3, 0.5], length: [0, 0], height: [0.4, 0.8] },
  { label: "cup", kind: "cylinder", width: [0.2, 0.3], length: [0, 0], height: [0.2, 0.3] },
];

export interface RandomSceneOptions {
  width?: number;
  height?: number;
  minObjects?: number;
  maxObjects?: number;
  /** Chance that a scene with a table gets a cup, and that a cup goes on a table when there is one (default 0.5). */
  stackProbability?: number;
  /** An infinite wall behind the objects, facing the camera (default false). */
  backWall?: boolean;
  /** Every object must show at least this many pixels (default 30). */
  minVisiblePixels?: number;
  maxAttempts?: number;
  maxDepthM?: number;
}

export interface RandomScene {
  seed: number;
  /** How many draws it took to get a scene where every object is visible. */
  attempts: number;
  hfovDeg: number;
  scene: SceneSpec;
  /** Per object (same order): the id of the object it rests on, or null for the floor. */
  restsOn: (string | null)[];
  render: SceneRender;
}

/** A seeded scene of 2–5 objects, rendered; the same seed and options give the same scene. */
export function randomScene(seed: number, options: RandomSceneOptions = {}): RandomScene {
  const { width = 640, height = 480, minObjects = 2, maxObjects = 5, minVisiblePixels = 30, maxAttempts = 200 } = options;
  if (!(minObjects >= 1 && maxObjects >= minObjects && maxObjects <= PALETTE.length)) throw new RangeError(`need 1 ≤ minObjects ≤ maxObjects ≤ ${PALETTE.length}`);
  const rng = createRng(seed);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const draw = drawScene(rng, width, height, minObjects, maxObjects, options);
    if (!draw) continue;
    const render = renderScene(draw.scene, { maxDepthM: options.maxDepthM ?? 20 });
    if (render.objects.every((o) => o.visiblePixels >= minVisiblePixels)) return { seed, attempts: attempt, ...draw, render };
  }
  throw new Error(`randomScene(${seed}): no scene with every object visible in ${maxAttempts} attempts`);
}

interface Placed { x: number; y: number; radius: number; support: number | null; entry: CatalogueEntry; spec: ObjectSpec }

function drawScene(rng: () => number, width: number, height: number, minObjects: number, maxObjects: number, options: RandomSceneOptions) {
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rng();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)];
  const hfovDeg = uniform(50, 90);
  const focalPx = width / 2 / Math.tan((hfovDeg * Math.PI) / 360);
  const camera: CameraSpec = {
    position: [uniform(-3, 3), uniform(-3, 3), uniform(1, 2)],
    yawRad: uniform(-Math.PI, Math.PI),
    pitchRad: (uniform(10, 40) * Math.PI) / 180,
    focalPx,
    width,
    height,
  };
  // The stretch of floor in view along the forward direction, from the image's bottom edge to its
  // top edge (or a few metres where the top edge looks above the horizon).
  const halfV = Math.atan(height / 2 / focalPx);
  const camHeight = camera.position[2];
  const near = camHeight / Math.tan(Math.min(camera.pitchRad + halfV, (85 * Math.PI) / 180));
  const far = camera.pitchRad - halfV > 0.05 ? Math.min(6, camHeight / Math.tan(camera.pitchRad - halfV)) : 6;
  const tanHalfH = Math.tan((hfovDeg * Math.PI) / 360);

  const count = minObjects + Math.floor(rng() * (maxObjects - minObjects + 1));
  const colours = [...PALETTE];
  const placed: Placed[] = [];
  const margin = 0.05;
  // Tables first, so that a cup drawn later can go on one.
  const entries = Array.from({ length: count }, () => pick(CATALOGUE)).sort((a, b) => Number(a.label !== "table") - Number(b.label !== "table"));
  const stackProbability = options.stackProbability ?? 0.5;
  // A scene with a table often gets a cup to put on it.
  if (entries[0].label === "table" && count > 1 && !entries.some((e) => e.label === "cup") && rng() < stackProbability) {
    entries[count - 1] = CATALOGUE.find((e) => e.label === "cup")!;
  }
  for (let i = 0; i < count; i++) {
    const entry = entries[i];
    const colour = colours.splice(Math.floor(rng() * colours.length), 1)[0];
    const w = uniform(...entry.width);
    const l = entry.kind === "box" ? uniform(...entry.length) : w;
    const h = entry.kind === "sphere" ? w : uniform(...entry.height);
    const yaw = entry.kind === "box" ? uniform(-Math.PI / 2, Math.PI / 2) : 0;
    const radius = Math.hypot(w, l) / 2;
    const tables = placed.map((p, k) => (p.entry.label === "table" && p.support === null ? k : -1)).filter((k) => k >= 0);
    let spot: { x: number; y: number; z0: number; support: number | null } | null = null;
    if (entry.label === "cup" && tables.length > 0 && rng() < stackProbability) {
      spot = spotOnTable(placed[pick(tables)], placed, radius, margin, uniform);
    }
    for (let tries = 0; !spot && tries < 50; tries++) {
      const y = uniform(Math.max(near + 0.3, radius + 0.4), Math.max(near + 1, far));
      const x = uniform(-0.9, 0.9) * y * tanHalfH;
      if (placed.every((p) => p.support !== null || Math.hypot(p.x - x, p.y - y) > p.radius + radius + margin)) spot = { x, y, z0: 0, support: null };
    }
    if (!spot) return null;
    const base = { id: `obj-${i}`, label: entry.label, color: [...colour.rgb] as Rgb, colorName: colour.name, center: [spot.x, spot.y, spot.z0 + h / 2] as Vec3 };
    const spec: ObjectSpec =
      entry.kind === "box" ? { ...base, kind: "box", widthM: w, lengthM: l, heightM: h, yawRad: yaw }
      : entry.kind === "sphere" ? { ...base, kind: "sphere", radiusM: w / 2 }
      : { ...base, kind: "cylinder", radiusM: w / 2, heightM: h };
    placed.push({ x: spot.x, y: spot.y, radius, support: spot.support, entry, spec });
  }

  // Placement happened in the canonical frame; the scene lives in the render world.
  const worldFromCanonical = invert(canonicalFromWorld(camera));
  const toWorld = (p: Vec3) => applyToPoint(worldFromCanonical, p);
  const objects = placed.map(({ spec }): ObjectSpec => {
    const center = toWorld(spec.center);
    return spec.kind === "box" ? { ...spec, center, yawRad: spec.yawRad + camera.yawRad } : { ...spec, center };
  });
  const walls: WallSpec[] = [];
  if (options.backWall) {
    const y = Math.max(...placed.map((p) => p.y + p.radius)) + uniform(0.5, 1.5);
    const a = toWorld([-1, y, 0]);
    const b = toWorld([1, y, 0]);
    walls.push({ start: [a[0], a[1]], end: [b[0], b[1]], infinite: true });
  }
  const scene: SceneSpec = { camera, objects, ...(walls.length ? { walls } : {}) };
  return { hfovDeg, scene, restsOn: placed.map((p) => (p.support === null ? null : placed[p.support].spec.id)) };
}

/** A spot on the table's top where a footprint of `radius` fits and clears what is already there. */
function spotOnTable(table: Placed, placed: Placed[], radius: number, margin: number, uniform: (lo: number, hi: number) => number) {
  const spec = table.spec;
  if (spec.kind !== "box") return null;
  const hx = spec.widthM / 2 - radius - margin;
  const hy = spec.lengthM / 2 - radius - margin;
  if (hx <= 0 || hy <= 0) return null;
  const support = placed.indexOf(table);
  for (let tries = 0; tries < 20; tries++) {
    const lx = uniform(-hx, hx);
    const ly = uniform(-hy, hy);
    const x = table.x + Math.cos(spec.yawRad) * lx - Math.sin(spec.yawRad) * ly;
    const y = table.y + Math.sin(spec.yawRad) * lx + Math.cos(spec.yawRad) * ly;
    const clear = placed.every((p) => p.support !== support || Math.hypot(p.x - x, p.y - y) > p.radius + radius + margin);
    if (clear) return { x, y, z0: spec.heightM, support };
  }
  return null;
}
