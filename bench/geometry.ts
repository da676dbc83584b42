// Geometry benchmark: our pure-TypeScript point-cloud ops against Open3D 0.16 on the same points
// (nyu_00000's depth unprojected to camera-frame points, metres), both single-threaded.
// Prints a table (op, ours ms, Open3D ms, ours/Open3D, the same ratio in CPU time, agreement) and
// writes .reports/bench-geometry.json. Both wall-clock and CPU time are kept because the bench
// machines are shared: other processes stretch wall-clock time by whatever they take, at
// different moments for our run and Open3D's, while CPU time only counts each side's own work
// (both single-threaded; Node's also counts its GC and compiler threads, which can only count against us).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { dbscan, segmentPlane, statisticalOutlierInliers, unprojectDepth, voxelDownsample } from "../packages/shared/src/geometry/index.js";
import type { Intrinsics, Points, Vec3 } from "../packages/shared/src/geometry/index.js";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURE = "fixtures/rgbd/nyu_00000";
const PYTHON = process.env.OPEN3D_PYTHON ?? "/usr/bin/python3";

/** The parameters both sides run with. */
export const PARAMS = {
  voxelM: 0.02,
  sor: { neighbours: 20, stdRatio: 2.0 },
  plane: { distanceM: 0.02, ransacN: 3, iterations: 1000 },
  dbscan: { epsM: 0.05, minPoints: 10 },
  runs: 5,
  slowRuns: 5,
} as const;

/** A missing prerequisite the bench cannot run without (exit non-zero). */
export class BenchSetupError extends Error {}

interface Check { pass: boolean; detail: string }
export interface OpRow {
  op: string;
  oursMs: number;
  open3dMs: number | null;
  ratio: number | null;
  /** Median CPU time of the same runs, and ours / Open3D's. */
  oursCpuMs: number;
  open3dCpuMs: number | null;
  cpuRatio: number | null;
  check: Check | null;
  ours: Record<string, unknown>;
  open3d: Record<string, unknown> | null;
}
export interface GeometryBenchReport {
  fixture: string;
  points: number;
  voxelPoints: number;
  node: string;
  open3d: string | null;
  open3dSkipped: string | null;
  threads: 1;
  params: typeof PARAMS;
  rows: OpRow[];
  allPass: boolean | null;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** This process's CPU time so far (user + system), in ms. */
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** Median wall-clock and CPU ms of `runs` calls after one warm-up call, and the last call's result. */
function timed<T>(fn: () => T, runs: number): { ms: number; cpuMs: number; result: T } {
  let result = fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const startCpu = cpuMs();
    const start = performance.now();
    result = fn();
    wall.push(performance.now() - start);
    cpu.push(cpuMs() - startCpu);
  }
  return { ms: median(wall), cpuMs: median(cpu), result };
}

async function loadFixturePoints(fixtureDir: string): Promise<Points> {
  const k = JSON.parse(readFileSync(join(fixtureDir, "intrinsics.json"), "utf8")) as Intrinsics;
  // Without toColourspace("grey16"), sharp 0.34 turns a 16-bit grey PNG into 3-channel sRGB that went
  // through 8 bits (3496 mm reads back as 13): `.raw({ depth: "ushort" })` alone is not enough.
  const { data, info } = await sharp(join(fixtureDir, "depth.png")).toColourspace("grey16").raw({ depth: "ushort" }).toBuffer({ resolveWithObject: true });
  // Should a PNG still decode with extra channels (grey + alpha), depth is the first.
  const channels = info.channels;
  const all = new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  if (all.length !== info.width * info.height * channels) throw new BenchSetupError(`depth.png decoded to ${all.length} values, expected ${info.width}×${info.height}×${channels} 16-bit`);
  const depth = new Uint16Array(info.width * info.height);
  for (let i = 0; i < depth.length; i++) depth[i] = all[i * channels];
  return unprojectDepth({ width: info.width, height: info.height, data: depth, unitsPerMetre: 1000 }, k).pointsCam;
}

function writePoints(path: string, points: Points): void {
  writeFileSync(path, new Uint8Array(points.buffer, points.byteOffset, points.byteLength));
}

function readTyped<T extends Uint32Array | Int32Array>(path: string, Type: new (b: ArrayBuffer) => T): T {
  const bytes = readFileSync(path);
  return new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** |A ∩ B| / |A ∪ B| of two ascending-or-not index sets. */
function jaccard(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const setA = new Set(Array.from(a));
  let both = 0;
  for (let i = 0; i < b.length; i++) if (setA.has(b[i])) both++;
  const union = setA.size + b.length - both;
  return union === 0 ? 1 : both / union;
}

const withinPct = (ours: number, ref: number, pct: number) => Math.abs(ours - ref) <= (pct / 100) * Math.max(1, ref);
const pctDiff = (ours: number, ref: number) => `${(((ours - ref) / Math.max(1, ref)) * 100).toFixed(2)}%`;

function angleDeg(a: Vec3, b: Vec3): number {
  const dot = Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (Math.hypot(...a) * Math.hypot(...b));
  return (Math.acos(Math.min(1, dot)) * 180) / Math.PI;
}

/** Why Open3D cannot be used here, or null when it can. */
function open3dUnavailable(): string | null {
  const install = "install it with: apt-get install python3-open3d";
  if (!existsSync(PYTHON)) return `${PYTHON} not found; ${install}`;
  const probe = spawnSync(PYTHON, ["-c", "import open3d"], { encoding: "utf8" });
  if (probe.status !== 0) return `${PYTHON} cannot import open3d; ${install}`;
  return null;
}

interface Open3dReport {
  open3d: string;
  /** Timings: `ms` wall-clock, `cpuMs` the process's CPU time, both medians of the same runs. */
  ops: {
    voxel: { ms: number; cpuMs: number; count: number };
    sorAll: { ms: number; cpuMs: number; kept: number };
    sorVoxel: { ms: number; cpuMs: number; kept: number };
    plane: { ms: number; cpuMs: number; normal: Vec3; offset: number; inliers: number };
    dbscan: { ms: number; cpuMs: number; clusters: number; noise: number };
  };
}

function runOpen3d(pointsPath: string, voxelPath: string, outDir: string): Open3dReport {
  const p = PARAMS;
  const args = [
    join(REPO_ROOT, "bench/open3d_geometry.py"), "--points", pointsPath, "--voxel-points", voxelPath, "--out-dir", outDir,
    "--runs", String(p.runs), "--slow-runs", String(p.slowRuns), "--voxel", String(p.voxelM),
    "--sor-neighbours", String(p.sor.neighbours), "--sor-std", String(p.sor.stdRatio),
    "--plane-distance", String(p.plane.distanceM), "--plane-iterations", String(p.plane.iterations),
    "--dbscan-eps", String(p.dbscan.epsM), "--dbscan-min-points", String(p.dbscan.minPoints),
  ];
  const run = spawnSync(PYTHON, args, { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1" }, maxBuffer: 16 << 20 });
  if (run.status !== 0) throw new Error(`open3d_geometry.py failed (exit ${run.status}): ${run.stderr.trim().split("\n").slice(-5).join("\n")}`);
  const lastLine = run.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(lastLine) as Open3dReport;
}

function formatTable(rows: OpRow[]): string {
  const header = ["op", "ours ms", "Open3D ms", "ours/Open3D", "CPU ratio", "agreement"];
  const body = rows.map((r) => [
    r.op,
    r.oursMs.toFixed(1),
    r.open3dMs === null ? "-" : r.open3dMs.toFixed(1),
    r.ratio === null ? "-" : r.ratio.toFixed(2),
    r.cpuRatio === null ? "-" : r.cpuRatio.toFixed(2),
    r.check === null ? "-" : `${r.check.pass ? "PASS" : "FAIL"}  ${r.check.detail}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/** Runs the whole geometry bench, prints its table and writes its JSON report. */
export async function runGeometryBench(log: (line: string) => void = console.log): Promise<GeometryBenchReport> {
  const sharedDir = resolve(REPO_ROOT, "../shared");
  if (!existsSync(sharedDir)) throw new BenchSetupError(`../shared not found (looked for ${sharedDir}): the geometry bench needs its RGB-D fixture ${FIXTURE}`);
  const fixtureDir = join(sharedDir, FIXTURE);
  if (!existsSync(join(fixtureDir, "depth.png"))) throw new BenchSetupError(`fixture missing: ${join(fixtureDir, "depth.png")}`);

  const points = await loadFixturePoints(fixtureDir);
  const n = points.length / 3;
  const p = PARAMS;
  log(`geometry bench: ${FIXTURE}, ${n} points, single-threaded; median of ${p.runs} runs (${p.slowRuns} for SOR on all points and the plane) after a warm-up; CPU ratio: the same runs in CPU time`);

  const voxel = timed(() => voxelDownsample(points, p.voxelM), p.runs);
  const voxelCloud = voxel.result;
  const sorAll = timed(() => statisticalOutlierInliers(points, p.sor.neighbours, p.sor.stdRatio), p.slowRuns);
  const sorVoxel = timed(() => statisticalOutlierInliers(voxelCloud, p.sor.neighbours, p.sor.stdRatio), p.runs);
  const plane = timed(() => segmentPlane(points, { distanceM: p.plane.distanceM, iterations: p.plane.iterations, seed: 0 }), p.slowRuns);
  const clusters = timed(() => dbscan(voxelCloud, p.dbscan.epsM, p.dbscan.minPoints), p.runs);

  const unavailable = open3dUnavailable();
  let o3d: Open3dReport | null = null;
  const overlap: Record<string, number> = {};
  if (unavailable) {
    log(`Open3D comparison skipped: ${unavailable}. Reporting our timings only.`);
  } else {
    const tmp = mkdtempSync(join(tmpdir(), "bench-geometry-"));
    try {
      writePoints(join(tmp, "points.f32"), points);
      // SOR and DBSCAN on the voxel cloud get the same input on both sides: ours.
      writePoints(join(tmp, "voxel.f32"), voxelCloud);
      o3d = runOpen3d(join(tmp, "points.f32"), join(tmp, "voxel.f32"), tmp);
      overlap.sorAll = jaccard(sorAll.result, readTyped(join(tmp, "open3d_sor_all.u32"), Uint32Array));
      overlap.sorVoxel = jaccard(sorVoxel.result, readTyped(join(tmp, "open3d_sor_voxel.u32"), Uint32Array));
      if (plane.result) overlap.plane = jaccard(plane.result.inliers, readTyped(join(tmp, "open3d_plane_inliers.u32"), Uint32Array));
      const labels = readTyped(join(tmp, "open3d_dbscan_labels.i32"), Int32Array);
      let sameNoise = 0;
      for (let i = 0; i < labels.length; i++) if ((labels[i] < 0) === (clusters.result.labels[i] < 0)) sameNoise++;
      overlap.dbscanNoiseAgreement = labels.length ? sameNoise / labels.length : 1;
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  const planeFit = plane.result;
  const oursPlane = planeFit ? { normal: planeFit.plane.normal, offset: planeFit.plane.offset, inliers: planeFit.inliers.length } : { normal: null, offset: null, inliers: 0 };
  const row = (op: string, time: { ms: number; cpuMs: number }, ours: Record<string, unknown>, ref: { ms: number; cpuMs: number } | null, check: () => Check): OpRow => ({
    op, ours,
    oursMs: time.ms,
    open3dMs: ref ? ref.ms : null,
    ratio: ref ? time.ms / ref.ms : null,
    oursCpuMs: time.cpuMs,
    open3dCpuMs: ref ? ref.cpuMs : null,
    cpuRatio: ref ? time.cpuMs / ref.cpuMs : null,
    check: ref ? check() : null,
    open3d: ref ? { ...ref } : null,
  });
  const r = o3d?.ops ?? null;
  const rows: OpRow[] = [
    row(`voxel_down_sample(${p.voxelM})`, voxel, { count: voxelCloud.length / 3 }, r?.voxel ?? null, () => ({
      pass: voxelCloud.length / 3 === r!.voxel.count,
      detail: `voxels ${voxelCloud.length / 3} vs ${r!.voxel.count}`,
    })),
    row(`remove_statistical_outlier(${p.sor.neighbours}, ${p.sor.stdRatio}) all`, sorAll, { kept: sorAll.result.length, of: n }, r?.sorAll ?? null, () => ({
      pass: withinPct(sorAll.result.length, r!.sorAll.kept, 2),
      detail: `kept ${sorAll.result.length} vs ${r!.sorAll.kept} (${pctDiff(sorAll.result.length, r!.sorAll.kept)}), same points ${(overlap.sorAll * 100).toFixed(2)}%`,
    })),
    row(`remove_statistical_outlier(${p.sor.neighbours}, ${p.sor.stdRatio}) voxel`, sorVoxel, { kept: sorVoxel.result.length, of: voxelCloud.length / 3 }, r?.sorVoxel ?? null, () => ({
      pass: withinPct(sorVoxel.result.length, r!.sorVoxel.kept, 2),
      detail: `kept ${sorVoxel.result.length} vs ${r!.sorVoxel.kept} (${pctDiff(sorVoxel.result.length, r!.sorVoxel.kept)}), same points ${(overlap.sorVoxel * 100).toFixed(2)}%`,
    })),
    row(`segment_plane(${p.plane.distanceM}, ${p.plane.ransacN}, ${p.plane.iterations})`, plane, oursPlane, r?.plane ?? null, () => {
      if (!planeFit) return { pass: false, detail: "ours found no plane" };
      const angle = angleDeg(planeFit.plane.normal, r!.plane.normal);
      return {
        pass: angle <= 2 && withinPct(planeFit.inliers.length, r!.plane.inliers, 2),
        detail: `normal ${angle.toFixed(2)}° apart, inliers ${planeFit.inliers.length} vs ${r!.plane.inliers} (${pctDiff(planeFit.inliers.length, r!.plane.inliers)}), same points ${((overlap.plane ?? 0) * 100).toFixed(2)}%`,
      };
    }),
    row(`cluster_dbscan(${p.dbscan.epsM}, ${p.dbscan.minPoints}) voxel`, clusters, { clusters: clusters.result.clusterCount, noise: countNoise(clusters.result.labels) }, r?.dbscan ?? null, () => ({
      pass: clusters.result.clusterCount === r!.dbscan.clusters,
      detail: `clusters ${clusters.result.clusterCount} vs ${r!.dbscan.clusters}, noise ${countNoise(clusters.result.labels)} vs ${r!.dbscan.noise}`,
    })),
  ];

  const report: GeometryBenchReport = {
    fixture: FIXTURE,
    points: n,
    voxelPoints: voxelCloud.length / 3,
    node: process.version,
    open3d: o3d?.open3d ?? null,
    open3dSkipped: unavailable,
    threads: 1,
    params: PARAMS,
    rows,
    allPass: o3d ? rows.every((row) => row.check?.pass) : null,
  };
  log(formatTable(rows));
  const reportsDir = join(REPO_ROOT, ".reports");
  mkdirSync(reportsDir, { recursive: true });
  writeFileSync(join(reportsDir, "bench-geometry.json"), JSON.stringify(report, null, 2) + "\n");
  log(`wrote ${join(".reports", "bench-geometry.json")}`);
  return report;
}

function countNoise(labels: Int32Array): number {
  let noise = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] < 0) noise++;
  return noise;
}
