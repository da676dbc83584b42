// The hostile-input suite: what a careless or malicious client or runner sends, each case asserting
// the status and machine-readable code it gets AND that nothing else was affected: /v1/health stays
// fast, a canary runner stays connected, and a canary job still runs to completion. Everything runs
// on the real worker in workerd (D1, R2, Durable Objects); nothing is mocked.
import { env } from "cloudflare:workers";
import { MAX_RUNNER_MESSAGE_BYTES, PROTOCOL_VERSION, type EventBody, type JobEvent, type JobView } from "@spatial/shared/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signViewToken } from "./auth/view-token.js";
import { DEPTH_MAX_BYTES, IMAGE_MAX_BYTES, MULTIPART_MAX_BYTES, OPTIONS_MAX_BYTES } from "./jobs/limits.js";
import { api, bearer, createKey, eventually, jobForm, jpeg, png, postJob, readSse, TestRunner } from "./testing/harness.js";
import { livingRoom } from "./testing/scene.js";

let alice: { id: string; key: string };
let bob: { id: string; key: string };
let readOnly: { id: string; key: string };
let canary: TestRunner;
let salt = 1000;
let heartbeat: ReturnType<typeof setInterval>;
let existingJobId: string;

beforeAll(async () => {
  // The suite sends hundreds of requests: its keys get a bucket that does not get in the way.
  const rateLimit = { perMinute: 100_000, burst: 100_000 };
  alice = await createKey("hostile-alice", { rateLimit });
  bob = await createKey("hostile-bob", { rateLimit });
  readOnly = await createKey("hostile-alice", { scopes: ["jobs:read"], rateLimit });
  existingJobId = (await (await postJob(alice.key, jobForm(png(64, 48, 8, 2, 1), {}), "?pool=hostile")).json<{ job: JobView }>()).job.id;
  canary = await TestRunner.connect("canary", "r-canary");
  // A live runner heartbeats; a silent one is dropped after the lease timeout (3 s in tests).
  heartbeat = setInterval(() => canary.send({ v: PROTOCOL_VERSION, type: "runner.heartbeat", activeJobs: [] }), 500);
});
afterAll(() => {
  clearInterval(heartbeat);
  canary.close();
});

const errorOf = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: { code: string; message: string } }).error });
const json = (key: string, path: string, body: string, method = "POST") => api(path, { method, headers: { ...bearer(key), "Content-Type": "application/json" }, body });
const form = (parts: Record<string, Uint8Array | string>) => {
  const f = new FormData();
  for (const [name, value] of Object.entries(parts)) f.set(name, typeof value === "string" ? value : new File([value], `${name}.bin`));
  return f;
};
const post = (f: FormData, key = alice.key, headers: Record<string, string> = {}) => api("/v1/jobs?pool=hostile", { method: "POST", headers: { ...bearer(key), ...headers }, body: f });
const options = (o: unknown) => jobForm(png(64, 48, 8, 2, ++salt), o);

/** Health answers fast, the canary runner is still connected, and a canary job still completes. */
async function expectUnaffected(): Promise<void> {
  const t0 = Date.now();
  const health = await api("/v1/health");
  expect(health.status).toBe(200);
  expect(Date.now() - t0).toBeLessThan(1000);
  expect(canary.closed).toBeNull();
  const res = await postJob(alice.key, jobForm(png(64, 48, 8, 2, ++salt), { questions: ["How tall is the tv?"] }), "?pool=canary");
  expect(res.status).toBe(202);
  const { job } = await res.json<{ job: JobView }>();
  const { leaseId } = await canary.assignment();
  const graph = livingRoom();
  await canary.relay(job.id, leaseId, [{ type: "scene.graph", graph }, { type: "job.completed", ms: 1 }]);
  expect((await (await api(`/v1/jobs/${job.id}`, { headers: bearer(alice.key) })).json<JobView>()).status).toBe("completed");
}

type Case = [name: string, request: () => Promise<Response>, status: number, code: string];

const HTTP_CASES: Case[] = [
  // Credentials and tenancy
  ["no API key", () => api("/v1/jobs/job_x"), 401, "unauthorized"],
  ["a wrong API key", () => api("/v1/jobs/job_x", { headers: bearer("sk_not_a_real_key") }), 401, "unauthorized"],
  ["the runner token on a client route", () => api("/v1/jobs/job_x", { headers: bearer(env.RUNNER_TOKEN) }), 401, "unauthorized"],
  ["a client key on the runner socket", () => api("/v1/runners/connect?pool=canary", { headers: { Upgrade: "websocket", ...bearer(alice.key) } }), 401, "unauthorized"],
  ["a read-only key creating a job", () => post(options({}), readOnly.key), 403, "forbidden"],
  ["a forged view token", () => api("/v1/jobs/job_x/events?token=e30.AAAA"), 401, "unauthorized"],
  // Sizes: refused as they stream in
  ["an options part over 128 KiB", () => post(options(JSON.stringify({ questions: ["x".repeat(OPTIONS_MAX_BYTES)] }))), 413, "payload_too_large"],
  ["a 40 MB options part", () => post(form({ image: png(64, 48), options: "x".repeat(40 * 1024 * 1024) })), 413, "payload_too_large"],
  ["an image over 25 MiB", () => post(form({ image: new Uint8Array(IMAGE_MAX_BYTES + 1) })), 413, "payload_too_large"],
  ["a declared body over the multipart cap", () => api("/v1/jobs", { method: "POST", headers: { ...bearer(alice.key), "Content-Type": "multipart/form-data; boundary=b", "Content-Length": String(MULTIPART_MAX_BYTES + 1) }, body: "x" }), 413, "payload_too_large"],
  ["a JSON job body over 128 KiB", () => json(alice.key, "/v1/jobs", JSON.stringify({ imageUrl: "https://example.com/a.png", questions: ["x".repeat(OPTIONS_MAX_BYTES)] })), 413, "payload_too_large"],
  ["a 2 MiB questions body", () => json(alice.key, "/v1/jobs/job_x/questions", JSON.stringify({ questions: ["x".repeat(2 * 1024 * 1024)] })), 413, "payload_too_large"],
  ["a 2 MiB key-creation body", () => json(env.ADMIN_TOKEN, "/v1/keys", JSON.stringify({ tenant: "t", name: "x".repeat(2 * 1024 * 1024) })), 413, "payload_too_large"],
  ["a depth map over 25 MiB", () => post(form({ image: png(64, 48), depth: new Uint8Array(DEPTH_MAX_BYTES + 1) })), 413, "payload_too_large"],
  // Malformed bodies
  ["an unknown multipart field", () => post(form({ image: png(64, 48), extra: "1" })), 400, "invalid_request"],
  ["four multipart fields", () => post(form({ image: png(64, 48), depth: png(64, 48, 16, 0), options: "{}", more: "x" })), 400, "invalid_request"],
  ["a multipart body without a boundary", () => api("/v1/jobs", { method: "POST", headers: { ...bearer(alice.key), "Content-Type": "multipart/form-data" }, body: "x" }), 400, "invalid_request"],
  ["garbage multipart", () => api("/v1/jobs", { method: "POST", headers: { ...bearer(alice.key), "Content-Type": "multipart/form-data; boundary=zzz" }, body: "not multipart at all" }), 400, "invalid_request"],
  ["malformed options JSON", () => post(options("{nope")), 400, "invalid_request"],
  ["text/plain", () => api("/v1/jobs", { method: "POST", headers: { ...bearer(alice.key), "Content-Type": "text/plain" }, body: "hello" }), 415, "unsupported_media_type"],
  ["a GIF", () => post(form({ image: new TextEncoder().encode("GIF89a\u0001\u0000\u0001\u0000;") })), 415, "unsupported_media_type"],
  ["a JPEG whose header has no frame", () => post(form({ image: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xd9]) })), 400, "image_corrupt"],
  ["a truncated PNG header", () => post(form({ image: png(64, 48).subarray(0, 20) })), 400, "image_corrupt"],
  // Schema bounds
  ["a 101-character label", () => post(options({ objects: [{ label: "x".repeat(101), box2d: [0, 0, 10, 10] }] })), 400, "invalid_request"],
  ["201 objects", () => post(options({ objects: Array.from({ length: 201 }, () => ({ label: "cup", box2d: [0, 0, 10, 10] })) })), 400, "invalid_request"],
  ["51 questions", () => post(options({ questions: Array.from({ length: 51 }, (_, i) => `q${i}`) })), 400, "invalid_request"],
  ["a 501-character question", () => post(options({ questions: ["x".repeat(501)] })), 400, "invalid_request"],
  ["an unknown event type filter", () => post(options({ events: ["job.completed", "evil.event"] })), 400, "invalid_request"],
  ["a 3000-character imageUrl", () => json(alice.key, "/v1/jobs", JSON.stringify({ imageUrl: `https://example.com/${"a".repeat(3000)}` })), 400, "invalid_request"],
  ["depthScale 1e-300", () => post(options({ depthScale: 1e-300 })), 400, "invalid_request"],
  ["depthScale 1e300", () => post(options({ depthScale: 1e300 })), 400, "invalid_request"],
  ["depthScale as a string", () => post(options({ depthScale: "NaN" })), 400, "invalid_request"],
  // Plausibility, from headers alone
  ["intrinsics of 1e-300 px", () => post(options({ intrinsics: { fx: 1e-300, fy: 1e-300, cx: 32, cy: 24 } })), 400, "intrinsics_invalid"],
  ["a focal length of 1 px", () => post(options({ intrinsics: { fx: 1, fy: 1, cx: 32, cy: 24 } })), 400, "intrinsics_invalid"],
  ["a principal point far outside the image", () => post(options({ intrinsics: { fx: 50, fy: 50, cx: 5000, cy: 24 } })), 400, "intrinsics_invalid"],
  ["a box outside the image", () => post(options({ objects: [{ label: "cup", box2d: [10, 10, 900, 40] }] })), 400, "objects_box_outside"],
  ["a decompression bomb (20000×20000 header)", () => post(form({ image: png(20000, 20000) })), 413, "image_too_large"],
  ["a JPEG bomb (65000×65000 header)", () => post(form({ image: jpeg(1, 65000, 65000) })), 413, "image_too_large"],
  ["a depth map of another aspect ratio", () => post(form({ image: png(64, 48), depth: png(64, 64, 16, 0) })), 400, "depth_size_mismatch"],
  ["an 8-bit depth map", () => post(form({ image: png(64, 48), depth: png(64, 48, 8, 0) })), 400, "invalid_request"],
  // Image URLs
  ["an IPv4-translated loopback URL", () => json(alice.key, "/v1/jobs", JSON.stringify({ imageUrl: "http://[::ffff:0:127.0.0.1]/a.png" })), 400, "url_not_allowed"],
  ["a 6to4 URL embedding 127.0.0.1", () => json(alice.key, "/v1/jobs", JSON.stringify({ imageUrl: "http://[2002:7f00:1::1]/a.png" })), 400, "url_not_allowed"],
  ["a Teredo URL whose server is 10.0.0.1", () => json(alice.key, "/v1/jobs", JSON.stringify({ imageUrl: "http://[2001:0:a00:1::1]/a.png" })), 400, "url_not_allowed"],
  ["the cloud metadata address", () => json(alice.key, "/v1/jobs", JSON.stringify({ imageUrl: "http://169.254.169.254/latest/meta-data" })), 400, "url_not_allowed"],
  ["a file: URL", () => json(alice.key, "/v1/jobs", JSON.stringify({ imageUrl: "file:///etc/passwd" })), 400, "url_not_allowed"],
  // Resume points and idempotency keys
  ["a negative Last-Event-ID", () => api(`/v1/jobs/${existingJobId}/events`, { headers: { ...bearer(alice.key), "Last-Event-ID": "-1" } }), 400, "invalid_request"],
  ["an Idempotency-Key with spaces", () => post(options({}), alice.key, { "Idempotency-Key": "not a key" }), 400, "invalid_request"],
];

describe("hostile HTTP input", () => {
  it.each(HTTP_CASES)("%s → its status and code; nothing else affected", async (_name, request, status, code) => {
    const before = await countJobs();
    expect(await errorOf(await request())).toMatchObject({ status, code });
    expect(await countJobs()).toBe(before); // a refused request leaves no job behind
    await expectUnaffected();
  });

  it("another tenant's job, blobs and events are a 404, and its view token reads nothing else", async () => {
    const res = await post(options({}));
    const { job, eventsUrl } = await res.json<{ job: JobView; eventsUrl: string }>();
    for (const path of [`/v1/jobs/${job.id}`, `/v1/jobs/${job.id}/events`, `/v1/jobs/${job.id}/blobs/out/${job.id}/1/depth.png`]) {
      expect(await errorOf(await api(path, { headers: bearer(bob.key) }))).toMatchObject({ status: 404, code: "not_found" });
    }
    expect(await errorOf(await json(bob.key, `/v1/jobs/${job.id}/cancel`, "{}"))).toMatchObject({ status: 404, code: "not_found" });
    const token = new URL(eventsUrl).searchParams.get("token")!;
    expect(await errorOf(await api(`/v1/jobs/job_other/events?token=${token}`))).toMatchObject({ status: 401, code: "unauthorized" });
    await expectUnaffected();
  });

  it("a view token dies with the key that created its job", async () => {
    const temp = await createKey("hostile-alice", { rateLimit: { perMinute: 100_000, burst: 100_000 } });
    const res = await post(options({}), temp.key);
    const { job, eventsUrl } = await res.json<{ job: JobView; eventsUrl: string }>();
    const path = `${new URL(eventsUrl).pathname}${new URL(eventsUrl).search}`;
    const live = await api(path);
    expect(live.status).toBe(200);
    await live.body?.cancel();
    expect((await api(`/v1/keys/${temp.id}`, { method: "DELETE", headers: bearer(env.ADMIN_TOKEN) })).status).toBe(200);
    expect(await errorOf(await api(path))).toMatchObject({ status: 401, code: "unauthorized", message: expect.stringContaining("revoked") });
    // A token signed for the job with another key id is refused the same way (the key must be live).
    const forged = await signViewToken(env.VIEW_TOKEN_SECRET!, { jobId: job.id, tenantId: "hostile-alice", keyId: "key_unknown" }, Math.floor(Date.now() / 1000) + 60);
    expect((await api(`/v1/jobs/${job.id}/events?token=${forged}`)).status).toBe(401);
    await expectUnaffected();
  });

  it("the same Idempotency-Key and body return the first job; the same key with another body is a 409", async () => {
    const image = png(64, 48, 8, 2, ++salt);
    const body = () => jobForm(image, { questions: ["How tall is the tv?"] });
    const first = await post(body(), alice.key, { "Idempotency-Key": "retry-1" });
    expect(first.status).toBe(202);
    const firstJob = (await first.json<{ job: JobView }>()).job;
    const again = await post(body(), alice.key, { "Idempotency-Key": "retry-1" });
    expect(again.status).toBe(202);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await again.json<{ job: JobView }>()).job.id).toBe(firstJob.id);
    // Concurrent retries create one job.
    const burst = await Promise.all(Array.from({ length: 4 }, () => post(body(), alice.key, { "Idempotency-Key": "retry-2" })));
    const ids = new Set(await Promise.all(burst.map(async (r) => (await r.json<{ job: JobView }>()).job.id)));
    expect(ids.size).toBe(1);
    expect(await errorOf(await post(jobForm(image, { questions: ["Another question?"] }), alice.key, { "Idempotency-Key": "retry-1" }))).toMatchObject({ status: 409, code: "idempotency_conflict" });
    // Keys are per tenant: bob's "retry-1" is his own.
    const bobs = await post(body(), bob.key, { "Idempotency-Key": "retry-1" });
    expect(bobs.status).toBe(202);
    expect((await bobs.json<{ job: JobView }>()).job.id).not.toBe(firstJob.id);
    await expectUnaffected();
  });
});

describe("a runner that lies", () => {
  async function leased(pool: string, questions: string[] = ["How tall is the tv?"]) {
    const runner = await TestRunner.connect(pool, `r-${pool}`);
    const res = await postJob(alice.key, jobForm(png(64, 48, 8, 2, ++salt), { questions }), `?pool=${pool}`);
    const { job } = await res.json<{ job: JobView }>();
    const { leaseId } = await runner.assignment();
    return { runner, job, leaseId };
  }
  const refusal = (runner: TestRunner) => runner.take((m) => m.type === "hub.error");

  it.each<[string, EventBody]>([
    ["a forged job.assigned with a huge attempt", { type: "job.assigned", attempt: 1_000_000 }],
    ["a second job.accepted", { type: "job.accepted", imageSha256: "0".repeat(64), pipelineVersion: "x", cached: true }],
    ["a job.queued", { type: "job.queued", position: 0 }],
    ["a job.cancelled", { type: "job.cancelled" }],
    ["an answer to a question that does not exist", { type: "answer.final", index: 49, line: { question: "q", answer: { text: "t", type: "text" }, objects: [] } }],
  ])("%s is refused and the job goes on normally", async (_name, forged) => {
    const { runner, job, leaseId } = await leased(`liar-${++salt}`);
    runner.event(job.id, leaseId, forged);
    expect(await refusal(runner)).toMatchObject({ code: "event_refused" });
    const graph = livingRoom();
    await runner.relay(job.id, leaseId, [{ type: "scene.graph", graph }, { type: "job.completed", ms: 1 }]);
    const log = (await env.JOB_ROOM.get(env.JOB_ROOM.idFromName(job.id)).log()) as JobEvent[];
    expect(log.map((e) => e.type)).toEqual(["job.accepted", "job.queued", "job.assigned", "scene.graph", "job.completed"]);
    runner.close();
    await expectUnaffected();
  });

  it("an answer index out of JSON's range is refused by the schema (bad_message), never allocated", async () => {
    const { runner, job, leaseId } = await leased(`liar-${++salt}`);
    runner.send({ v: PROTOCOL_VERSION, type: "job.event", jobId: job.id, leaseId, event: { type: "answer.final", index: 10_000_000, line: { question: "q", answer: { text: "t", type: "text" }, objects: [] } } } as never);
    expect(await refusal(runner)).toMatchObject({ code: "bad_message" });
    runner.close();
    await expectUnaffected();
  });

  it("a message over the size cap is refused (message_too_large) and the socket stays usable", async () => {
    const { runner, job, leaseId } = await leased(`liar-${++salt}`);
    runner.ws.send("x".repeat(MAX_RUNNER_MESSAGE_BYTES + 1));
    expect(await refusal(runner)).toMatchObject({ code: "message_too_large" });
    await runner.relay(job.id, leaseId, [{ type: "scene.graph", graph: livingRoom() }, { type: "job.completed", ms: 1 }]);
    runner.close();
    await expectUnaffected();
  });

  it("a completion without a scene graph fails the job (incomplete_result), never 'completed'", async () => {
    const { runner, job, leaseId } = await leased(`liar-${++salt}`);
    runner.event(job.id, leaseId, { type: "job.completed", ms: 1 });
    const view = await eventually(async () => {
      const v = await (await api(`/v1/jobs/${job.id}`, { headers: bearer(alice.key) })).json<JobView>();
      return v.status === "failed" ? v : null;
    }, 5000, "the job to fail");
    expect(view.error).toMatchObject({ code: "incomplete_result" });
    runner.close();
    await expectUnaffected();
  });
});

describe("durable submission", () => {
  it("a job row the hub never received (the edge died after writing it) is queued when a runner says hello", async () => {
    // What a crash between the D1 batch and the hub's enqueue leaves: the row and the image, nothing else.
    const res = await postJob(alice.key, jobForm(png(64, 48, 8, 2, ++salt), {}), "?pool=orphans-seed");
    const { job: seed } = await res.json<{ job: JobView }>();
    const id = `job_orphan_${++salt}`;
    const old = Date.now() - 60_000;
    await env.DB.prepare(`INSERT INTO jobs (id, tenant_id, key_id, pool, status, image_sha256, image_key, image_content_type, image_bytes, options, cache_key, cached, created_at, updated_at)
      VALUES (?, 'hostile-alice', ?, 'orphans', 'queued', ?, ?, 'image/png', 64, ?, 'k', 0, ?, ?)`)
      .bind(id, alice.id, seed.imageSha256, `img/${seed.imageSha256}`, JSON.stringify({ questions: [], depthScale: 1000 }), old, old).run();
    const runner = await TestRunner.connect("orphans", "r-orphans");
    const assign = await runner.assignment(5000);
    expect(assign.job).toMatchObject({ jobId: id, image: { key: `img/${seed.imageSha256}` } });
    await runner.relay(id, assign.leaseId, [{ type: "scene.graph", graph: livingRoom() }, { type: "job.completed", ms: 1 }]);
    const events = await readSse(await api(`/v1/jobs/${id}/events`, { headers: bearer(alice.key) }));
    expect(events.map((e) => e.type)).toEqual(["job.accepted", "job.queued", "job.assigned", "scene.graph", "job.completed"]);
    expect(await env.DB.prepare("SELECT status FROM jobs WHERE id = ?").bind(id).first("status")).toBe("completed");
    runner.close();
  });

  it("a job in a pool no runner serves fails with queue_timeout", async () => {
    const res = await postJob(alice.key, jobForm(png(64, 48, 8, 2, ++salt), {}), "?pool=nobody-home");
    const { job } = await res.json<{ job: JobView }>();
    const view = await eventually(async () => {
      const v = await (await api(`/v1/jobs/${job.id}`, { headers: bearer(alice.key) })).json<JobView>();
      return v.status === "failed" ? v : null;
    }, 15_000, "queue_timeout");
    expect(view.error).toMatchObject({ code: "queue_timeout" });
  }, 20_000);
});

async function countJobs(): Promise<number> {
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM jobs").first<number>("n")) ?? 0;
}
