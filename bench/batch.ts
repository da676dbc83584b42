// Batch benchmark, the part this machine can measure: `spatial synth --local` as a user runs it
// (a real process, real models, worker threads), on the real RGB-D fixture photos (twice each, under
// different names: no cache between items) plus rendered scenes with their labelled masks.
// 1. images per minute with 1 and with 2 perception threads (scaling), wall clock of the whole
//    command (model loading included) and the perception rate the progress line reports;
// 2. QA pairs per image and the share of pairs with unambiguous references (report.json).
// Writes .reports/bench-batch.json.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeRenderedScene } from "../scripts/rendered-scene-files.js";
import { BenchSetupError, REPO_ROOT } from "./geometry.js";

const FIXTURES = join(REPO_ROOT, "../shared/fixtures/rgbd");
const PHOTOS = ["nyu_00000", "unidepth_demo", "kitti_000008", "sunrgbd_000017"];
const COPIES = 2;
const SCENE_SEEDS = [3, 14, 21, 27];

async function prepareInput(dir: string): Promise<number> {
  for (const photo of PHOTOS) {
    for (let c = 0; c < COPIES; c++) {
      const target = join(dir, `${photo}-${c}`);
      mkdirSync(target, { recursive: true });
      for (const file of readdirSync(join(FIXTURES, photo))) copyFileSync(join(FIXTURES, photo, file), join(target, file));
    }
  }
  for (const seed of SCENE_SEEDS) await writeRenderedScene(dir, seed);
  return PHOTOS.length * COPIES + SCENE_SEEDS.length;
}

function synth(input: string, out: string, workers: number): Promise<{ wallS: number; stderr: string; stdout: string; code: number | null }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(REPO_ROOT, "packages/cli/bin/spatial.js"), "synth", input, "--out", out, "--local", "--workers", String(workers), "--json"], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ wallS: (performance.now() - t0) / 1000, stderr, stdout, code })));
}

export async function runBatchBench(): Promise<void> {
  if (!existsSync(FIXTURES)) throw new BenchSetupError(`../shared/fixtures/rgbd not found (looked for ${FIXTURES})`);
  const work = mkdtempSync(join(tmpdir(), "bench-batch-"));
  const input = join(work, "images");
  mkdirSync(input);
  const images = await prepareInput(input);
  console.log(`\n== batch: spatial synth --local on ${images} images (${PHOTOS.length} RGB-D photos ×${COPIES}, ${SCENE_SEEDS.length} rendered scenes), CPU ==`);
  const runs = [];
  for (const workers of [1, 2]) {
    const out = join(work, `out-${workers}`);
    const r = await synth(input, out, workers);
    if (r.code !== 0) throw new Error(`spatial synth exited ${r.code}: ${r.stderr.trim().split("\n").pop()}`);
    const perception = [...r.stderr.matchAll(/([\d.]+) images\/min/g)].pop()?.[1];
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    const run = { workers, wallS: r.wallS, imagesPerMinWall: (images / r.wallS) * 60, imagesPerMinPerception: perception ? Number(perception) : null, report };
    runs.push(run);
    console.log(`  ${workers} thread${workers > 1 ? "s" : " "}: ${r.wallS.toFixed(1)} s wall → ${run.imagesPerMinWall.toFixed(1)} images/min (perception only ${run.imagesPerMinPerception ?? "?"} images/min)`);
  }
  const [one, two] = runs;
  const scaling = two.imagesPerMinPerception && one.imagesPerMinPerception ? two.imagesPerMinPerception / one.imagesPerMinPerception : null;
  const report = two.report;
  console.log(`  scaling 1 → 2 threads: ×${scaling?.toFixed(2) ?? "?"} (perception rate), ×${(two.imagesPerMinWall / one.imagesPerMinWall).toFixed(2)} (wall)`);
  console.log(`  images: ${report.images.in_dataset} in the dataset, ${report.images.skipped} skipped ${JSON.stringify(report.skipped)}, ${report.images.failed} failed`);
  console.log(`  QA pairs: ${report.qa_pairs} (${report.qa_pairs_per_image} per image in the dataset, default 3 per family and form); unambiguous references: ${report.unambiguous_share === null ? "n/a" : `${(report.unambiguous_share * 100).toFixed(1)} %`} (${report.dropped.ambiguous} candidates dropped)`);
  mkdirSync(join(REPO_ROOT, ".reports"), { recursive: true });
  writeFileSync(join(REPO_ROOT, ".reports/bench-batch.json"), JSON.stringify({ images, runs: runs.map(({ report: r, ...rest }) => ({ ...rest, qaPairs: r.qa_pairs })), scaling, qaPairsPerImage: report.qa_pairs_per_image, unambiguousShare: report.unambiguous_share, droppedAmbiguous: report.dropped.ambiguous, skipped: report.skipped, perFamily: report.per_family }, null, 2));
}
