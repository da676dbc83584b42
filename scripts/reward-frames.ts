// Rendered robot episodes with known motion, for the reward tests, the CLI's and the bench: a
// fixed camera watches a block slide towards a can (approach), then hover near contact. Each frame
// comes as the files a user would send (RGB PNG, 16-bit depth PNG in millimetres, the objects'
// boxes) with the true gap between the two solids.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encode } from "fast-png";
import { createRng } from "../packages/shared/src/geometry/random.js";
import { renderScene, type CameraSpec, type ObjectSpec } from "../packages/shared/src/testing/index.js";
import type { InputObject, Intrinsics } from "../packages/shared/src/protocol/index.js";

export interface EpisodeFrame {
  rgbPng: Uint8Array;
  depthPng: Uint8Array;
  objects: InputObject[];
  /** True gap between the block and the can (metres). */
  truthGapM: number;
}

export interface Episode {
  frames: EpisodeFrame[];
  intrinsics: Intrinsics;
  task: string;
}

const CAN: ObjectSpec = { kind: "cylinder", id: "can", label: "can", color: [220, 30, 30], center: [0.3, 2.0, 0.15], radiusM: 0.1, heightM: 0.3 };
const block = (x: number): ObjectSpec => ({ kind: "box", id: "block", label: "block", color: [30, 60, 220], center: [x, 2.0, 0.1], widthM: 0.2, lengthM: 0.2, heightM: 0.2, yawRad: 0 });

/**
 * The block's centre x per frame: from a 65 cm gap to contact in `approachSteps` equal steps,
 * two frames resting in contact, then `hover` frames backed off to 3–4.5 cm (around the default
 * 3 cm success threshold, inside its hysteresis).
 */
export function blockPath(approachSteps = 10, hover = 6): number[] {
  const xs = Array.from({ length: approachSteps + 1 }, (_, i) => -0.55 + (0.65 * i) / approachSteps);
  const wobble = [0.06, 0.07, 0.055, 0.065, 0.06, 0.07];
  return [...xs, 0.1, 0.1, ...Array.from({ length: hover }, (_, i) => wobble[i % wobble.length])];
}

/** Renders the episode; `noiseM` adds uniform ±noiseM depth noise per pixel (seeded per frame). */
export function renderEpisode(o: { xs?: number[]; noiseM?: number; width?: number; height?: number } = {}): Episode {
  const width = o.width ?? 320, height = o.height ?? 240;
  const camera: CameraSpec = { position: [0, 0, 1.2], yawRad: 0, pitchRad: 0.55, focalPx: (400 * width) / 320, width, height };
  const xs = o.xs ?? blockPath();
  let intrinsics: Intrinsics | null = null;
  const frames = xs.map((x, i) => {
    const r = renderScene({ camera, objects: [CAN, block(x)] });
    intrinsics ??= r.intrinsics;
    const rng = createRng(100 + i);
    const mm = new Uint16Array(r.width * r.height);
    for (let p = 0; p < mm.length; p++) {
      const d = r.depthM[p];
      mm[p] = d > 0 ? Math.max(1, Math.round((d + (o.noiseM ? (rng() * 2 - 1) * o.noiseM : 0)) * 1000)) : 0;
    }
    return {
      rgbPng: encode({ width: r.width, height: r.height, data: r.rgb, channels: 3, depth: 8 }),
      depthPng: encode({ width: r.width, height: r.height, data: mm, channels: 1, depth: 16 }),
      objects: r.objects.filter((ob) => ob.box2d).map((ob) => ({ label: ob.label, box2d: ob.box2d! })),
      truthGapM: Math.max(0, 0.3 - 0.1 - (x + 0.1)),
    };
  });
  return { frames, intrinsics: intrinsics!, task: "move the block to the can" };
}

/** Writes frame_000.png, depth_000.png, objects_000.json … into `dir` (what `spatial reward` reads). */
export function writeEpisode(episode: Episode, dir: string): void {
  mkdirSync(dir, { recursive: true });
  episode.frames.forEach((f, i) => {
    const n = String(i).padStart(3, "0");
    writeFileSync(join(dir, `frame_${n}.png`), f.rgbPng);
    writeFileSync(join(dir, `depth_${n}.png`), f.depthPng);
    writeFileSync(join(dir, `objects_${n}.json`), JSON.stringify(f.objects));
  });
}
