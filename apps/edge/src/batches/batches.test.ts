// Batches on the real worker in workerd: uploads, creation and its refusals, the queue fan-out to
// jobs served by a runner over the real socket, item results, completion and the dataset files.
import { env } from "cloudflare:workers";
import { PROTOCOL_VERSION } from "@spatial/shared/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, bearer, createKey, eventually, png, TestRunner } from "../testing/harness.js";
import { livingRoom } from "../testing/scene.js";
import type { BatchItemQaResponse, BatchItemsResponse, BatchView, CreateBatchResponse, UploadView } from "@spatial/shared/protocol";
import { reconcileAllBatches } from "./reconcile.js";

let alice: string;
let bob: string;
let runner: TestRunner;
let heartbeat: ReturnType<typeof setInterval>;
let serving = true;
const rateLimit = { perMinute: 100_000, burst: 100_000 };

/** The runner answers every assignment with the living-room graph, as a real runner would stream it. */
async function serve(): Promise<void> {
  while (serving) {
    const assign = await runner.assignment(60_000).catch(() => null);
    if (!assign) continue;
    await runner.relay(assign.job.jobId, assign.leaseId, [{ type: "scene.graph", graph: livingRoom() }, { type: "job.completed", ms: 1 }]);
  }
}

beforeAll(async () => {
  alice = (await createKey("batch-alice", { rateLimit })).key;
  bob = (await createKey("batch-bob", { rateLimit })).key;
  runner = await TestRunner.connect("batches", "r-batches", 4);
  heartbeat = setInterval(() => runner.send({ v: PROTOCOL_VERSION, type: "runner.heartbeat", activeJobs: [] }), 500);
  void serve();
});
afterAll(() => {
  serving = false;
  clearInterval(heartbeat);
  runner.close();
});

const errorOf = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: { code: string; message: string } }).error });

async function upload(key: string, bytes: Uint8Array | string, kind?: string): Promise<Response> {
  const form = new FormData();
  form.set("file", new File([bytes], "f"));
  if (kind) form.set("kind", kind);
  return api("/v1/uploads", { method: "POST", headers: bearer(key), body: form });
}

const createBatch = (key: string, body: unknown, headers: Record<string, string> = {}) =>
  api("/v1/batches", { method: "POST", headers: { ...bearer(key), "Content-Type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

describe("POST /v1/uploads", () => {
  it("stores a file by content, deduplicated per tenant, and checks its kind", async () => {
    const image = png(64, 48, 8, 2, 201);
    const first = await upload(alice, image);
    expect(first.status).toBe(201);
    const a = await first.json<UploadView>();
    expect(a).toMatchObject({ kind: "image", width: 64, height: 48, bytes: image.length });
    const again = await upload(alice, image);
    expect(again.status).toBe(200);
    expect((await again.json<UploadView>()).upload).toBe(a.upload);
    const bobs = await (await upload(bob, image)).json<UploadView>();
    expect(bobs.upload).not.toBe(a.upload);
    expect(await errorOf(await upload(alice, new TextEncoder().encode("GIF89a..")))).toMatchObject({ status: 415 });
    expect(await errorOf(await upload(alice, png(64, 48, 8, 0), "depth"))).toMatchObject({ status: 400 });
    expect((await upload(alice, '{"imageUrl":"https://example.com/a.png"}\n', "manifest")).status).toBe(201);
    expect(await errorOf(await upload(alice, image, "spreadsheet"))).toMatchObject({ status: 400, code: "invalid_request" });
  });
});

describe("POST /v1/batches: refusals", () => {
  it("refuses an empty batch, too many inline items, a huge body, duplicate ids, private webhooks, and others' uploads", async () => {
    const synthesis = { seed: 1 };
    expect(await errorOf(await createBatch(alice, { items: [], synthesis }))).toMatchObject({ status: 400, code: "invalid_request" });
    const many = Array.from({ length: 1001 }, (_, i) => ({ imageUrl: `https://example.com/${i}.png` }));
    expect(await errorOf(await createBatch(alice, { items: many, synthesis }))).toMatchObject({ status: 400, message: expect.stringContaining("manifest") });
    const huge = JSON.stringify({ items: Array.from({ length: 40_000 }, (_, i) => ({ imageUrl: `https://example.com/${i}.png` })), synthesis });
    expect(await errorOf(await createBatch(alice, huge))).toMatchObject({ status: 413, code: "payload_too_large", message: expect.stringContaining("POST /v1/uploads") });
    const img = (await (await upload(alice, png(64, 48, 8, 2, 202))).json<UploadView>()).upload;
    expect(await errorOf(await createBatch(alice, { items: [{ id: "a", upload: img }, { id: "a", upload: img }], synthesis }))).toMatchObject({ status: 400, message: expect.stringContaining("duplicate") });
    expect(await errorOf(await createBatch(alice, { items: [{ upload: img }], synthesis, webhook: { url: "http://10.0.0.1/hook" } }))).toMatchObject({ status: 400, code: "url_not_allowed" });
    expect(await errorOf(await createBatch(bob, { items: [{ upload: img }], synthesis }))).toMatchObject({ status: 404, code: "not_found" });
    expect(await errorOf(await createBatch(alice, { items: [{ imageUrl: "http://127.0.0.1/a.png" }], synthesis }))).toMatchObject({ status: 400, code: "url_not_allowed" });
    expect(await errorOf(await createBatch(alice, { items: [{ upload: img }], synthesis: { seed: 1, perFamily: 0 } }))).toMatchObject({ status: 400 });
    expect(await errorOf(await api("/v1/batches/bat_nope", { headers: bearer(alice) }))).toMatchObject({ status: 404 });
  });

  it("reports a manifest's malformed lines by number and accepts the rest", async () => {
    const img = (await (await upload(alice, png(64, 48, 8, 2, 203))).json<UploadView>()).upload;
    const lines = [JSON.stringify({ id: "one", upload: img }), "{not json", JSON.stringify({ id: "two" }), "", JSON.stringify({ id: "three", imageUrl: "http://192.168.1.1/x.png" }), JSON.stringify({ id: "one", upload: img })];
    const manifest = (await (await upload(alice, lines.join("\n"), "manifest")).json<UploadView>()).upload;
    const res = await createBatch(alice, { manifest, synthesis: { seed: 2 }, pool: "batches" });
    expect(res.status).toBe(202);
    const body = await res.json<CreateBatchResponse>();
    expect(body.batch.total).toBe(1);
    expect(body.rejected.map((r) => r.line)).toEqual([2, 3, 5, 6]);
    expect(body.rejected[0].message).toBe("malformed JSON");
    expect(body.rejectedCount).toBe(4);
  });
});

describe("cancelling a batch", () => {
  it("at once: every item fails as cancelled (none stays queued, expanded or not), its items list holds them all", async () => {
    const img = (await (await upload(alice, png(64, 48, 8, 2, 207))).json<UploadView>()).upload;
    // A pool no runner serves: nothing can finish before the cancel.
    const res = await createBatch(alice, { items: [0, 1, 2].map((i) => ({ id: `c-${i}`, upload: img })), synthesis: { seed: 3 }, pool: "nobody-serves-this" });
    const { batch } = await res.json<CreateBatchResponse>();
    expect(await errorOf(await api(`/v1/batches/${batch.id}/cancel`, { method: "POST", headers: bearer(bob) }))).toMatchObject({ status: 404 });
    const cancelled = await api(`/v1/batches/${batch.id}/cancel`, { method: "POST", headers: bearer(alice) });
    expect(cancelled.status).toBe(202);
    const view = await cancelled.json<BatchView>();
    expect(view).toMatchObject({ status: "cancelled", counts: { queued: 0, done: 0 } });
    const settled = await eventually(async () => {
      const v = await (await api(`/v1/batches/${batch.id}`, { headers: bearer(alice) })).json<BatchView>();
      const items = await (await api(`/v1/batches/${batch.id}/items`, { headers: bearer(alice) })).json<BatchItemsResponse>();
      return v.counts.failed === 3 && items.items.length === 3 && items.items.every((i) => i.status === "failed") ? { v, items } : null;
    }, 20_000, "every item to fail as cancelled");
    expect(settled.v).toMatchObject({ status: "cancelled", counts: { queued: 0, running: 0, done: 0, failed: 3 }, etaS: 0 });
    expect(await errorOf(await api(`/v1/batches/${batch.id}/cancel`, { method: "POST", headers: bearer(alice) }))).toMatchObject({ status: 409, code: "batch_finished" });
  });
});

describe("a batch end to end", () => {
  it("fans out through the queue to jobs, records each item once, completes with the dataset files", async () => {
    const images = [201, 204, 205].map((salt) => png(64, 48, 8, 2, salt));
    const ids: string[] = [];
    for (const image of images) ids.push((await (await upload(alice, image)).json<UploadView>()).upload);
    const body = { items: [...ids.map((upload, i) => ({ id: `img-${i}`, upload })), { id: "img-again", upload: ids[0] }], synthesis: { seed: 7, perFamily: 1 }, formats: ["jsonl", "llava", "sharegpt", "parquet"], pool: "batches" };
    const res = await createBatch(alice, body, { "Idempotency-Key": "batch-e2e" });
    expect(res.status).toBe(202);
    const created = await res.json<CreateBatchResponse>();
    expect(created.batch).toMatchObject({ status: "queued", total: 4 });
    // The same key and body: the same batch.
    const again = await createBatch(alice, body, { "Idempotency-Key": "batch-e2e" });
    expect((await again.json<CreateBatchResponse>()).batch.id).toBe(created.batch.id);

    const done = await eventually(async () => {
      const view = await (await api(`/v1/batches/${created.batch.id}`, { headers: bearer(alice) })).json<BatchView>();
      return view.status === "completed" ? view : null;
    }, 25_000, "the batch to complete");
    expect(done.counts).toMatchObject({ queued: 0, running: 0, done: 4, failed: 0 });
    expect(done.qaPairs).toBeGreaterThan(0);
    expect(done.outputs).toEqual(expect.arrayContaining(["scenes.jsonl", "qa.jsonl", "llava.json", "sharegpt.json", "README.md", "report.json"]));
    const scenes = (await (await api(`/v1/batches/${created.batch.id}/outputs/scenes.jsonl`, { headers: bearer(alice) })).text()).trim().split("\n");
    expect(scenes).toHaveLength(4); // every image exactly once
    const qa = (await (await api(`/v1/batches/${created.batch.id}/outputs/qa.jsonl`, { headers: bearer(alice) })).text()).trim().split("\n");
    expect(qa).toHaveLength(done.qaPairs);
    expect(await errorOf(await api(`/v1/batches/${created.batch.id}/outputs/qa.jsonl`, { headers: bearer(bob) }))).toMatchObject({ status: 404 });
    // The batch's events: progress, then completion, in one numbered stream.
    const events = await (await api(`/v1/batches/${created.batch.id}/events`, { headers: bearer(alice) })).text();
    expect(events).toContain("event: batch.progress");
    expect(events).toContain("event: batch.completed");
    // Its items, each with its job, and each done item's QA pairs naming objects of that job's graph.
    const items = await (await api(`/v1/batches/${created.batch.id}/items?limit=3`, { headers: bearer(alice) })).json<BatchItemsResponse>();
    expect(items.items.map((i) => i.itemId)).toEqual(["img-0", "img-1", "img-2"]);
    expect(items.nextCursor).toBe("2");
    const rest = await (await api(`/v1/batches/${created.batch.id}/items?cursor=${items.nextCursor}`, { headers: bearer(alice) })).json<BatchItemsResponse>();
    expect(rest).toEqual({ items: [expect.objectContaining({ idx: 3, itemId: "img-again", status: "done" })], nextCursor: null });
    const first = items.items[0];
    expect(first.jobId).toMatch(/^job_/);
    const pairs = await (await api(`/v1/batches/${created.batch.id}/items/0/qa`, { headers: bearer(alice) })).json<BatchItemQaResponse>();
    expect(pairs.qa).toHaveLength(first.qaPairs!);
    const graphIds = new Set(livingRoom().objects.map((o) => o.id));
    expect(pairs.qa.every((p) => p.object_ids.length > 0 && p.object_ids.every((id) => graphIds.has(id)))).toBe(true);
    expect(qa.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(expect.arrayContaining(pairs.qa.map((p) => p.id)));
    expect(await errorOf(await api(`/v1/batches/${created.batch.id}/items/99/qa`, { headers: bearer(alice) }))).toMatchObject({ status: 404 });
    expect(await errorOf(await api(`/v1/batches/${created.batch.id}/items`, { headers: bearer(bob) }))).toMatchObject({ status: 404 });
    const listed = await (await api("/v1/batches?limit=50", { headers: bearer(alice) })).json<{ batches: BatchView[] }>();
    expect(listed.batches.map((b) => b.id)).toContain(created.batch.id);
  }, 40_000);
});

describe("batch reconciliation", () => {
  it("a batch whose queue messages were lost is picked up again by the cron's reconcile pass", async () => {
    const up = await (await upload(alice, png(64, 48, 8, 2, 231))).json<UploadView>();
    // What a lost "start" leaves: the batch and its item in D1, queued long ago, and no message.
    const id = `bat_lost_${Date.now()}`;
    const old = Date.now() - 120_000;
    const tenant = "batch-alice";
    await env.DB.prepare("INSERT INTO batches (id, tenant_id, key_id, pool, status, synthesis, formats, total, ended, qa_pairs, created_at, updated_at) VALUES (?, ?, NULL, 'batches', 'running', ?, ?, 1, 0, 0, ?, ?)")
      .bind(id, tenant, JSON.stringify({ seed: 1 }), JSON.stringify(["jsonl"]), old, old).run();
    await env.DB.prepare("INSERT INTO batch_items (batch_id, idx, item_id, status, attempts, image_upload, updated_at) VALUES (?, 0, 'only', 'queued', 0, ?, ?)").bind(id, up.upload, old).run();
    await env.BATCH_ROOM.get(env.BATCH_ROOM.idFromName(id)).init(id);
    expect(await reconcileAllBatches(env)).toBeGreaterThanOrEqual(1);
    const done = await eventually(async () => {
      const view = await (await api(`/v1/batches/${id}`, { headers: bearer(alice) })).json<BatchView>();
      return view.status === "completed" ? view : null;
    }, 20_000, "the reconciled batch to complete");
    expect(done.counts.done + done.counts.skipped).toBe(1);
  }, 30_000);
});
