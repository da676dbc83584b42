// Perception benchmark on the real RGB-D fixtures (../shared/fixtures/rgbd), CPU, this machine:
// 1. per-stage and end-to-end latency of the pipeline on a 640×480 frame with depth given (and
//    with priors depth), plus answering questions from the graph;
// 2. stability of the 3D lifting with the fixtures' real depth: each detection box jittered by up
//    to ±5% of its size per edge, 10 times — the spread of object sizes and pairwise distances;
// 3. the `priors` depth source against the fixtures' real depth (pixels and object distances).
// Writes .reports/bench-perception.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { answerQuestion, type SceneGraph } from "../packages/shared/src/index.js";
import { createRng } from "../packages/shared/src/geometry/random.js";
import { PerceptionPipeline, type Stage } from "../apps/gpu-runner/src/index.js";
import { decodeImage } from "../apps/gpu-runner/src/image/decode.js";
import { loadDepthMap } from "../apps/gpu-runner/src/depth/input-depth.js";
import { estimatePriorsDepth } from "../apps/gpu-runner/src/depth/priors-depth.js";
import { evaluateDepthAgainstReference } from "../apps/gpu-runner/src/depth/evaluate.js";
import { BenchSetupError, REPO_ROOT } from "./geometry.js";

const FIXTURES = join(REPO_ROOT, "../shared/fixtures/rgbd");
interface Fixture { name: string; rgb: string; depth: string; unitsPerMetre: number; intrinsics: { fx: number; fy: number; cx: number; cy: number } }

function fixtures(): Fixture[] {
  if (!existsSync(FIXTURES)) throw new BenchSetupError(`../shared/fixtures/rgbd not found (looked for ${FIXTURES})`);
  const k = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name, "intrinsics.json"), "utf8"));
  const rgbd = (name: string, rgb: string): Fixture => ({ name, rgb: join(FIXTURES, name, rgb), depth: join(FIXTURES, name, "depth.png"), unitsPerMetre: 1000, intrinsics: k(name) });
  return [
    rgbd("nyu_00000", "rgb.jpg"),
    rgbd("unidepth_demo", "rgb.png"),
    rgbd("kitti_000008", "rgb.png"),
    rgbd("sunrgbd_000017", "rgb.jpg"),
    { name: "open3d TUM", rgb: join(FIXTURES, "open3d_pairs/TUM_color.png"), depth: join(FIXTURES, "open3d_pairs/TUM_depth.png"), unitsPerMetre: 5000, intrinsics: { fx: 525, fy: 525, cx: 319.5, cy: 239.5 } },
  ];
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[s.length >> 1] : NaN; };
const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN; };
const cv = (xs: number[]) => { const m = xs.reduce((a, b) => a + b, 0) / xs.length; return m > 0 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length) / m : 0; };
const ms = (x: number) => x.toFixed(1).padStart(8);

async function latency(pipeline: PerceptionPipeline, f: Fixture, withDepth: boolean, runs: number) {
  const request = { image: f.rgb, intrinsics: f.intrinsics, ...(withDepth ? { depth: { input: f.depth, unitsPerMetre: f.unitsPerMetre } } : {}) };
  for (let i = 0; i < 2; i++) await pipeline.perceive(request);
  const perStage: Record<string, number[]> = {};
  const total: number[] = [];
  const answer: number[] = [];
  let graph: SceneGraph | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await pipeline.perceive(request);
    total.push(performance.now() - t0);
    for (const [stage, t] of Object.entries(r.timingsMs)) (perStage[stage] ??= []).push(t);
    graph = r.graph;
    const labels = graph.objects.map((o) => o.label);
    const t1 = performance.now();
    answerQuestion(`How far is the ${labels[0] ?? "chair"} from the ${labels[1] ?? "table"}?`, graph);
    answerQuestion(`Is the ${labels[0] ?? "chair"} to the left of the ${labels[1] ?? "table"}?`, graph);
    answerQuestion(`How tall is the ${labels[0] ?? "chair"}?`, graph);
    answer.push((performance.now() - t1) / 3);
  }
  return { stagesMs: Object.fromEntries(Object.entries(perStage).map(([s, t]) => [s, median(t)])) as Record<Stage, number>, endToEndMs: median(total), answerMs: median(answer), objects: graph?.objects.length ?? 0 };
}

async function stability(pipeline: PerceptionPipeline, f: Fixture, trials: number) {
  const base = await pipeline.perceive({ image: f.rgb, intrinsics: f.intrinsics, depth: { input: f.depth, unitsPerMetre: f.unitsPerMetre } });
  const { width, height } = base.image;
  const dets = base.detections;
  const rng = createRng(11);
  const sizes: number[][][] = dets.map(() => [[], [], []]);
  const distances = new Map<string, number[]>();
  for (let t = 0; t < trials; t++) {
    const objects = dets.map((d) => {
      const [x1, y1, x2, y2] = d.box2d, w = x2 - x1, h = y2 - y1;
      const j = (v: number, s: number, hi: number) => Math.min(hi, Math.max(0, v + (rng() * 2 - 1) * 0.05 * s));
      const box: [number, number, number, number] = [j(x1, w, width), j(y1, h, height), j(x2, w, width), j(y2, h, height)];
      return { label: d.label, score: d.score, box2d: box };
    });
    const { graph } = await pipeline.perceive({ image: f.rgb, intrinsics: f.intrinsics, depth: { input: f.depth, unitsPerMetre: f.unitsPerMetre }, objects });
    // Objects without 3D are listed apart (graph.unlocated): index by id ("obj-<detection index>").
    const indexOf = (id: string) => Number(id.slice(4));
    graph.objects.forEach((o) => {
      const i = indexOf(o.id);
      if (o.pointCount === 0 || o.attributes.truncated) return;
      sizes[i][0].push(o.box.widthM); sizes[i][1].push(o.box.heightM); sizes[i][2].push(o.box.lengthM);
      graph.objects.forEach((p) => {
        const j = indexOf(p.id);
        if (j <= i || p.pointCount === 0 || p.attributes.truncated) return;
        const key = `${i}-${j}`;
        (distances.get(key) ?? distances.set(key, []).get(key)!).push(Math.hypot(...[0, 1, 2].map((a) => o.box.center[a] - p.box.center[a])));
      });
    });
  }
  const sizeCvs = sizes.flatMap((axes) => axes.filter((v) => v.length === trials).map(cv));
  const distanceCvs = [...distances.values()].filter((v) => v.length === trials).map(cv);
  const measured = base.graph.objects.filter((o) => o.pointCount > 0 && !o.attributes.truncated).map((o) => `${o.label} ${o.box.widthM.toFixed(2)}×${o.box.heightM.toFixed(2)}×${o.box.lengthM.toFixed(2)}`);
  return { objects: dets.length, measuredObjects: sizeCvs.length / 3, sizeCvMedian: median(sizeCvs), sizeCvP90: quantile(sizeCvs, 0.9), distancePairs: distanceCvs.length, distanceCvMedian: median(distanceCvs), distanceCvP90: quantile(distanceCvs, 0.9), sizesWxHxL: measured };
}

async function priors(pipeline: PerceptionPipeline, f: Fixture) {
  const { image } = await decodeImage(f.rgb);
  const reference = await loadDepthMap(f.depth, { unitsPerMetre: f.unitsPerMetre, imageWidth: image.width, imageHeight: image.height });
  const withInput = await pipeline.perceive({ image: f.rgb, intrinsics: f.intrinsics, depth: { input: f.depth, unitsPerMetre: f.unitsPerMetre } });
  const priorsDepth = estimatePriorsDepth({ width: image.width, height: image.height, intrinsics: f.intrinsics, detections: withInput.detections });
  const pixels = evaluateDepthAgainstReference(priorsDepth.depth, reference);
  // Object level: the same detections lifted with priors depth vs with the real depth.
  const withPriors = await pipeline.perceive({ image: f.rgb, intrinsics: f.intrinsics, objects: withInput.detections.map((d) => ({ label: d.label, score: d.score, box2d: d.box2d })) });
  const objectErrors: number[] = [], objectRatios: number[] = [];
  withInput.graph.objects.forEach((o) => {
    const p = withPriors.graph.objects.find((q) => q.id === o.id);
    if (!p || o.pointCount === 0 || p.pointCount === 0) return;
    const zTrue = Math.hypot(...o.centerCam), zEst = Math.hypot(...p.centerCam);
    objectErrors.push(Math.abs(zEst - zTrue) / zTrue);
    objectRatios.push(zEst / zTrue);
  });
  return { absRel: pixels.absRel, delta125: pixels.delta125, coverage: pixels.coverage, comparedPixels: pixels.comparedPixels, cameraFrom: priorsDepth.cameraFrom, objectDistanceRelErrMedian: median(objectErrors), objectDistanceRelErrP90: quantile(objectErrors, 0.9), objectDistanceRatioMedian: median(objectRatios), objectsCompared: objectErrors.length };
}

export async function runPerceptionBench(): Promise<void> {
  const all = fixtures();
  const pipeline = await PerceptionPipeline.create();
  try {
    const nyu = all[0];
    const runs = 10;
    const withDepth = await latency(pipeline, nyu, true, runs);
    const withPriors = await latency(pipeline, nyu, false, runs);
    console.log(`\nperception bench: ${nyu.name} 640×480, CPU (onnxruntime-node), median of ${runs} after 2 warm-ups`);
    console.log(`stage          depth given   priors depth`);
    for (const s of ["decode", "detect", "depth", "segment", "lift"] as const) console.log(`${s.padEnd(12)} ${ms(withDepth.stagesMs[s] ?? NaN)} ms  ${ms(withPriors.stagesMs[s] ?? NaN)} ms`);
    console.log(`${"end to end".padEnd(12)} ${ms(withDepth.endToEndMs)} ms  ${ms(withPriors.endToEndMs)} ms   (goal with depth given: < 500 ms: ${withDepth.endToEndMs < 500 ? "met" : "NOT met"})`);
    console.log(`${"answer (1 q)".padEnd(12)} ${ms(withDepth.answerMs)} ms  ${ms(withPriors.answerMs)} ms`);

    const stable: Record<string, Awaited<ReturnType<typeof stability>>> = {};
    const prior: Record<string, Awaited<ReturnType<typeof priors>>> = {};
    console.log(`\n3D lifting stability with real depth: boxes jittered ±5% per edge, 10 trials (coefficient of variation)`);
    console.log(`fixture          objects  size CV median / p90   distance CV median / p90 (pairs)`);
    for (const f of all) {
      const s = (stable[f.name] = await stability(pipeline, f, 10));
      console.log(`${f.name.padEnd(16)} ${String(s.measuredObjects).padStart(3)}/${String(s.objects).padEnd(3)}  ${(100 * s.sizeCvMedian).toFixed(1).padStart(5)}% / ${(100 * s.sizeCvP90).toFixed(1).padStart(5)}%      ${(100 * s.distanceCvMedian).toFixed(1).padStart(5)}% / ${(100 * s.distanceCvP90).toFixed(1).padStart(5)}% (${s.distancePairs})`);
      console.log(`${"".padEnd(16)} sizes w×h×l m: ${s.sizesWxHxL.join("; ")}`);
    }
    console.log(`\npriors depth (no depth input) against the fixtures' real depth`);
    console.log(`fixture          absRel   δ<1.25  coverage  camera from   object distance err median / p90 (n)   est/real median (bias)`);
    for (const f of all) {
      const p = (prior[f.name] = await priors(pipeline, f));
      console.log(`${f.name.padEnd(16)} ${p.absRel.toFixed(3).padStart(6)}  ${p.delta125.toFixed(2).padStart(6)}  ${p.coverage.toFixed(2).padStart(8)}  ${p.cameraFrom.padEnd(12)} ${(100 * p.objectDistanceRelErrMedian).toFixed(0).padStart(4)}% / ${(100 * p.objectDistanceRelErrP90).toFixed(0)}% (${p.objectsCompared})      ×${p.objectDistanceRatioMedian.toFixed(2)}`);
    }
    mkdirSync(join(REPO_ROOT, ".reports"), { recursive: true });
    writeFileSync(join(REPO_ROOT, ".reports/bench-perception.json"), JSON.stringify({ latency: { fixture: nyu.name, runs, withDepth, withPriors }, stability: stable, priors: prior }, null, 2));
    console.log("wrote .reports/bench-perception.json");
  } finally {
    await pipeline.dispose();
  }
}
