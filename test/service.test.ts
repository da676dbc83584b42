// The service end to end: the real worker (wrangler's unstable_dev: workerd, D1 and R2 on disk,
// Durable Objects) and real runner processes over WebSocket, driven through the SDK and the CLI.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Unstable_DevWorker } from "wrangler";
import { createApiKey, startLocalWorker, wranglerVar } from "../scripts/local-edge.js";
import { createClient, type SpatialClient } from "../packages/sdk/src/client.js";
import type { JobEvent } from "../packages/shared/src/protocol/index.js";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURE = resolve(ROOT, "../shared/fixtures/rgbd/unidepth_demo");
const RUNNER_TOKEN = wranglerVar("RUNNER_TOKEN");

let worker: Unstable_DevWorker;
let base: string;
let client: SpatialClient;
let apiKey: string;
const runners = new Set<ChildProcess>();
const image = () => readFileSync(join(FIXTURE, "rgb.png"));
const depth = () => readFileSync(join(FIXTURE, "depth.png"));
const intrinsics = () => JSON.parse(readFileSync(join(FIXTURE, "intrinsics.json"), "utf8"));

function startRunner(id: string): ChildProcess {
  // Its own process group: tsx runs the runner in a child process, and a kill must reach it.
  const child = spawn(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "apps/gpu-runner/src/main.ts"), "--edge", base, "--token", RUNNER_TOKEN, "--runner-id", id], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], detached: true });
  runners.add(child);
  child.once("exit", () => runners.delete(child));
  return child;
}

/** SIGKILL to the runner's whole process group: a crash, not a clean shutdown. */
function killRunner(child: ChildProcess): Promise<unknown> {
  return new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok(undefined);
    child.once("exit", ok);
    process.kill(-child.pid!, "SIGKILL");
  });
}

async function stopRunners(): Promise<void> {
  await Promise.all([...runners].map(killRunner));
}

const newKey = (tenant: string) => createApiKey(base, tenant);

async function collect(iterable: AsyncIterable<JobEvent>, until?: (e: JobEvent) => boolean): Promise<JobEvent[]> {
  const out: JobEvent[] = [];
  for await (const e of iterable) {
    out.push(e);
    if (until?.(e)) break;
  }
  return out;
}

/** One consistent stream: seq 1..n without gaps or repeats, one terminal event, last. */
function expectConsistent(events: JobEvent[]): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.filter((e) => e.type === "job.completed" || e.type === "job.failed")).toHaveLength(1);
  expect(events.at(-1)!.type).toBe("job.completed");
}

beforeAll(async () => {
  const state = mkdtempSync(join(tmpdir(), "spatial-edge-"));
  ({ worker, base } = await startLocalWorker(state));
  apiKey = await newKey("tenant-a");
  client = createClient({ baseUrl: base, apiKey });
}, 120_000);

afterAll(async () => {
  await stopRunners();
  await worker?.stop();
});

describe("a job through the edge and a runner", () => {
  let firstJobId: string;
  let fullStream: JobEvent[];

  it("streams every stage's result in order, ending with the answers", async () => {
    startRunner("runner-1");
    const questions = ["How far apart are the couch on the left and the couch on the right?", "Which couch is closer to the camera?"];
    const { job } = await client.createJob({ image: image(), depth: depth(), options: { questions, intrinsics: intrinsics() } });
    firstJobId = job.id;
    fullStream = await collect(client.events(job.id));
    expectConsistent(fullStream);
    const types = fullStream.map((e) => e.type);
    expect(types[0]).toBe("job.accepted");
    for (const t of ["perception.detections", "perception.depth", "scene.graph", "answer.final"] as const) expect(types).toContain(t);
    expect(types.indexOf("perception.detections")).toBeLessThan(types.indexOf("scene.graph"));
    expect(types.indexOf("scene.graph")).toBeLessThan(types.indexOf("answer.final"));
    const answers = fullStream.flatMap((e) => (e.type === "answer.final" ? [e.line] : []));
    expect(answers.map((a) => a.question)).toEqual(questions);
    expect(answers[0].answer.value_m).toBeGreaterThan(0.5);
    expect((await client.getJob(job.id)).status).toBe("completed");
    // Big arrays travel as blobs: each object's world-frame points (float32 xyz), the depth map and the masks (16-bit PNGs).
    const clouds = fullStream.flatMap((e) => (e.type === "scene.pointcloud" && e.blob ? [e] : []));
    expect(clouds.length).toBeGreaterThan(0);
    const bytes = await client.getBlob(job.id, clouds[0].blob!.key);
    expect(bytes.byteLength).toBe(clouds[0].points * 12);
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)).every(Number.isFinite)).toBe(true);
    const depthEvent = fullStream.find((e) => e.type === "perception.depth");
    const png = await client.getBlob(job.id, (depthEvent as { blob: { key: string } }).blob.key);
    expect(Array.from(png.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const masksEvent = fullStream.find((e) => e.type === "perception.masks") as { blob?: { key: string; contentType: string } } | undefined;
    expect(masksEvent?.blob?.contentType).toBe("image/png");
    expect(Array.from((await client.getBlob(job.id, masksEvent!.blob!.key)).subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    // Another tenant cannot read them.
    const stranger = createClient({ baseUrl: base, apiKey: await newKey("tenant-c") });
    await expect(stranger.getBlob(job.id, clouds[0].blob!.key)).rejects.toMatchObject({ status: 404 });
  }, 120_000);

  it("resumes a dropped client after its Last-Event-ID with nothing lost or repeated", async () => {
    const firstThree = await collect(client.events(firstJobId), (e) => e.seq === 3);
    const rest = await collect(client.events(firstJobId, { after: 3 }));
    expect([...firstThree, ...rest].map((e) => e.seq)).toEqual(fullStream.map((e) => e.seq));
    expect(rest[0].seq).toBe(4);
  }, 60_000);

  it("answers a cached image with no runner connected", async () => {
    await stopRunners();
    const { job } = await client.createJob({ image: image(), depth: depth(), options: { questions: ["Is the cup to the right of the couch on the left?"], intrinsics: intrinsics() } });
    const events = await collect(client.events(job.id));
    expectConsistent(events);
    expect(events[0]).toMatchObject({ type: "job.accepted", cached: true });
    expect(events.find((e) => e.type === "answer.final")).toBeDefined();
    // And new questions about a finished job, answered at the edge.
    const answers = await client.ask(job.id, ["How tall is the couch on the right?"]);
    expect(answers[0].answer.type).toBe("number");
  }, 60_000);

  it("re-queues a job whose runner dies mid-job; a second runner finishes it and subscribers see one consistent stream", async () => {
    const dying = startRunner("runner-doomed");
    const { job } = await client.createJob({ image: image(), options: { questions: ["How far is the cup from the book?"] } }); // no depth: not a cache hit
    const events: JobEvent[] = [];
    let killed = false;
    for await (const e of client.events(job.id)) {
      events.push(e);
      if (!killed && e.type === "job.assigned") {
        killed = true;
        await killRunner(dying);
        startRunner("runner-2");
      }
    }
    expectConsistent(events);
    expect(events.filter((e) => e.type === "job.assigned").map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2]);
    expect(events.filter((e) => e.type === "scene.graph")).toHaveLength(1);
  }, 120_000);

  it("stops a job the client cancels: the stream ends with job.cancelled and nothing after it", async () => {
    if (runners.size === 0) startRunner("runner-3");
    // Intrinsics no earlier job used: not a cache hit, so a runner must do the work.
    const { job } = await client.createJob({ image: image(), options: { questions: ["How far is the cup from the book?"], intrinsics: { fx: 500.5, fy: 500.5, cx: 319.5, cy: 239.5 } } });
    const events: JobEvent[] = [];
    for await (const e of client.events(job.id)) {
      events.push(e);
      if (e.type === "job.assigned") await client.cancelJob(job.id);
    }
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)!.type).toBe("job.cancelled");
    expect(events.some((e) => e.type === "answer.final" || e.type === "job.completed")).toBe(false);
    expect((await client.getJob(job.id)).status).toBe("cancelled");
  }, 60_000);

  it("gives the CLI in server mode the same answers as --local", async () => {
    const args = ["ask", join(FIXTURE, "rgb.png"), "How far apart are the couch on the left and the couch on the right?", "--depth", join(FIXTURE, "depth.png"), "--intrinsics", Object.values(intrinsics()).join(","), "--json"];
    const bin = join(ROOT, "packages/cli/bin/spatial.js");
    const server = await promisify(execFile)(process.execPath, [bin, ...args], { cwd: ROOT, env: { ...process.env, SPATIAL_API_URL: base, SPATIAL_API_KEY: apiKey }, timeout: 60_000 });
    const local = await promisify(execFile)(process.execPath, [bin, ...args, "--local"], { cwd: ROOT, timeout: 60_000 });
    expect(JSON.parse(server.stdout).answer).toEqual(JSON.parse(local.stdout).answer);
  }, 120_000);
});

describe("browsers (no Authorization header)", () => {
  it("read a job's events through the view token in the returned events URL, and nothing else with it", async () => {
    const created = await client.createJob({ image: image(), depth: depth(), options: { intrinsics: intrinsics() } });
    const url = new URL(created.eventsUrl);
    expect(url.searchParams.get("token")).toBeTruthy();
    const sse = await fetch(url, { headers: { accept: "text/event-stream" } });
    expect(sse.status).toBe(200);
    expect(await sse.text()).toMatch(/event: job.completed/);
    // Tampered, or another job's token: 401.
    const tampered = new URL(url);
    tampered.searchParams.set("token", `${url.searchParams.get("token")}x`);
    expect((await fetch(tampered)).status).toBe(401);
    const other = await client.createJob({ image: image(), depth: depth(), options: { intrinsics: intrinsics(), questions: ["How tall is the couch on the right?"] } });
    const crossed = new URL(other.eventsUrl);
    crossed.searchParams.set("token", url.searchParams.get("token")!);
    expect((await fetch(crossed)).status).toBe(401);
    // The token reads events only: the job itself still needs a key.
    expect((await fetch(new URL(`/v1/jobs/${created.job.id}?token=${url.searchParams.get("token")}`, base))).status).toBe(401);
  }, 60_000);
});

describe("refusals at the edge", () => {
  it("401 for a wrong key, 404 for another tenant's job", async () => {
    await expect(createClient({ baseUrl: base, apiKey: "sk_wrong" }).getJob("x")).rejects.toMatchObject({ status: 401 });
    const other = createClient({ baseUrl: base, apiKey: await newKey("tenant-b") });
    const { job } = await client.createJob({ image: image(), depth: depth(), options: { intrinsics: intrinsics() } });
    await expect(other.getJob(job.id)).rejects.toMatchObject({ status: 404 });
  }, 60_000);

  it("413 for an oversize upload, 400 for a malformed body, 400 for a private image URL", async () => {
    const big = new Uint8Array(26 * 1024 * 1024);
    big.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await expect(client.createJob({ image: big })).rejects.toMatchObject({ status: 413 });
    const malformed = await fetch(`${base}/v1/jobs`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, body: "{ not json" });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBeTruthy();
    for (const url of ["http://127.0.0.1/x.png", "http://10.0.0.5/x.png", "http://169.254.169.254/latest/meta-data", "http://localhost:8787/x.png", "file:///etc/passwd"]) {
      await expect(client.createJob({ options: { imageUrl: url } }), url).rejects.toMatchObject({ status: 400 });
    }
  }, 60_000);
});
