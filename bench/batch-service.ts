// Batch benchmark through the service (`npm run bench -- --only=batch`, loopback, this machine):
// 1. Control plane: a batch of items (default 1,000; `--batch-items=10000` for the size) through the
//    queue, D1 and a runner hub with 4 simulated runners that answer each job at once: items per
//    second from creation to batch.completed (the edge's own throughput, perception excluded).
// 2. Real perception: the RGB-D fixture photos (each 3 times under other intrinsics, so no cache
//    hit) through the edge with 1 and then 2 real CPU runners: images per minute, QA pairs per
//    image and the share of unambiguous pairs from the batch's report.json.
// Writes .reports/bench-batch-service.json.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type SpatialClient } from "../packages/sdk/src/index.js";
import { createApiKey, killGroup, startLocalWorker, wranglerVar } from "../scripts/local-edge.js";
import { BenchSetupError, REPO_ROOT } from "./geometry.js";
import { simulatedRunner } from "./service.js";

const PHOTOS = [["unidepth_demo", "rgb.png"], ["nyu_00000", "rgb.jpg"], ["kitti_000008", "rgb.png"], ["sunrgbd_000017", "rgb.jpg"]] as const;

async function waitDone(client: SpatialClient, id: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const view = await client.batches.get(id);
    if (["completed", "failed", "cancelled"].includes(view.status)) return view;
    if (Date.now() > until) throw new Error(`batch ${id} still ${view.status} (${JSON.stringify(view.counts)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A 64×48 PNG the edge accepts (signature + IHDR; the simulated runners never decode it). */
function tinyPng(): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, 64);
  new DataView(bytes.buffer).setUint32(20, 48);
  bytes[24] = 8;
  bytes[25] = 2;
  return bytes;
}

async function controlPlane(items: number): Promise<Record<string, number>> {
  const { worker, base } = await startLocalWorker(mkdtempSync(join(tmpdir(), "spatial-bench-batch-")));
  const runners = [];
  try {
    const client = createClient({ baseUrl: base, apiKey: await createApiKey(base, "bench-batch", { rateLimit: { perMinute: 100_000, burst: 100_000 } }) });
    for (let i = 0; i < 4; i++) runners.push(await simulatedRunner(base, wranglerVar("RUNNER_TOKEN"), `sim-${i}`, "bench-batch"));
    const upload = (await client.batches.upload(tinyPng())).upload;
    // Distinct intrinsics per item: a distinct scene each (no cache hit between items).
    const body = { items: Array.from({ length: items }, (_, i) => ({ id: `i${i}`, upload, intrinsics: { fx: 40 + i / 1000, fy: 40, cx: 32, cy: 24 } })), synthesis: { seed: 1 }, formats: ["jsonl" as const], pool: "bench-batch" };
    const manifest = (await client.batches.upload(new TextEncoder().encode(body.items.map((i) => JSON.stringify(i)).join("\n")), "manifest")).upload;
    const t0 = performance.now();
    const created = await client.batches.create({ manifest, synthesis: body.synthesis, formats: body.formats, pool: body.pool });
    const createMs = performance.now() - t0;
    const done = await waitDone(client, created.batch.id, 30 * 60_000);
    const seconds = (performance.now() - t0) / 1000;
    if (done.status !== "completed") throw new Error(`the control-plane batch ended ${done.status}`);
    return { items, createMs: Math.round(createMs), seconds: Math.round(seconds * 10) / 10, itemsPerSecond: Math.round((items / seconds) * 10) / 10 };
  } finally {
    for (const r of runners) r.close();
    await worker.stop();
  }
}

async function realRunners(runnerCount: number): Promise<Record<string, number | null>> {
  const fixtures = join(REPO_ROOT, "../shared/fixtures/rgbd");
  const { worker, base } = await startLocalWorker(mkdtempSync(join(tmpdir(), "spatial-bench-batch-real-")));
  const children: ChildProcess[] = [];
  try {
    const client = createClient({ baseUrl: base, apiKey: await createApiKey(base, "bench-batch-real", { rateLimit: { perMinute: 100_000, burst: 100_000 } }) });
    for (let i = 0; i < runnerCount; i++) {
      children.push(spawn(join(REPO_ROOT, "node_modules/.bin/tsx"), [join(REPO_ROOT, "apps/gpu-runner/src/main.ts"), "--edge", base, "--token", wranglerVar("RUNNER_TOKEN"), "--runner-id", `bench-${i}`], { cwd: REPO_ROOT, stdio: "ignore", detached: true }));
    }
    const items = [];
    for (const [dir, rgb] of PHOTOS) {
      let image: Buffer, depth: Buffer, k: { fx: number; fy: number; cx: number; cy: number };
      try {
        image = readFileSync(join(fixtures, dir, rgb));
        depth = readFileSync(join(fixtures, dir, "depth.png"));
        k = JSON.parse(readFileSync(join(fixtures, dir, "intrinsics.json"), "utf8"));
      } catch {
        throw new BenchSetupError(`${fixtures}/${dir} is missing: the batch bench needs ../shared/fixtures`);
      }
      const upload = (await client.batches.upload(new Uint8Array(image))).upload;
      const depthUpload = (await client.batches.upload(new Uint8Array(depth), "depth")).upload;
      for (let c = 0; c < 3; c++) items.push({ id: `${dir}-${c}`, upload, depth: depthUpload, depthScale: 1000, intrinsics: { ...k, fx: k.fx * (1 + c / 100), fy: k.fy * (1 + c / 100) } });
    }
    // Let the runners load their models first: the figure is the steady rate.
    await new Promise((r) => setTimeout(r, 6000));
    const t0 = performance.now();
    const created = await client.batches.create({ items, synthesis: { seed: 5 }, formats: ["jsonl"] });
    const done = await waitDone(client, created.batch.id, 10 * 60_000);
    const minutes = (performance.now() - t0) / 60_000;
    const report = JSON.parse(new TextDecoder().decode(await client.batches.file(created.batch.id, "report.json"))) as { unambiguous_share: number | null; images: { in_dataset: number } };
    return {
      runners: runnerCount, images: items.length, failed: done.counts.failed, imagesPerMinute: Math.round((items.length / minutes) * 10) / 10,
      qaPerImage: report.images.in_dataset ? Math.round((done.qaPairs / report.images.in_dataset) * 10) / 10 : 0, unambiguousShare: report.unambiguous_share,
    };
  } finally {
    await Promise.all(children.map((c) => killGroup(c, "SIGKILL")));
    await worker.stop();
  }
}

export async function runBatchServiceBench(): Promise<void> {
  console.log("\n# batches through the service (loopback)");
  const arg = process.argv.find((a) => a.startsWith("--batch-items="));
  const control = await controlPlane(arg ? Number(arg.slice(14)) : 1_000);
  console.log(`control plane, ${control.items} items, 4 simulated runners: ${control.itemsPerSecond} items/s (${control.seconds} s; creation answered in ${control.createMs} ms)`);
  const one = await realRunners(1);
  console.log(`real CPU runners, ${one.images} fixture photos with depth: 1 runner ${one.imagesPerMinute} images/min`);
  const two = await realRunners(2);
  console.log(`  2 runners ${two.imagesPerMinute} images/min (×${Math.round(((two.imagesPerMinute as number) / (one.imagesPerMinute as number)) * 100) / 100}); ${two.qaPerImage} QA pairs per image, unambiguous share ${two.unambiguousShare}`);
  mkdirSync(join(REPO_ROOT, ".reports"), { recursive: true });
  writeFileSync(join(REPO_ROOT, ".reports/bench-batch-service.json"), JSON.stringify({ control, one, two }, null, 2));
}
