// Reward annotation benchmark (`npm run bench -- --only=reward`, loopback, this machine): a rendered
// episode (a block sliding to a can; 19 frames with depth and boxes) at 320×240 and 640×480 through
// the real service — worker, D1, R2, one real CPU runner — and through `perceiveRewardSequence` in
// this process. Per frame: the runner's own time (perception + reward, `ms` of reward.frame) and the
// interval between consecutive reward.frame events at the client (what a caller waits per frame);
// end to end: the create call (uploads included), and from it to the first frame and to the last.
// Writes .reports/bench-reward.json.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "../packages/sdk/src/index.js";
import { PerceptionPipeline, perceiveRewardSequence } from "../apps/gpu-runner/src/index.js";
import { createApiKey, killGroup, startLocalWorker, wranglerVar } from "../scripts/local-edge.js";
import { renderEpisode, type Episode } from "../scripts/reward-frames.js";
import { REPO_ROOT } from "./geometry.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))] ?? NaN;
const r1 = (x: number) => Math.round(x * 10) / 10;

async function inProcess(episode: Episode): Promise<number[]> {
  const pipeline = await PerceptionPipeline.create({ device: "cpu" });
  try {
    const ms: number[] = [];
    await perceiveRewardSequence({
      task: episode.task, frameCount: episode.frames.length, depthScale: 1000, intrinsics: episode.intrinsics, thresholds: {},
      loadFrame: async (i) => ({ image: Buffer.from(episode.frames[i].rgbPng), depth: Buffer.from(episode.frames[i].depthPng) }),
      objectsOf: (i) => episode.frames[i].objects,
    }, pipeline, new AbortController().signal, (e) => { if (e.type === "reward.frame") ms.push(e.ms); });
    return ms;
  } finally {
    await pipeline.dispose();
  }
}

async function throughService(base: string, key: string, episode: Episode) {
  const client = createClient({ baseUrl: base, apiKey: key });
  const started = performance.now();
  const arrivals: number[] = [];
  const runnerMs: number[] = [];
  const created = await client.rewards.create({ task: episode.task, intrinsics: episode.intrinsics, frames: episode.frames.map((f) => ({ image: f.rgbPng, depth: f.depthPng, objects: f.objects })) });
  const createdMs = performance.now() - started;
  for await (const e of client.rewards.follow(created.job.id, { eventsUrl: created.eventsUrl })) {
    if (e.type === "reward.frame") {
      arrivals.push(performance.now() - started);
      runnerMs.push(e.ms);
    }
  }
  const intervals = arrivals.slice(1).map((t, i) => t - arrivals[i]);
  return { createdMs: r1(createdMs), firstFrameMs: r1(arrivals[0]), lastFrameMs: r1(arrivals.at(-1)!), intervalMedianMs: r1(median(intervals)), intervalP90Ms: r1(p90(intervals)), runnerMedianMs: r1(median(runnerMs)), runnerP90Ms: r1(p90(runnerMs)) };
}

export async function runRewardBench(): Promise<void> {
  const log = (s: string) => console.log(s);
  const sizes = [[320, 240], [640, 480]] as const;
  const report: Record<string, unknown> = {};
  const { worker, base } = await startLocalWorker(mkdtempSync(join(tmpdir(), "spatial-bench-reward-")));
  const runner = spawn(join(REPO_ROOT, "node_modules/.bin/tsx"), [join(REPO_ROOT, "apps/gpu-runner/src/main.ts"), "--edge", base, "--token", wranglerVar("RUNNER_TOKEN"), "--runner-id", "bench-reward"], { cwd: REPO_ROOT, stdio: "ignore", detached: true });
  try {
    const key = await createApiKey(base, "bench-reward", { rateLimit: { perMinute: 100_000, burst: 100_000 } });
    log("reward bench: a rendered 19-frame episode (depth + boxes), one CPU runner, loopback");
    for (const [width, height] of sizes) {
      const episode = renderEpisode({ width, height, noiseM: 0.005 });
      // A first sequence warms the runner (model load, JIT); the second is measured.
      await throughService(base, key, renderEpisode({ width, height, xs: [-0.5, -0.4] }));
      const service = await throughService(base, key, episode);
      const local = await inProcess(episode);
      const row = { service, inProcessMedianMs: r1(median(local.slice(1))), inProcessP90Ms: r1(p90(local.slice(1))) };
      report[`${width}x${height}`] = row;
      log(`  ${width}×${height}: per frame at the client ${service.intervalMedianMs} ms median (p90 ${service.intervalP90Ms}); on the runner ${service.runnerMedianMs} ms (p90 ${service.runnerP90Ms}); in-process ${row.inProcessMedianMs} ms; created (${episode.frames.length * 2} uploads) in ${service.createdMs} ms, first frame ${service.firstFrameMs} ms and last ${service.lastFrameMs} ms after the call`);
    }
  } finally {
    await killGroup(runner, "SIGKILL");
    await worker.stop();
  }
  mkdirSync(join(REPO_ROOT, ".reports"), { recursive: true });
  writeFileSync(join(REPO_ROOT, ".reports/bench-reward.json"), `${JSON.stringify(report, null, 2)}\n`);
}
