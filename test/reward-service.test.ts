// Robot reward annotation through the whole service: the real worker (workerd, D1, R2, Durable
// Objects), real runner processes on the real pipeline, and a rendered episode with known motion
// (a block slides to a can, then hovers around the success threshold with jittered depth). The
// first runner is SIGKILLed mid-sequence; the second re-runs it and the stream still carries every
// frame exactly once, in order, with a reward that rises monotonically to contact and a success
// flag that turns on once, at the right frame, and never flickers.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Unstable_DevWorker } from "wrangler";
import { createClient, type RewardEvent, type SpatialClient } from "../packages/sdk/src/index.js";
import { createApiKey, killGroup, startLocalWorker, wranglerVar } from "../scripts/local-edge.js";
import { blockPath, renderEpisode, writeEpisode, type Episode } from "../scripts/reward-frames.js";

const ROOT = resolve(import.meta.dirname, "..");
const run = promisify(execFile);

let worker: Unstable_DevWorker;
let base: string;
let key: string;
let otherKey: string;
let client: SpatialClient;
const runners: ChildProcess[] = [];
let episode: Episode;

function startRunner(id: string): ChildProcess {
  const child = spawn(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "apps/gpu-runner/src/main.ts"), "--edge", base, "--token", wranglerVar("RUNNER_TOKEN"), "--runner-id", id], { cwd: ROOT, stdio: ["ignore", process.env.REWARD_TEST_LOG ? openSync(`${process.env.REWARD_TEST_LOG}.${id}`, "w") : "ignore", process.env.REWARD_TEST_LOG ? openSync(`${process.env.REWARD_TEST_LOG}.${id}.err`, "w") : "ignore"], detached: true });
  runners.push(child);
  return child;
}

beforeAll(async () => {
  ({ worker, base } = await startLocalWorker(mkdtempSync(join(tmpdir(), "spatial-reward-"))));
  key = await createApiKey(base, "reward-service", { rateLimit: { perMinute: 100_000, burst: 100_000 } });
  otherKey = await createApiKey(base, "reward-other");
  client = createClient({ baseUrl: base, apiKey: key });
  // 640×480 so that a frame takes long enough on the runner for the kill to land mid-sequence.
  episode = renderEpisode({ noiseM: 0.005, width: 640, height: 480 });
}, 120_000);

afterAll(async () => {
  await Promise.all(runners.map((r) => killGroup(r, "SIGKILL")));
  await worker?.stop();
});

const post = (body: unknown, apiKey = key) => fetch(`${base}/v1/rewards`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, body: JSON.stringify(body) });
const errorOf = async (r: Response) => ({ status: r.status, ...((await r.json()) as { error: { code: string; message: string } }).error });

describe("reward sequences through the edge and real runners", () => {
  it("refuses what cannot be a sequence, naming the frame, before anything runs", async () => {
    const image = (await client.uploads.create(episode.frames[0].rgbPng, "image")).upload;
    const depth = (await client.uploads.create(episode.frames[0].depthPng, "depth")).upload;
    const small = renderEpisode({ xs: [0] }).frames[0];
    const smallImage = (await client.uploads.create(small.rgbPng, "image")).upload;

    const dance = await errorOf(await post({ task: "dance", frames: [{ upload: image }] }));
    expect(dance).toMatchObject({ status: 400, code: "task_unrecognised" });
    expect(dance.message).toContain("lift the block 10 cm");
    expect(await errorOf(await post({ task: episode.task, frames: [{ upload: image }, { upload: smallImage }] }))).toMatchObject({ status: 400, code: "frames_size_mismatch" });
    const swapped = await errorOf(await post({ task: episode.task, frames: [{ upload: image }, { upload: depth }] }));
    expect(swapped).toMatchObject({ status: 404, code: "not_found" });
    expect(swapped.message).toContain("frames[1]");
    // Another tenant's uploads do not exist for this one.
    expect(await errorOf(await post({ task: episode.task, frames: [{ upload: image }] }, otherKey))).toMatchObject({ status: 404, code: "not_found" });
    expect(await errorOf(await post({ task: episode.task, frames: [{ upload: image }], intrinsics: { fx: 1, fy: 1, cx: 320, cy: 240 } }))).toMatchObject({ status: 400, code: "intrinsics_invalid" });
    expect(await errorOf(await post({ task: episode.task, frames: [] }))).toMatchObject({ status: 400, code: "invalid_request" });
    expect(await errorOf(await post({ task: episode.task, frames: [{ upload: image }] }, "sk_live_wrong"))).toMatchObject({ status: 401 });
    // Nothing of the above became a job.
    expect((await client.listJobs()).jobs).toHaveLength(0);

    // A retried creation under one Idempotency-Key is the first sequence; another body under it is a 409.
    const body = { task: episode.task, frames: [{ upload: image, depth }] };
    const create = (b: unknown) => fetch(`${base}/v1/rewards`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "idempotency-key": "reward-retry-1" }, body: JSON.stringify(b) });
    const first = await create(body);
    const again = await create(body);
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const id = ((await first.json()) as { job: { id: string } }).job.id;
    expect(((await again.json()) as { job: { id: string } }).job.id).toBe(id);
    expect(await errorOf(await create({ ...body, task: "lift the block 10 cm" }))).toMatchObject({ status: 409, code: "idempotency_conflict" });
    await client.cancelJob(id);
  });

  it("streams every frame's reward once and in order, through a runner killed mid-sequence", async () => {
    const first = startRunner("reward-a");
    const events: RewardEvent[] = [];
    let killed = false;
    let jobId = "";
    for await (const event of client.rewards.stream({
      task: episode.task, intrinsics: episode.intrinsics,
      frames: episode.frames.map((f) => ({ image: f.rgbPng, depth: f.depthPng, objects: f.objects })),
    })) {
      events.push(event);
      jobId = event.jobId;
      if (!killed && event.type === "reward.frame" && event.frame === 3) {
        killed = true;
        await killGroup(first, "SIGKILL");
        startRunner("reward-b");
      }
    }
    expect(killed).toBe(true);
    const [task, ...frames] = events;
    expect(task).toMatchObject({ type: "reward.task", task: { kind: "approach", subject: "block", target: "can" }, frames: episode.frames.length, successM: 0.03, hysteresisM: 0.03 });
    const rewards = frames.filter((e): e is Extract<RewardEvent, { type: "reward.frame" }> => e.type === "reward.frame");
    expect(rewards.map((r) => r.frame)).toEqual(episode.frames.map((_, i) => i));

    // Rises monotonically while the block approaches (frames 0–12: contact from frame 10 on).
    const contact = episode.frames.findIndex((f) => f.truthGapM === 0);
    expect(rewards[0].reward).toBe(0);
    for (let i = 1; i <= contact + 2; i++) expect(rewards[i].reward, `frame ${i}`).toBeGreaterThanOrEqual(rewards[i - 1].reward - 1e-3);
    expect(rewards[contact].reward).toBeGreaterThan(0.95);
    rewards.forEach((r, i) => expect(Math.abs(r.measuredM! - episode.frames[i].truthGapM), `frame ${i} gap`).toBeLessThan(0.025));
    // Success turns on once, at the first frame within 3 cm of contact, and holds through the jittered hover.
    const firstSuccess = episode.frames.findIndex((f) => f.truthGapM <= 0.03);
    expect(rewards.map((r) => r.success)).toEqual(rewards.map((_, i) => i >= firstSuccess));
    // One block and one can throughout, each frame carrying its objects.
    expect(new Set(rewards.map((r) => r.subjectId)).size).toBe(1);
    expect(rewards.every((r) => r.objects.length === 2 && r.objects[0].id === r.subjectId && r.objects[1].id === r.targetId)).toBe(true);

    // The stored sequence says the same, and its job ended with the last frame's scene.
    const stored = await client.rewards.get(jobId);
    expect(stored.job.status).toBe("completed");
    expect(stored.frames.map((f) => [f.frame, f.reward, f.success])).toEqual(rewards.map((r) => [r.frame, r.reward, r.success]));
    expect((stored.job.scene as { objects: unknown[] }).objects).toHaveLength(2);
    // …and with its depth map and point clouds, as a one-image job has them: readable, the right size.
    const results = [];
    for await (const e of client.events(jobId, { types: ["perception.depth", "scene.pointcloud"] })) results.push(e);
    const depth = results.find((e) => e.type === "perception.depth");
    expect(depth).toMatchObject({ type: "perception.depth", source: "input", width: 640, height: 480, blob: expect.any(Object) });
    const map = await client.getDepth(jobId, (depth as { blob: { key: string } }).blob);
    expect(map.width * map.height).toBe(640 * 480);
    const clouds = results.filter((e) => e.type === "scene.pointcloud");
    expect(clouds).toHaveLength(2);
    for (const c of clouds) expect((await client.getPoints(jobId, (c as { blob: { key: string } }).blob)).length).toBeGreaterThan(0);
    // Another tenant cannot read it.
    expect((await fetch(`${base}/v1/rewards/${jobId}`, { headers: { authorization: `Bearer ${otherKey}` } })).status).toBe(404);
  }, 240_000);

  it("`spatial reward` against the server prints the same lines as with --local", async () => {
    const dir = mkdtempSync(join(tmpdir(), "spatial-reward-cli-server-"));
    const short = renderEpisode({ xs: blockPath(3, 0) });
    writeEpisode(short, dir);
    const k = short.intrinsics;
    const { stdout } = await run(process.execPath, [join(ROOT, "packages/cli/bin/spatial.js"), "reward", dir, "--task", short.task, "--intrinsics", `${k.fx},${k.fy},${k.cx},${k.cy}`, "--json"], { cwd: ROOT, timeout: 120_000, env: { ...process.env, SPATIAL_API_URL: base, SPATIAL_API_KEY: key } });
    const [task, ...frames] = stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(task.task).toEqual({ kind: "approach", subject: "block", target: "can" });
    expect(frames.map((f) => f.frame)).toEqual(short.frames.map((_, i) => i));
    expect(frames.at(-1)).toMatchObject({ reward: 1, success: true });
  }, 120_000);
});
