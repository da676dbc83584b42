// 3D fidelity on real photos: the pipeline (as `spatial scene --local` runs it) on
// ../shared/fixtures/real3d (KITTI, SUN RGB-D, ScanNet frames with the datasets' whole-object 3D
// boxes), scored against that truth, once with the frames' depth and once RGB-only (priors depth).
// Frames: OpenCV camera (x right, y down, z forward), metres.
//
// Figures (issue 11): detections matched to truth objects of the same class at 2D IoU ≥ 0.5;
// median centre error; camera distance within 0.8–1.25×; width / height / length within
// 0.8–1.25× (horizontal sides sorted, width ≤ length: orientation is ignored); pairwise centre
// distances within 0.8–1.25× and 0.5–2×; objects emitted with invented 3D (a centre at the camera,
// no extent at all, or a non-finite number); RGB-only, flat boxes (smaller horizontal side under a tenth of the
// largest side). Writes .reports/bench-real3d.json.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sceneOutput, type ObjectOutput, type SceneOutput } from "../packages/shared/src/protocol/scene-output.js";
import { PerceptionPipeline } from "../apps/gpu-runner/src/index.js";
import { BenchSetupError, REPO_ROOT } from "./geometry.js";

export const REAL3D_DIR = join(REPO_ROOT, "../shared/fixtures/real3d");

type Box2d = [number, number, number, number];
type Vec3 = [number, number, number];
export interface TruthObject { label: string; box2d: Box2d; center_cam: Vec3; size_m: { width: number; height: number; length: number } }
export interface Real3dFrame { name: string; rgb: string; depth: string; intrinsics: { fx: number; fy: number; cx: number; cy: number }; truth: TruthObject[] }

/** The fixture frames with their truth; throws BenchSetupError (clear message) when ../shared is absent. */
export function loadReal3dFrames(dir = REAL3D_DIR): Real3dFrame[] {
  if (!existsSync(join(dir, "truth.json"))) throw new BenchSetupError(`../shared/fixtures/real3d not found (looked for ${join(dir, "truth.json")})`);
  const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")) as Record<string, { objects: TruthObject[] }>;
  return Object.entries(truth).map(([name, t]) => {
    const files = readdirSync(join(dir, name));
    const rgb = files.find((f) => /^rgb\.(png|jpe?g)$/.test(f));
    if (!rgb) throw new BenchSetupError(`${name}: no rgb.png / rgb.jpg`);
    return { name, rgb: join(dir, name, rgb), depth: join(dir, name, "depth.png"), intrinsics: JSON.parse(readFileSync(join(dir, name, "intrinsics.json"), "utf8")), truth: t.objects };
  });
}

export function iou2d(a: readonly number[], b: readonly number[]): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])), h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = w * h, union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy one-to-one matching, best IoU first, same label, IoU ≥ minIou: [truth index, object index][]. */
export function matchObjects(truth: readonly TruthObject[], objects: readonly { label: string; box2d: readonly number[] }[], minIou = 0.5): [number, number][] {
  const candidates: [number, number, number][] = [];
  truth.forEach((t, i) => objects.forEach((o, j) => {
    const v = iou2d(t.box2d, o.box2d);
    if (o.label === t.label && v >= minIou) candidates.push([v, i, j]);
  }));
  candidates.sort((p, q) => q[0] - p[0]);
  const usedT = new Set<number>(), usedO = new Set<number>(), out: [number, number][] = [];
  for (const [, i, j] of candidates) if (!usedT.has(i) && !usedO.has(j)) { usedT.add(i); usedO.add(j); out.push([i, j]); }
  return out;
}

/** 3D facts that cannot be real: a centre at the camera, a zero size, a non-finite number. */
export function inventedThreeD(o: ObjectOutput): boolean {
  const nums = [...o.center_cam, o.size_m.width, o.size_m.height, o.size_m.length];
  if (!nums.every(Number.isFinite)) return true;
  return o.center_cam.every((v) => v === 0) || Math.max(o.size_m.width, o.size_m.height, o.size_m.length) <= 0;
}

/** Smaller horizontal side under a tenth of the largest side: a sheet, not a solid. */
export function flatBox(o: ObjectOutput): boolean {
  const { width, height, length } = o.size_m;
  return Math.min(width, length) < 0.1 * Math.max(width, height, length);
}

const within = (ratio: number, lo: number, hi: number) => ratio >= lo && ratio <= hi;
const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

export interface MatchedPair { frame: string; truth: TruthObject; got: ObjectOutput }
export interface Real3dScore {
  truthObjects: number;
  matched: number;
  emitted: number;
  unlocated: number;
  invented: number;
  flat: number;
  centreErrorMedianM: number;
  distanceWithin: number;
  widthWithin: number;
  heightWithin: number;
  lengthWithin: number;
  heightRatioMedian: number;
  nearerThanTruth: number;
  pairs: number;
  pairWithin125: number;
  pairWithin2: number;
  perObject: { frame: string; label: string; centreErrorM: number; distanceRatio: number; sizeRatios: [number, number, number]; got: ObjectOutput }[];
}

/** Scores scene outputs (per frame, same order as `frames`) against the frames' truth. */
export function scoreReal3d(frames: readonly Real3dFrame[], outputs: readonly (SceneOutput & { unlocated?: unknown[] })[]): Real3dScore {
  const matched: MatchedPair[] = [];
  const pairRatios: number[] = [];
  let emitted = 0, invented = 0, flat = 0, unlocated = 0;
  frames.forEach((f, k) => {
    const out = outputs[k];
    emitted += out.objects.length;
    unlocated += out.unlocated?.length ?? 0;
    invented += out.objects.filter(inventedThreeD).length;
    flat += out.objects.filter((o) => !inventedThreeD(o) && flatBox(o)).length;
    const m = matchObjects(f.truth, out.objects).map(([i, j]) => ({ frame: f.name, truth: f.truth[i], got: out.objects[j] }));
    matched.push(...m);
    for (let a = 0; a < m.length; a++) for (let b = a + 1; b < m.length; b++) {
      const t = dist(m[a].truth.center_cam, m[b].truth.center_cam);
      if (t > 0) pairRatios.push(dist(m[a].got.center_cam, m[b].got.center_cam) / t);
    }
  });
  const perObject = matched.map(({ frame, truth, got }) => {
    const [tw, tl] = [truth.size_m.width, truth.size_m.length].sort((a, b) => a - b);
    const [gw, gl] = [got.size_m.width, got.size_m.length].sort((a, b) => a - b);
    return {
      frame, label: truth.label, got,
      centreErrorM: dist(got.center_cam, truth.center_cam),
      distanceRatio: Math.hypot(...got.center_cam) / Math.hypot(...truth.center_cam),
      sizeRatios: [gw / tw, got.size_m.height / truth.size_m.height, gl / tl] as [number, number, number],
    };
  });
  const share = (pred: (p: (typeof perObject)[number]) => boolean) => perObject.filter(pred).length;
  return {
    truthObjects: frames.reduce((s, f) => s + f.truth.length, 0),
    matched: matched.length, emitted, unlocated, invented, flat,
    centreErrorMedianM: median(perObject.map((p) => p.centreErrorM)),
    distanceWithin: share((p) => within(p.distanceRatio, 0.8, 1.25)),
    widthWithin: share((p) => within(p.sizeRatios[0], 0.8, 1.25)),
    heightWithin: share((p) => within(p.sizeRatios[1], 0.8, 1.25)),
    lengthWithin: share((p) => within(p.sizeRatios[2], 0.8, 1.25)),
    heightRatioMedian: median(perObject.map((p) => p.sizeRatios[1])),
    nearerThanTruth: share((p) => p.distanceRatio < 1),
    pairs: pairRatios.length,
    pairWithin125: pairRatios.filter((r) => within(r, 0.8, 1.25)).length,
    pairWithin2: pairRatios.filter((r) => within(r, 0.5, 2)).length,
    perObject,
  };
}

function printScore(title: string, s: Real3dScore): void {
  const of = (n: number, d: number) => `${n}/${d}${d ? ` (${Math.round((100 * n) / d)}%)` : ""}`;
  console.log(`\n${title}`);
  console.log(`  matched (IoU ≥ 0.5)            ${of(s.matched, s.truthObjects)}   emitted ${s.emitted}, unlocated (no 3D, listed apart) ${s.unlocated}`);
  console.log(`  median centre error            ${s.centreErrorMedianM.toFixed(2)} m   (nearer than truth: ${of(s.nearerThanTruth, s.matched)})`);
  console.log(`  camera distance 0.8–1.25×      ${of(s.distanceWithin, s.matched)}`);
  console.log(`  width / height / length 0.8–1.25×  ${of(s.widthWithin, s.matched)} / ${of(s.heightWithin, s.matched)} / ${of(s.lengthWithin, s.matched)}   (median height ratio ${s.heightRatioMedian.toFixed(2)})`);
  console.log(`  pair distances 0.8–1.25× / 0.5–2×  ${of(s.pairWithin125, s.pairs)} / ${of(s.pairWithin2, s.pairs)}`);
  console.log(`  objects with invented 3D       ${s.invented}    flat boxes ${s.flat}`);
  for (const p of s.perObject) {
    const g = p.got;
    console.log(`    ${p.frame.padEnd(26)} ${p.label.padEnd(12)} centre err ${p.centreErrorM.toFixed(2)} m  dist ×${p.distanceRatio.toFixed(2)}  w/h/l ×${p.sizeRatios.map((r) => r.toFixed(2)).join("/")}  got ${g.size_m.width.toFixed(2)}×${g.size_m.height.toFixed(2)}×${g.size_m.length.toFixed(2)} (${g.points} pts)`);
  }
}

/** One detection pass per frame at a low threshold; recall and detections per frame at each higher threshold (NMS is greedy by score, so filtering afterwards equals running at that threshold). */
async function recallSweep(frames: readonly Real3dFrame[], sliced: boolean, thresholds: readonly number[]) {
  const pipeline = await PerceptionPipeline.create({ slicedDetection: sliced, detectionScoreThreshold: Math.min(...thresholds) });
  try {
    const perFrame: { label: string; score: number; box2d: number[] }[][] = [];
    const detectMs: number[] = [];
    for (const f of frames) {
      const r = await pipeline.perceive({ image: f.rgb, intrinsics: f.intrinsics, depth: { input: f.depth, unitsPerMetre: 1000 } });
      perFrame.push(r.detections);
      detectMs.push(r.timingsMs.detect ?? NaN);
    }
    return {
      detectMsMedian: median(detectMs),
      rows: thresholds.map((t) => {
        let matched = 0, detections = 0;
        frames.forEach((f, k) => {
          const kept = perFrame[k].filter((d) => d.score >= t);
          detections += kept.length;
          matched += matchObjects(f.truth, kept).length;
        });
        return { threshold: t, matched, detections };
      }),
    };
  } finally {
    await pipeline.dispose();
  }
}

export async function runReal3dBench(): Promise<{ depth: Real3dScore; rgbOnly: Real3dScore }> {
  const frames = loadReal3dFrames();
  const thresholds = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5];
  const sweeps = { single: await recallSweep(frames, false, thresholds), sliced: await recallSweep(frames, true, thresholds) };
  const truthCount = frames.reduce((s, f) => s + f.truth.length, 0);
  console.log(`\nrecall vs detector score threshold (${truthCount} truth objects, IoU ≥ 0.5, same class): matched / detections in all ${frames.length} frames`);
  console.log(`threshold   one pass (detect ${sweeps.single.detectMsMedian.toFixed(0)} ms/frame)   sliced (detect ${sweeps.sliced.detectMsMedian.toFixed(0)} ms/frame)`);
  thresholds.forEach((t, i) => console.log(`  ${t.toFixed(2)}      ${String(sweeps.single.rows[i].matched).padStart(2)} / ${String(sweeps.single.rows[i].detections).padEnd(4)}                    ${String(sweeps.sliced.rows[i].matched).padStart(2)} / ${sweeps.sliced.rows[i].detections}`));
  const pipeline = await PerceptionPipeline.create();
  try {
    const withDepth: SceneOutput[] = [], rgbOnly: SceneOutput[] = [];
    const ms: number[] = [];
    for (const f of frames) {
      const t0 = performance.now();
      withDepth.push(sceneOutput((await pipeline.perceive({ image: f.rgb, intrinsics: f.intrinsics, depth: { input: f.depth, unitsPerMetre: 1000 } })).graph));
      ms.push(performance.now() - t0);
      rgbOnly.push(sceneOutput((await pipeline.perceive({ image: f.rgb, intrinsics: f.intrinsics })).graph));
    }
    const scores = { depth: scoreReal3d(frames, withDepth), rgbOnly: scoreReal3d(frames, rgbOnly) };
    console.log(`\nreal3d bench: ${frames.length} real frames (../shared/fixtures/real3d), ${scores.depth.truthObjects} truth objects; median ${median(ms).toFixed(0)} ms per frame with depth (CPU)`);
    printScore("with depth (the frames' lidar / RGB-D depth)", scores.depth);
    printScore("RGB-only (priors depth)", scores.rgbOnly);
    mkdirSync(join(REPO_ROOT, ".reports"), { recursive: true });
    writeFileSync(join(REPO_ROOT, ".reports/bench-real3d.json"), JSON.stringify({ frames: frames.map((f) => f.name), recallSweep: sweeps, ...scores, outputs: { withDepth, rgbOnly } }, null, 2));
    console.log("wrote .reports/bench-real3d.json");
    return scores;
  } finally {
    await pipeline.dispose();
  }
}
