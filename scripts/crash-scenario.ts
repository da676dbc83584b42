// The edge crash scenario shared by test/crash.test.ts (which asserts on it) and `npm run bench --
// --only=hardening` (which reports its timings): `wrangler dev` (workerd, D1 and R2 on disk, the
// Durable Objects) is SIGKILLed while clients are creating jobs, then restarted on the same state.
// Clients retry with their Idempotency-Keys as a real client does after a dropped connection; a real
// runner process reconnects by itself.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { applyLocalMigrations, createApiKey, freeLoopbackPort, killGroup, startWranglerDev, wranglerVar, type WranglerDev } from "./local-edge.js";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURE = resolve(ROOT, "../shared/fixtures/rgbd/unidepth_demo");
const FINISHED = ["completed", "failed", "cancelled"];

export interface Submitted {
  key: string;
  jobId: string;
  tries: number;
  /** The answer came from the key's earlier attempt (its row was written before the crash). */
  replayed: boolean;
}

export interface CrashReport {
  jobs: number;
  retriedCreations: number;
  replayedCreations: number;
  /** From the SIGKILL to the restarted edge answering /v1/health. */
  downMs: number;
  /** From the restarted edge answering to every unfinished job being held (queued or leased) by its hub again. */
  restartToRequeuedMs: number;
  /** From the restart to the last job ending. */
  restartToAllEndedMs: number;
  completed: number;
  failed: number;
  unfinished: number;
}

export interface CrashOutcome {
  report: CrashReport;
  created: Submitted[];
  /** Every job of the tenant after the run, with its status and error code. */
  jobs: { id: string; status: string; errorCode?: string }[];
}

function fixture(name: string): Buffer {
  try {
    return readFileSync(join(FIXTURE, name));
  } catch {
    throw new Error(`${FIXTURE}/${name} is missing: the crash scenario needs ../shared/fixtures beside the checkout`);
  }
}

/**
 * A crashable local stack: `wrangler dev` on its own state and port (same on every restart), a
 * tenant key, and a real runner process that reconnects by itself.
 */
class CrashStack {
  private runner?: ChildProcess;
  private constructor(readonly state: string, readonly port: number, public edge: WranglerDev, readonly apiKey: string) {}

  static async start(name: string): Promise<CrashStack> {
    const state = mkdtempSync(join(tmpdir(), `spatial-${name}-`));
    const port = await freeLoopbackPort();
    applyLocalMigrations(state);
    const edge = await startWranglerDev(state, port);
    try {
      return new CrashStack(state, port, edge, await createApiKey(edge.base, name, { rateLimit: { perMinute: 100_000, burst: 100_000 } }));
    } catch (err) {
      await killGroup(edge.child, "SIGKILL");
      throw err;
    }
  }

  get base(): string {
    return this.edge.base;
  }

  startRunner(id: string): void {
    this.runner = spawn(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "apps/gpu-runner/src/main.ts"), "--edge", this.base, "--token", wranglerVar("RUNNER_TOKEN"), "--runner-id", id], { cwd: ROOT, stdio: "ignore", detached: true });
  }

  /** SIGKILLs the edge (a crash, not a shutdown), restarts it on the same state; returns when it was killed and answered again. */
  async crashAndRestart(): Promise<{ killedAt: number; restartedAt: number }> {
    await killGroup(this.edge.child, "SIGKILL");
    const killedAt = Date.now();
    await new Promise((r) => setTimeout(r, 300));
    this.edge = await startWranglerDev(this.state, this.port);
    return { killedAt, restartedAt: Date.now() };
  }

  async stop(): Promise<void> {
    if (this.runner) await killGroup(this.runner, "SIGKILL");
    await killGroup(this.edge.child, "SIGKILL");
  }
}

export async function runCrashScenario(jobCount: number, timeoutMs = 150_000): Promise<CrashOutcome> {
  const image = fixture("rgb.png");
  const stack = await CrashStack.start("crash-tenant");
  const { apiKey, port } = stack;
  try {
    stack.startRunner("crash-runner");
    const deadline = Date.now() + timeoutMs;
    const get = async <T>(path: string, token = apiKey): Promise<T> => {
      const res = await fetch(`${stack.base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      return (await res.json()) as T;
    };
    const allJobs = async () => {
      const out: { id: string; status: string }[] = [];
      for (let cursor: string | null = null; ; ) {
        const page: { jobs: { id: string; status: string }[]; nextCursor: string | null } = await get(`/v1/jobs?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        out.push(...page.jobs);
        if (!page.nextCursor) return out;
        cursor = page.nextCursor;
      }
    };

    const submissions = Array.from({ length: jobCount }, (_, i) => new Promise((r) => setTimeout(r, i * 15)).then(() => submit(port, apiKey, i, image, deadline)));
    // SIGKILL while creations are in flight, then restart on the same state and port.
    await new Promise((r) => setTimeout(r, 150));
    const { killedAt, restartedAt } = await stack.crashAndRestart();
    const created = await Promise.all(submissions);

    const admin = wranglerVar("ADMIN_TOKEN");
    let requeuedAt = 0;
    while (!requeuedAt && Date.now() < deadline) {
      const [list, pool] = await Promise.all([allJobs(), get<{ queue: { jobId: string }[]; leases: { jobId: string }[] }>("/v1/admin/pools/default", admin)]);
      const held = new Set([...pool.queue, ...pool.leases].map((q) => q.jobId));
      if (list.every((j) => FINISHED.includes(j.status) || held.has(j.id))) requeuedAt = Date.now();
      else await new Promise((r) => setTimeout(r, 100));
    }
    let final: { id: string; status: string }[] = [];
    let endedAt = 0;
    while (Date.now() < deadline) {
      final = await allJobs();
      if (final.every((j) => FINISHED.includes(j.status))) {
        endedAt = Date.now();
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const jobs = await Promise.all(final.map(async (j) => ({ ...j, ...(j.status === "failed" ? { errorCode: (await get<{ error?: { code: string } }>(`/v1/jobs/${j.id}`)).error?.code } : {}) })));
    const count = (s: string) => final.filter((j) => j.status === s).length;
    return {
      created,
      jobs,
      report: {
        jobs: jobCount,
        retriedCreations: created.filter((c) => c.tries > 1).length,
        replayedCreations: created.filter((c) => c.replayed).length,
        downMs: restartedAt - killedAt,
        restartToRequeuedMs: requeuedAt ? requeuedAt - restartedAt : -1,
        restartToAllEndedMs: endedAt ? endedAt - restartedAt : -1,
        completed: count("completed"),
        failed: count("failed"),
        unfinished: final.length - count("completed") - count("failed") - count("cancelled"),
      },
    };
  } finally {
    await stack.stop();
  }
}

/** Creates job `i` with its Idempotency-Key, retrying on connection errors and 5xx like a client would. */
async function submit(port: number, apiKey: string, i: number, image: Buffer, deadline: number): Promise<Submitted> {
  const key = `crash-${i}`;
  const options = JSON.stringify({ questions: ["How far is the cup from the couch on the left?"], intrinsics: { fx: 500 + i, fy: 500 + i, cx: 319.5, cy: 239.5 } });
  for (let tries = 1; ; tries++) {
    const form = new FormData();
    form.set("image", new Blob([image], { type: "image/png" }), "rgb.png");
    form.set("options", options);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/jobs`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "idempotency-key": key }, body: form, signal: AbortSignal.timeout(15_000) });
      if (res.status === 200 || res.status === 202) {
        return { key, jobId: ((await res.json()) as { job: { id: string } }).job.id, tries, replayed: res.headers.get("idempotent-replayed") === "true" };
      }
      if (res.status < 500) throw new Error(`job ${i}: HTTP ${res.status} ${await res.text()}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith(`job ${i}:`)) throw err;
      // The edge is down or the connection dropped: retry with the same key.
    }
    if (Date.now() > deadline) throw new Error(`job ${i} could not be created before the deadline`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export interface BatchCrashOutcome {
  report: { items: number; doneBeforeKill: number; downMs: number; restartToCompletedMs: number; status: string; qaPairs: number };
  /** The ids in the completed batch's scenes.jsonl, one per perceived image. */
  scenes: string[];
  items: number;
}

/**
 * A batch of the fixture photos (each twice, under other intrinsics, so each is its own scene) with a
 * real runner; `wrangler dev` is SIGKILLed once some items are done, restarted on the same state, and
 * the batch must complete with every image once in scenes.jsonl.
 */
export async function runBatchCrashScenario(timeoutMs = 240_000): Promise<BatchCrashOutcome> {
  const photos = [["unidepth_demo", "rgb.png"], ["nyu_00000", "rgb.jpg"], ["kitti_000008", "rgb.png"], ["sunrgbd_000017", "rgb.jpg"]] as const;
  const stack = await CrashStack.start("crash-batch");
  try {
    const headers = { authorization: `Bearer ${stack.apiKey}` };
    const upload = async (bytes: Buffer, kind: string) => {
      const form = new FormData();
      form.set("file", new Blob([bytes]), "f");
      form.set("kind", kind);
      return ((await (await fetch(`${stack.base}/v1/uploads`, { method: "POST", headers, body: form })).json()) as { upload: string }).upload;
    };
    const items = [];
    for (const [dir, rgb] of photos) {
      const image = await upload(readFileSync(join(FIXTURE, "..", dir, rgb)), "image");
      const depth = await upload(readFileSync(join(FIXTURE, "..", dir, "depth.png")), "depth");
      const k = JSON.parse(readFileSync(join(FIXTURE, "..", dir, "intrinsics.json"), "utf8")) as { fx: number; fy: number; cx: number; cy: number };
      for (let c = 0; c < 2; c++) items.push({ id: `img-${items.length}`, upload: image, depth, depthScale: 1000, intrinsics: { ...k, fx: k.fx * (1 + c / 100), fy: k.fy * (1 + c / 100) } });
    }
    stack.startRunner("crash-batch-runner");
    const created = (await (await fetch(`${stack.base}/v1/batches`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ items, synthesis: { seed: 9, perFamily: 1 }, formats: ["jsonl"] }) })).json()) as { batch: { id: string } };
    const id = created.batch.id;
    const view = async () => (await (await fetch(`${stack.base}/v1/batches/${id}`, { headers })).json()) as { status: string; counts: { done: number; skipped: number; failed: number }; qaPairs: number };
    const deadline = Date.now() + timeoutMs;
    let doneBeforeKill = 0;
    while (Date.now() < deadline) {
      const v = await view();
      doneBeforeKill = v.counts.done + v.counts.skipped + v.counts.failed;
      if (doneBeforeKill >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const { killedAt, restartedAt } = await stack.crashAndRestart();
    let last = await view();
    while (Date.now() < deadline && !["completed", "failed", "cancelled"].includes(last.status)) {
      await new Promise((r) => setTimeout(r, 500));
      last = await view();
    }
    const completedAt = Date.now();
    const scenes = last.status === "completed"
      ? (await (await fetch(`${stack.base}/v1/batches/${id}/outputs/scenes.jsonl`, { headers })).text()).trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id)
      : [];
    return {
      items: items.length,
      scenes,
      report: { items: items.length, doneBeforeKill, downMs: restartedAt - killedAt, restartToCompletedMs: completedAt - restartedAt, status: last.status, qaPairs: last.qaPairs },
    };
  } finally {
    await stack.stop();
  }
}
