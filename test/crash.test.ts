// Durable submission end to end: `wrangler dev` (workerd, D1 and R2 on disk, the Durable Objects) is
// SIGKILLed while clients are creating jobs, then restarted on the same state. Clients retry with
// their Idempotency-Keys as a real client does after a dropped connection. Every job that exists
// must complete or fail, and no retry may have created a second job. The time from the restart to
// every orphaned job being queued again is written to .reports/crash.json.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyLocalMigrations, createApiKey, freeLoopbackPort, killGroup, startWranglerDev, wranglerVar, type WranglerDev } from "../scripts/local-edge.js";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURE = resolve(ROOT, "../shared/fixtures/rgbd/unidepth_demo");
const JOBS = 16;

let edge: WranglerDev | undefined;
let runner: ChildProcess | undefined;
let state: string;
let port: number;
let apiKey: string;

function fixture(name: string): Buffer {
  try {
    return readFileSync(join(FIXTURE, name));
  } catch {
    throw new Error(`${FIXTURE}/${name} is missing: this test needs ../shared/fixtures beside the checkout`);
  }
}

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), "spatial-crash-"));
  port = await freeLoopbackPort();
  applyLocalMigrations(state);
  edge = await startWranglerDev(state, port);
  apiKey = await createApiKey(edge.base, "crash-tenant", { rateLimit: { perMinute: 100_000, burst: 100_000 } });
  runner = spawn(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "apps/gpu-runner/src/main.ts"), "--edge", edge.base, "--token", wranglerVar("RUNNER_TOKEN"), "--runner-id", "crash-runner"], { cwd: ROOT, stdio: ["ignore", "ignore", "ignore"], detached: true });
}, 120_000);

afterAll(async () => {
  if (runner) await killGroup(runner, "SIGKILL");
  if (edge) await killGroup(edge.child, "SIGKILL");
});

interface Submitted {
  key: string;
  jobId: string;
  tries: number;
  /** The answer came from the key's earlier attempt (its row was written before the crash). */
  replayed: boolean;
}

/** Creates job `i` with its Idempotency-Key, retrying on connection errors and 5xx like a client would. */
async function submit(i: number, image: Buffer, deadline: number): Promise<Submitted> {
  const key = `crash-${i}`;
  const options = JSON.stringify({ questions: ["How far is the cup from the couch on the left?"], intrinsics: { fx: 500 + i, fy: 500 + i, cx: 319.5, cy: 239.5 } });
  for (let tries = 1; ; tries++) {
    const form = new FormData();
    form.set("image", new Blob([image], { type: "image/png" }), "rgb.png");
    form.set("options", options);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/jobs`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "idempotency-key": key }, body: form, signal: AbortSignal.timeout(15_000) });
      if (res.status === 200 || res.status === 202) return { key, jobId: ((await res.json()) as { job: { id: string } }).job.id, tries, replayed: res.headers.get("idempotent-replayed") === "true" };
      if (res.status < 500) throw new Error(`job ${i}: HTTP ${res.status} ${await res.text()}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith(`job ${i}:`)) throw err;
      // The edge is down or the connection dropped: retry with the same key.
    }
    if (Date.now() > deadline) throw new Error(`job ${i} could not be created before the deadline`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function api<T>(path: string, token = apiKey): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function allJobs(): Promise<{ id: string; status: string }[]> {
  const out: { id: string; status: string }[] = [];
  for (let cursor: string | null = null; ; ) {
    const page: { jobs: { id: string; status: string }[]; nextCursor: string | null } = await api(`/v1/jobs?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    out.push(...page.jobs);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
}

describe("the edge killed while jobs are being created", () => {
  it("restarts, re-queues every orphaned job, and every job completes or fails exactly once per idempotency key", async () => {
    const image = fixture("rgb.png");
    const deadline = Date.now() + 90_000;
    const submissions = Array.from({ length: JOBS }, (_, i) => new Promise((r) => setTimeout(r, i * 15)).then(() => submit(i, image, deadline)));
    // SIGKILL while creations are in flight, then restart on the same state (same port: clients and runners reconnect).
    await new Promise((r) => setTimeout(r, 150));
    await killGroup(edge!.child, "SIGKILL");
    const killedAt = Date.now();
    await new Promise((r) => setTimeout(r, 300));
    edge = await startWranglerDev(state, port);
    const restartedAt = Date.now();

    const created = await Promise.all(submissions);
    expect(new Set(created.map((c) => c.jobId)).size).toBe(JOBS);
    const retried = created.filter((c) => c.tries > 1).length;
    const replayed = created.filter((c) => c.replayed).length;

    // No retry created a second job: the tenant has exactly one job per key.
    const jobs = await allJobs();
    expect(jobs).toHaveLength(JOBS);
    expect(new Set(jobs.map((j) => j.id))).toEqual(new Set(created.map((c) => c.jobId)));

    // Every unfinished job is held by the pool's hub again (queued or leased): orphans were re-queued.
    const admin = wranglerVar("ADMIN_TOKEN");
    let requeuedAt = 0;
    while (Date.now() < deadline) {
      const [list, pool] = await Promise.all([allJobs(), api<{ queue: { jobId: string }[]; leases: { jobId: string }[] }>("/v1/admin/pools/default", admin)]);
      const held = new Set([...pool.queue, ...pool.leases].map((q) => q.jobId));
      if (list.every((j) => ["completed", "failed", "cancelled"].includes(j.status) || held.has(j.id))) {
        requeuedAt = Date.now();
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(requeuedAt).toBeGreaterThan(0);

    // And every job ends.
    let final: { id: string; status: string }[] = [];
    while (Date.now() < deadline + 60_000) {
      final = await allJobs();
      if (final.every((j) => ["completed", "failed"].includes(j.status))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const byStatus = Object.fromEntries(["completed", "failed", "queued", "running"].map((s) => [s, final.filter((j) => j.status === s).length]));
    expect(byStatus.queued + byStatus.running).toBe(0);
    for (const j of final.filter((x) => x.status === "failed")) {
      const view = await api<{ error?: { code: string } }>(`/v1/jobs/${j.id}`);
      expect(view.error?.code).toMatch(/^[a-z_]+$/);
    }
    const report = { jobs: JOBS, retriedCreations: retried, replayedCreations: replayed, downMs: restartedAt - killedAt, restartToRequeuedMs: requeuedAt - restartedAt, ...byStatus };
    mkdirSync(join(ROOT, ".reports"), { recursive: true });
    writeFileSync(join(ROOT, ".reports/crash.json"), JSON.stringify(report, null, 2));
    console.log("crash test:", JSON.stringify(report));
  }, 240_000);
});
