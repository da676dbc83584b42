// Service benchmark (loopback, this machine): the real worker under wrangler's unstable_dev.
// 1. Time to first event and to the final answer through the edge with one real CPU runner,
//    against the runner's own pipeline time (stage.completed ms summed): the edge's added latency.
// 2. Jobs per second through a runner hub with several simulated runners (WebSocket clients that
//    answer each assignment at once with a tiny scene graph): the hub and job rooms' throughput.
// 3. Latency of a cache-hit answer (same image again, new question, no runner involved).
// Writes .reports/bench-service.json.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { createClient } from "../packages/sdk/src/client.js";
import { PIPELINE_VERSION, PROTOCOL_VERSION, parseHubMessage } from "../packages/shared/src/protocol/index.js";
import { BenchSetupError, REPO_ROOT } from "./geometry.js";
import { createApiKey, startLocalWorker, wranglerVar } from "../scripts/local-edge.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** A runner that answers every assignment at once: measures the edge, not perception. */
export function simulatedRunner(base: string, token: string, id: string, pool = "default"): Promise<WebSocket> {
  return new Promise((ready, fail) => {
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}/v1/runners/connect?pool=${pool}`, { headers: { authorization: `Bearer ${token}` } });
    ws.once("error", fail);
    ws.on("open", () => ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: "runner.hello", runnerId: id, capabilities: { models: [], device: "cpu", concurrency: 8, pipelineVersion: PIPELINE_VERSION } })));
    ws.on("message", (data) => {
      const msg = parseHubMessage(data.toString());
      if (msg?.type === "hub.welcome") {
        // A live runner heartbeats; one silent for a lease timeout is dropped by the hub.
        const beat = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: "runner.heartbeat", activeJobs: [] })), msg.heartbeatIntervalMs);
        ws.once("close", () => clearInterval(beat));
        ready(ws);
      }
      if (msg?.type !== "job.assign") return;
      const send = (event: unknown) => ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: "job.event", jobId: msg.job.jobId, leaseId: msg.leaseId, event }));
      const graph = { version: 1, image: { width: 4, height: 4 }, intrinsics: { fx: 4, fy: 4, cx: 1.5, cy: 1.5, source: "fov-estimate" }, depth: { source: "priors" }, frame: { canonicalized: false, upSource: "camera", worldFromCam: { rotation: [1, 0, 0, 0, 0, 1, 0, -1, 0], translation: [0, 0, 0] }, cameraHeightM: 0 }, objects: [] };
      send({ type: "scene.graph", graph });
      send({ type: "job.completed", ms: 0 });
    });
  });
}

export async function runServiceBench(): Promise<void> {
  const fixture = join(REPO_ROOT, "../shared/fixtures/rgbd/unidepth_demo");
  const state = mkdtempSync(join(tmpdir(), "spatial-bench-"));
  const { worker, base } = await startLocalWorker(state).catch((e: Error) => { throw new BenchSetupError(e.message); });
  const runnerToken = wranglerVar("RUNNER_TOKEN");
  let runner: ChildProcess | undefined;
  const sims: WebSocket[] = [];
  try {
    // The bench measures the hub, not the per-key rate limiter.
    const key = await createApiKey(base, "bench", { rateLimit: { perMinute: 100_000, burst: 10_000 } });
    const client = createClient({ baseUrl: base, apiKey: key });
    const image = readFileSync(join(fixture, "rgb.png")), depth = readFileSync(join(fixture, "depth.png"));
    const intrinsics = JSON.parse(readFileSync(join(fixture, "intrinsics.json"), "utf8"));

    // 1. One real runner, jobs one after another (distinct depth scales defeat the cache).
    runner = spawn(join(REPO_ROOT, "node_modules/.bin/tsx"), [join(REPO_ROOT, "apps/gpu-runner/src/main.ts"), "--edge", base, "--token", runnerToken], { cwd: REPO_ROOT, stdio: "ignore" });
    const firstEvent: number[] = [], finalAnswer: number[] = [], pipeline: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      const { job } = await client.createJob({ image, depth, options: { questions: ["How far apart are the couch on the left and the couch on the right?"], intrinsics, depthScale: 1000 + i } });
      let first = 0, answer = 0, stagesMs = 0;
      for await (const e of client.events(job.id)) {
        first ||= performance.now() - t0;
        if (e.type === "stage.completed") stagesMs += e.ms;
        if (e.type === "answer.final") answer = performance.now() - t0;
      }
      if (i > 0) { firstEvent.push(first); finalAnswer.push(answer); pipeline.push(stagesMs); } // the first run loads models
    }
    runner.kill("SIGTERM");

    // 2. Throughput with simulated runners.
    for (let r = 0; r < 4; r++) sims.push(await simulatedRunner(base, runnerToken, `sim-${r}`));
    const tiny = readFileSync(join(REPO_ROOT, "../shared/fixtures/rgbd/open3d_pairs/TUM_color.png"));
    const jobs = 40;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: jobs }, async (_, i) => {
      const { job } = await client.createJob({ image: tiny, options: { depthScale: 2000 + i } });
      for await (const _e of client.events(job.id)) { /* drain to completion */ }
    }));
    const jobsPerSecond = jobs / ((performance.now() - t0) / 1000);

    // 3. Cache hit: the first image again with a new question.
    const cacheHit: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      const { job } = await client.createJob({ image, depth, options: { questions: [`Is the cup to the right of the couch on the left? (${i})`], intrinsics, depthScale: 1001 } });
      for await (const _e of client.events(job.id)) { /* to the answer */ }
      cacheHit.push(performance.now() - t);
    }
    const report = {
      timeToFirstEventMs: median(firstEvent), timeToFinalAnswerMs: median(finalAnswer), runnerPipelineMs: median(pipeline),
      edgeAddedMs: median(finalAnswer) - median(pipeline), simulatedRunners: sims.length, jobs, jobsPerSecond, cacheHitMs: median(cacheHit),
    };
    console.log(`\nservice bench (wrangler dev on loopback, one CPU runner; medians)`);
    console.log(`time to first event        ${report.timeToFirstEventMs.toFixed(0)} ms`);
    console.log(`time to the final answer   ${report.timeToFinalAnswerMs.toFixed(0)} ms  (runner's own pipeline ${report.runnerPipelineMs.toFixed(0)} ms → edge adds ${report.edgeAddedMs.toFixed(0)} ms, upload and streaming included)`);
    console.log(`hub throughput             ${report.jobsPerSecond.toFixed(1)} jobs/s  (${jobs} jobs, ${sims.length} simulated runners, create → completed)`);
    console.log(`cache-hit answer           ${report.cacheHitMs.toFixed(0)} ms  (create → answer, no runner)`);
    mkdirSync(join(REPO_ROOT, ".reports"), { recursive: true });
    writeFileSync(join(REPO_ROOT, ".reports/bench-service.json"), JSON.stringify(report, null, 2));
  } finally {
    for (const s of sims) s.close(1000);
    runner?.kill("SIGKILL");
    await worker.stop();
  }
}
