import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { PROTOCOL_VERSION, type EventBody, type JobEvent, type JobView } from "@spatial/shared/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { api, bearer, createKey, eventually, jobForm, openSocket, png, postJob, readSse, SocketClient, TestRunner, viewerOf } from "../testing/harness.js";
import { livingRoom } from "../testing/scene.js";

let key: string;
beforeAll(async () => {
  key = (await createKey("hub-tenant")).key;
});

let salt = 0;
async function submit(pool: string, questions: string[] = []): Promise<JobView> {
  const res = await postJob(key, jobForm(png(8, 6, 8, 2, ++salt), { questions }), `?pool=${pool}`);
  expect(res.status).toBe(202);
  return (await res.json<{ job: JobView }>()).job;
}

const hub = (pool: string) => env.RUNNER_HUB.get(env.RUNNER_HUB.idFromName(pool));
const room = (jobId: string) => env.JOB_ROOM.get(env.JOB_ROOM.idFromName(jobId));
/** The room's log (RPC typing turns tuples into arrays; the values are JobEvents). */
const roomLog = async (jobId: string) => (await room(jobId).log()) as JobEvent[];
const types = (events: JobEvent[]) => events.map((e) => ("stage" in e ? `${e.type}:${e.stage}` : e.type === "job.assigned" ? `job.assigned:${e.attempt}` : e.type));
const logOf = async (jobId: string) => readSse(await api(`/v1/jobs/${jobId}/events`, { headers: bearer(key) }));

describe("RunnerHub", () => {
  it("answers runner.hello with hub.welcome and its timings; asks for hello first; ignores junk", async () => {
    const ws = new SocketClient(await openSocket("/v1/runners/connect?pool=hello", env.RUNNER_TOKEN), (d) => (typeof d === "string" ? JSON.parse(d) : null));
    ws.ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: "runner.heartbeat", activeJobs: [] }));
    expect(await ws.take((m: any) => m.type === "hub.error")).toMatchObject({ code: "hello_required" });
    ws.ws.send("not json");
    expect(await ws.take((m: any) => m.type === "hub.error")).toMatchObject({ code: "bad_message" });
    ws.ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: "runner.hello", runnerId: "r-hello", capabilities: { models: [], device: "cpu", concurrency: 2, pipelineVersion: "spatial-pipeline/1" } }));
    expect(await ws.take((m: any) => m.type === "hub.welcome")).toEqual({ v: 1, type: "hub.welcome", runnerId: "r-hello", heartbeatIntervalMs: 1000, leaseTimeoutMs: 3000 });
    const snap = await hub("hello").snapshot();
    expect(snap.runners).toMatchObject([{ runnerId: "r-hello", active: 0, capabilities: { concurrency: 2 } }]);
    ws.ws.close(1000);
    await eventually(async () => (await hub("hello").snapshot()).runners.length === 0, 3000, "runner removal");
  });

  it("needs a WebSocket upgrade and a pool name", async () => {
    expect((await api("/v1/runners/connect?pool=p", { headers: bearer(env.RUNNER_TOKEN) })).status).toBe(426);
    expect((await api("/v1/runners/connect", { headers: { Upgrade: "websocket", ...bearer(env.RUNNER_TOKEN) } })).status).toBe(400);
  });

  it("assigns a job with its JobSpec and relays the runner's events to the room in order", async () => {
    const runner = await TestRunner.connect("relay", "r-relay");
    const job = await submit("relay", ["How far is the red chair from the blue chair?"]);
    const assign = await runner.assignment();
    expect(assign.attempt).toBe(1);
    expect(assign.job).toMatchObject({ jobId: job.id, image: { key: `img/${job.imageSha256}`, contentType: "image/png", bytes: 64, sha256: job.imageSha256 }, depthScale: 1000, questions: ["How far is the red chair from the blue chair?"], pipelineVersion: "spatial-pipeline/1" });
    // The runner can read the image with its token.
    const blob = await api(`/v1/runner/blobs/${assign.job.image.key}`, { headers: bearer(env.RUNNER_TOKEN) });
    expect(blob.status).toBe(200);
    expect(blob.headers.get("Content-Type")).toBe("image/png");
    expect((await blob.arrayBuffer()).byteLength).toBe(64);

    const graph = livingRoom();
    const bodies: EventBody[] = [
      { type: "job.accepted", imageSha256: job.imageSha256, pipelineVersion: "spatial-pipeline/1", cached: false },
      { type: "stage.started", stage: "decode" }, { type: "stage.completed", stage: "decode", ms: 2 },
      { type: "stage.started", stage: "detect" }, { type: "perception.detections", detections: [{ label: "chair", score: 0.9, box2d: [1, 2, 3, 4] }] },
      { type: "stage.completed", stage: "detect", ms: 5 }, { type: "scene.graph", graph },
      { type: "answer.final", index: 0, line: { question: "How far is the red chair from the blue chair?", answer: { text: "2.5 m", type: "number", value_m: 2.5 }, objects: [] } },
      { type: "job.completed", ms: 40 },
    ];
    await runner.relay(job.id, assign.leaseId, [[bodies[0], "dropped"], ...bodies.slice(1)]);
    const events = await logOf(job.id);
    expect(types(events)).toEqual([
      "job.accepted", "job.queued", "job.assigned:1", "stage.started:decode", "stage.completed:decode", "stage.started:detect",
      "perception.detections", "stage.completed:detect", "scene.graph", "answer.final", "job.completed",
    ]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

    // The room persisted the results: the view has the scene (CLI contract) and the answers; the lease is freed.
    const view = await (await api(`/v1/jobs/${job.id}`, { headers: bearer(key) })).json<JobView>();
    expect(view).toMatchObject({ status: "completed", lastSeq: 11, answers: [{ answer: { value_m: 2.5 } }] });
    expect((view.scene as { objects: unknown[] }).objects).toHaveLength(graph.objects.length);
    expect((await hub("relay").snapshot()).leases).toEqual([]);
    runner.close();
  });

  it("keeps jobs queued (job.queued {position}) while no runner is connected, then dispatches FIFO", async () => {
    const a = await submit("fifo");
    const b = await submit("fifo");
    const queued = async (id: string) => (await room(id).log()).find((e) => e.type === "job.queued");
    expect(await queued(a.id)).toMatchObject({ position: 0 });
    expect(await queued(b.id)).toMatchObject({ position: 1 });
    expect((await hub("fifo").snapshot()).queue.map((q) => q.jobId)).toEqual([a.id, b.id]);
    const runner = await TestRunner.connect("fifo", "r-fifo");
    expect((await runner.assignment()).job.jobId).toBe(a.id);
    // Concurrency 1: b waits until a ends.
    await expect(runner.assignment(300)).rejects.toThrow(/timed out/);
    const leaseA = (await hub("fifo").snapshot()).leases[0];
    runner.event(a.id, leaseA.leaseId, { type: "job.failed", code: "decode_failed", message: "bad image" });
    expect((await runner.assignment()).job.jobId).toBe(b.id);
    const view = await (await api(`/v1/jobs/${a.id}`, { headers: bearer(key) })).json<JobView>();
    expect(view).toMatchObject({ status: "failed", error: { code: "decode_failed", message: "bad image" } });
    runner.close();
  });

  it("dispatches to the least-loaded runner", async () => {
    const big = await TestRunner.connect("load", "r-big", 4);
    const small = await TestRunner.connect("load", "r-small", 1);
    const jobs = [await submit("load"), await submit("load"), await submit("load")];
    // r-small (0/1) and r-big (0/4) tie on load; fewer active then longest connected → r-big first, then r-small (0/1 < 1/4)…
    const bigGot = [(await big.assignment()).job.jobId];
    const smallGot = [(await small.assignment()).job.jobId];
    bigGot.push((await big.assignment()).job.jobId);
    expect(bigGot).toEqual([jobs[0].id, jobs[2].id]);
    expect(smallGot).toEqual([jobs[1].id]);
    big.close();
    small.close();
  });

  it("re-queues a job whose runner's socket closes mid-job; a second runner finishes it as attempt 2 and subscribers see one consistent stream", async () => {
    const first = await TestRunner.connect("failover", "r-first");
    const job = await submit("failover", ["Is the red chair left of the blue chair?"]);
    // A live WebSocket viewer from the start, an SSE reader at the end.
    const viewer = viewerOf(await openSocket(`/v1/jobs/${job.id}/events`, key));
    const a1 = await first.assignment();
    await first.relay(job.id, a1.leaseId, [
      [{ type: "job.accepted", imageSha256: job.imageSha256, pipelineVersion: "spatial-pipeline/1", cached: false }, "dropped"],
      { type: "stage.started", stage: "decode" }, { type: "stage.completed", stage: "decode", ms: 1 }, { type: "stage.started", stage: "detect" },
    ]);
    expect((await room(job.id).summary()).lastSeq).toBe(6);
    first.close(1000, "crash");
    await first.waitClosed();

    await eventually(async () => (await hub("failover").snapshot()).queue.length === 1, 3000, "re-queue");
    const second = await TestRunner.connect("failover", "r-second");
    const a2 = await second.assignment();
    expect(a2.attempt).toBe(2);
    expect(a2.leaseId).not.toBe(a1.leaseId);
    // The new attempt repeats what the first had done; the room keeps one copy.
    await second.relay(job.id, a2.leaseId, [
      [{ type: "job.accepted", imageSha256: job.imageSha256, pipelineVersion: "spatial-pipeline/1", cached: false }, "dropped"],
      [{ type: "stage.started", stage: "decode" }, "dropped"], [{ type: "stage.completed", stage: "decode", ms: 1 }, "dropped"],
      { type: "stage.started", stage: "detect" }, { type: "stage.completed", stage: "detect", ms: 3 },
      { type: "scene.graph", graph: livingRoom() },
      { type: "answer.final", index: 0, line: { question: "Is the red chair left of the blue chair?", answer: { text: "Yes.", type: "bool", bool: true }, objects: [] } },
    ]);
    // A straggler from the dead lease is dropped and told to stop.
    second.event(job.id, a1.leaseId, { type: "stage.started", stage: "lift" });
    expect(await second.take((m) => m.type === "job.cancel")).toMatchObject({ jobId: job.id, leaseId: a1.leaseId });
    second.event(job.id, a2.leaseId, { type: "job.completed", ms: 9 });
    await viewer.waitClosed();
    const expected = [
      "job.accepted", "job.queued", "job.assigned:1", "stage.started:decode", "stage.completed:decode", "stage.started:detect",
      "job.queued", "job.assigned:2", "stage.started:detect", "stage.completed:detect", "scene.graph", "answer.final", "job.completed",
    ];
    expect(types(viewer.messages)).toEqual(expected);
    const sse = await logOf(job.id);
    expect(types(sse)).toEqual(expected);
    expect(sse.map((e) => e.seq)).toEqual(expected.map((_, i) => i + 1));
    expect(viewer.messages).toEqual(sse);
    second.close();
  });

  it("drops events of a lease it no longer holds and tells the runner to stop", async () => {
    const runner = await TestRunner.connect("stale", "r-stale");
    const job = await submit("stale");
    const assign = await runner.assignment();
    runner.event(job.id, "not-the-lease", { type: "stage.started", stage: "decode" });
    expect(await runner.take((m) => m.type === "job.cancel")).toMatchObject({ jobId: job.id, leaseId: "not-the-lease" });
    runner.event(job.id, assign.leaseId, { type: "stage.started", stage: "decode" });
    await eventually(async () => (await room(job.id).log()).some((e) => e.type === "stage.started"), 3000, "the real event");
    expect(types(await roomLog(job.id))).toEqual(["job.accepted", "job.queued", "job.assigned:1", "stage.started:decode"]);
    runner.close();
  });

  it("re-queues a job whose lease expired (runner silent past the lease timeout; alarm) and fails it after MAX_ATTEMPTS", async () => {
    const runner = await TestRunner.connect("expiry", "r-silent");
    const job = await submit("expiry");
    const assign = await runner.assignment();
    // Age the runner and its lease past the timeout, then fire the alarm.
    const age = async () =>
      runInDurableObject(hub("expiry"), (_obj, state) => {
        state.storage.sql.exec("UPDATE leases SET expires_at = ?, assigned_at = 0", Date.now() - 1);
        state.storage.sql.exec("UPDATE runners SET last_seen = 0");
      });
    await age();
    expect(await runDurableObjectAlarm(hub("expiry"))).toBe(true);
    expect((await runner.waitClosed()).code).toBe(1000);
    const snap = await hub("expiry").snapshot();
    expect(snap).toMatchObject({ runners: [], leases: [], queue: [{ jobId: job.id, attempts: 1 }] });
    expect(types(await roomLog(job.id))).toEqual(["job.accepted", "job.queued", "job.assigned:1", "job.queued"]);
    expect(assign.attempt).toBe(1);

    // Attempts 2 and 3 are lost the same way; then the job fails with runner_lost.
    for (const attempt of [2, 3]) {
      const r = await TestRunner.connect("expiry", `r-silent-${attempt}`);
      expect((await r.assignment()).attempt).toBe(attempt);
      await age();
      await runDurableObjectAlarm(hub("expiry"));
      await r.waitClosed();
    }
    const view = await (await api(`/v1/jobs/${job.id}`, { headers: bearer(key) })).json<JobView>();
    expect(view).toMatchObject({ status: "failed", error: { code: "runner_lost" } });
    expect((await hub("expiry").snapshot()).queue).toEqual([]);
  });

  it("heartbeats listing a job keep its lease; a lease the runner no longer lists lapses", async () => {
    const runner = await TestRunner.connect("beat", "r-beat", 2);
    const j1 = await submit("beat");
    const j2 = await submit("beat");
    await runner.assignment();
    await runner.assignment();
    await runInDurableObject(hub("beat"), (_obj, state) => {
      state.storage.sql.exec("UPDATE leases SET assigned_at = 0, expires_at = ?", Date.now() + 50);
    });
    runner.send({ v: PROTOCOL_VERSION, type: "runner.heartbeat", activeJobs: [j1.id] });
    await eventually(async () => (await hub("beat").snapshot()).leases.find((l) => l.jobId === j1.id)!.expiresAt > Date.now() + 1000, 3000, "renewal");
    await new Promise((r) => setTimeout(r, 80));
    await runDurableObjectAlarm(hub("beat"));
    // j2's lease lapsed: the runner is told to drop it, and the job, back in the queue, goes straight
    // back to the runner's free slot as attempt 2; j1's lease (attempt 1) is untouched.
    expect(await runner.take((m) => m.type === "job.cancel")).toMatchObject({ jobId: j2.id });
    expect(await runner.assignment()).toMatchObject({ attempt: 2, job: { jobId: j2.id } });
    const snap = await hub("beat").snapshot();
    expect(snap.leases.map((l) => [l.jobId, l.attempt]).sort()).toEqual([[j1.id, 1], [j2.id, 2]].sort());
    expect(types(await roomLog(j2.id))).toEqual(["job.accepted", "job.queued", "job.assigned:1", "job.queued", "job.assigned:2"]);
    runner.close();
  });

  it("cancels a running job: job.cancel to its runner, job.cancelled to the room, lease freed", async () => {
    const runner = await TestRunner.connect("cancel", "r-cancel");
    const job = await submit("cancel");
    const assign = await runner.assignment();
    const res = await api(`/v1/jobs/${job.id}/cancel`, { method: "POST", headers: bearer(key) });
    expect(res.status).toBe(202);
    expect(await runner.take((m) => m.type === "job.cancel")).toEqual({ v: 1, type: "job.cancel", jobId: job.id, leaseId: assign.leaseId });
    runner.event(job.id, assign.leaseId, { type: "stage.started", stage: "decode" });
    expect(types(await logOf(job.id))).toEqual(["job.accepted", "job.queued", "job.assigned:1", "job.cancelled"]);
    expect((await hub("cancel").snapshot()).leases).toEqual([]);
    runner.close();
  });

  it("a reconnecting runner process (same instance) replaces its old socket; the old socket's jobs are re-queued", async () => {
    const old = await TestRunner.connect("replace", "r-same", 1, "process-1");
    const job = await submit("replace");
    await old.assignment();
    const fresh = await TestRunner.connect("replace", "r-same", 1, "process-1");
    expect((await old.waitClosed()).code).toBe(1000);
    expect(await fresh.assignment()).toMatchObject({ attempt: 2, job: { jobId: job.id } });
    fresh.close();
  });

  it("refuses a second live process under a connected runner id (4409) instead of evicting the first", async () => {
    const first = await TestRunner.connect("dup-id", "r-dup", 1, "process-a");
    const job = await submit("dup-id");
    await first.assignment();
    for (const instance of ["process-b", undefined]) {
      const second = await TestRunner.open("dup-id", "r-dup", 1, instance);
      expect(await second.take((m) => m.type === "hub.error")).toMatchObject({ code: "runner_id_in_use" });
      expect((await second.waitClosed()).code).toBe(4409);
    }
    // The first keeps its socket and its lease: no eviction, no re-run.
    expect(first.closed).toBeNull();
    const snapshot = await env.RUNNER_HUB.get(env.RUNNER_HUB.idFromName("dup-id")).snapshot();
    expect(snapshot.leases).toMatchObject([{ jobId: job.id, runnerId: "r-dup", attempt: 1 }]);
    expect(snapshot.runners).toHaveLength(1);
    first.close();
  });
});

describe("GET /v1/admin/pools/:pool", () => {
  it("shows a pool's runners, queue and leases to the admin only", async () => {
    const runner = await TestRunner.connect("admin-view", "r-admin", 2);
    const job = await submit("admin-view");
    await runner.assignment();
    const res = await api("/v1/admin/pools/admin-view", { headers: bearer(env.ADMIN_TOKEN) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ runners: [{ runnerId: "r-admin", active: 1 }], queue: [], leases: [{ jobId: job.id, runnerId: "r-admin", attempt: 1 }] });
    expect((await api("/v1/admin/pools/admin-view", { headers: bearer(key) })).status).toBe(401);
    runner.close();
  });
});
