// The batch queue's consumer. Each message kind is idempotent against D1, so at-least-once delivery
// (and the room's re-sends) still gives every image exactly once in the output:
//   expand   insert a chunk of item rows (INSERT OR IGNORE) and queue their starts;
//   start    create the item's job, keyed by the item (a second start finds the same job);
//   ended    record the item's result once (its R2 key is the item's own) or its failure;
//   finalize move the batch to "finalizing" once (a conditional update), write the outputs, complete.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { JobOptions, type JobEvent } from "@spatial/shared/protocol";
import { synthesizeItem, writeDataset, type DatasetItem, type ItemOutcome } from "@spatial/shared/dataset";
import type { SceneGraph } from "@spatial/shared/spatial";
import { sha256Hex } from "../auth/crypto.js";
import { database, type Db } from "../db/client.js";
import { batches, batchItems, jobs, uploads, type BatchItemRow, type BatchRow } from "../db/schema.js";
import type { EdgeEnv } from "../env.js";
import { ApiError } from "../http/errors.js";
import { logError } from "../http/log.js";
import { createJob, roomOf } from "../jobs/create.js";
import { fetchImage } from "../jobs/fetch-image.js";
import { checkAgainstHeaders } from "../jobs/header-checks.js";
import { asImage, type ResolvedIntake, type Upload } from "../jobs/intake.js";
import { getScene } from "../jobs/scene-store.js";
import { pngHeader } from "../jobs/sniff.js";
import { CHUNK_ITEMS, chunkKey, type NormalizedItem } from "./create.js";
import type { BatchMessage } from "./messages.js";
import { CANCELLED_ITEM, failQueuedAsCancelled } from "./store.js";
import type { SynthesisOptions } from "@spatial/shared/dataset";

/** Starts of one item before it is failed (each start that threw counts). */
const MAX_START_ATTEMPTS = 5;
const FINISHED_JOB = ["completed", "failed", "cancelled"];

export const resultKey = (batchId: string, idx: number) => `batch/${batchId}/results/${idx}.json`;
export const outputKey = (batchId: string, path: string) => `batch/${batchId}/out/${path}`;

/** A delivery's messages are handled concurrently: each is independent (and idempotent) against D1. */
export async function consumeBatchMessages(batch: MessageBatch<BatchMessage>, env: EdgeEnv): Promise<void> {
  await Promise.all(batch.messages.map(async (message) => {
    try {
      await handle(env, message.body);
      message.ack();
    } catch (err) {
      logError(`batch queue: ${message.body.kind} of ${message.body.batchId}`, err);
      message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
    }
  }));
}

export async function handle(env: EdgeEnv, m: BatchMessage): Promise<void> {
  const db = database(env.DB);
  const batch = await db.query.batches.findFirst({ where: eq(batches.id, m.batchId) });
  if (!batch) return;
  switch (m.kind) {
    case "expand":
      return expand(env, db, batch, m.from);
    case "start":
      return start(env, db, batch, m.idx);
    case "ended":
      return ended(env, db, batch, m.idx);
    case "finalize":
      return finalize(env, db, batch);
  }
}

async function expand(env: EdgeEnv, db: Db, batch: BatchRow, from: number): Promise<void> {
  const object = await env.BLOBS.get(chunkKey(batch.id, Math.floor(from / CHUNK_ITEMS)));
  if (!object) return;
  const items = (await object.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l) as NormalizedItem);
  const now = new Date();
  const rows = items.map((i) => ({
    batchId: batch.id, idx: i.idx, itemId: i.itemId, status: "queued" as const, imageUrl: i.imageUrl ?? null, imageUpload: i.imageUpload ?? null,
    depthUpload: i.depthUpload ?? null, depthScale: i.depthScale ?? null, intrinsics: i.intrinsics ?? null, updatedAt: now,
  }));
  // D1 binds at most 100 parameters per statement: 7 rows of 13 columns each.
  const statements = [];
  for (let i = 0; i < rows.length; i += 7) statements.push(db.insert(batchItems).values(rows.slice(i, i + 7)).onConflictDoNothing());
  if (statements.length) await db.batch(statements as [typeof statements[0], ...typeof statements]);
  // Only a queued batch becomes running: a cancel may have landed since `batch` was read.
  await db.update(batches).set({ status: "running", updatedAt: now }).where(and(eq(batches.id, batch.id), eq(batches.status, "queued")));
  const current = await db.query.batches.findFirst({ where: eq(batches.id, batch.id), columns: { status: true } });
  if (current?.status === "cancelled") {
    // Cancelled before (or while) these items were expanded: they fail as cancelled, like the queued ones the cancel found.
    await failQueuedAsCancelled(db, batch.id, now);
  } else {
    const starts = items.map((i) => ({ body: { kind: "start" as const, batchId: batch.id, idx: i.idx } }));
    for (let i = 0; i < starts.length; i += 100) await env.BATCH_QUEUE.sendBatch(starts.slice(i, i + 100));
  }
  // A cancelled batch is still expanded to the end, so its items list holds every item.
  if (from + CHUNK_ITEMS < batch.total) await env.BATCH_QUEUE.send({ kind: "expand", batchId: batch.id, from: from + CHUNK_ITEMS });
}

async function loadItem(db: Db, batchId: string, idx: number): Promise<BatchItemRow | undefined> {
  return db.query.batchItems.findFirst({ where: and(eq(batchItems.batchId, batchId), eq(batchItems.idx, idx)) });
}

async function start(env: EdgeEnv, db: Db, batch: BatchRow, idx: number): Promise<void> {
  const item = await loadItem(db, batch.id, idx);
  if (!item || item.status !== "queued") return;
  if (batch.status === "cancelled") return settle(env, db, batch, item, { status: "failed", ...CANCELLED_ITEM });
  const attempts = item.attempts + 1;
  await db.update(batchItems).set({ attempts, updatedAt: new Date() }).where(and(eq(batchItems.batchId, batch.id), eq(batchItems.idx, idx)));
  let intake: ResolvedIntake;
  try {
    intake = await itemIntake(env, db, batch, item);
    checkAgainstHeaders(intake);
  } catch (err) {
    if (err instanceof ApiError) return settle(env, db, batch, item, { status: "failed", code: err.code, message: err.message });
    if (attempts >= MAX_START_ATTEMPTS) return settle(env, db, batch, item, { status: "failed", code: "start_failed", message: `could not start after ${attempts} attempts` });
    throw err;
  }
  const [imageSha256, depthSha256] = await Promise.all([sha256Hex(intake.image.bytes), intake.depth ? sha256Hex(intake.depth.bytes) : undefined]);
  const { row: job } = await createJob(env, db, {
    tenantId: batch.tenantId, keyId: batch.keyId ?? "", pool: batch.pool, intake, imageSha256, depthSha256,
    // Keyed by the item: a redelivered start finds the job the first one made.
    idempotency: { key: `batch:${batch.id}:${idx}`, fingerprint: "batch-item" },
    batch: { batchId: batch.id, idx },
  });
  await db.update(batchItems).set({ status: "running", jobId: job.id, updatedAt: new Date() }).where(and(eq(batchItems.batchId, batch.id), eq(batchItems.idx, idx), eq(batchItems.status, "queued")));
  // A cache hit ends its job before this line: record it now (its room's "ended" message may race this; both are idempotent).
  if (FINISHED_JOB.includes(job.status)) await ended(env, db, batch, idx);
}

async function itemIntake(env: EdgeEnv, db: Db, batch: BatchRow, item: BatchItemRow): Promise<ResolvedIntake> {
  const uploadBytes = async (id: string) => {
    const row = await db.query.uploads.findFirst({ where: and(eq(uploads.id, id), eq(uploads.tenantId, batch.tenantId)) });
    const object = row ? await env.BLOBS.get(row.key) : null;
    if (!object) throw new ApiError(404, "not_found", `upload ${id} not found`);
    return new Uint8Array(await object.arrayBuffer());
  };
  const image: Upload = item.imageUpload ? asImage(await uploadBytes(item.imageUpload), "image") : asImage((await fetchImage(item.imageUrl!)).bytes, "imageUrl");
  let depth: Upload | undefined;
  if (item.depthUpload) {
    const bytes = await uploadBytes(item.depthUpload);
    const header = pngHeader(bytes);
    if (!header || header.bitDepth !== 16 || header.colorType !== 0) throw new ApiError(400, "depth_format", "the depth upload is not a 16-bit greyscale PNG");
    depth = { bytes, contentType: "image/png", size: { width: header.width, height: header.height } };
  }
  const options = JobOptions.parse({ questions: [], ...(item.depthScale !== null ? { depthScale: item.depthScale } : {}), ...(item.intrinsics ? { intrinsics: item.intrinsics } : {}) });
  return { image, ...(depth ? { depth } : {}), options };
}

async function ended(env: EdgeEnv, db: Db, batch: BatchRow, idx: number): Promise<void> {
  const item = await loadItem(db, batch.id, idx);
  if (!item || item.status !== "running" || !item.jobId) return;
  const job = await db.query.jobs.findFirst({ where: eq(jobs.id, item.jobId) });
  if (!job || !FINISHED_JOB.includes(job.status)) return;
  if (job.status !== "completed") {
    return settle(env, db, batch, item, { status: "failed", code: job.errorCode ?? job.status, message: job.errorMessage ?? `the item's job was ${job.status}` });
  }
  const graph = job.sceneKey ? await getScene(env.BLOBS, job.sceneKey) : null;
  if (!graph) return settle(env, db, batch, item, { status: "failed", code: "incomplete_result", message: "the item's job completed without a scene graph" });
  const synthesized = synthesizeItem(graph, batch.synthesis as SynthesisOptions, item.itemId);
  const pointClouds = !synthesized.skipped && (batch.formats as string[]).includes("pointclouds") ? await pointCloudKeys(env, job.id) : undefined;
  const result: StoredResult = {
    id: item.itemId, image: item.imageUpload ?? item.imageUrl!, graph, qa: synthesized.qa, dropped: synthesized.dropped,
    ...(synthesized.skipped ? { skipped: synthesized.skipped } : {}), ...(pointClouds ? { pointClouds } : {}),
  };
  // One result per item, under the item's own key: a repeat overwrites it with the same content.
  // Skipped images keep theirs too: the dataset's report counts them by code.
  await env.BLOBS.put(resultKey(batch.id, idx), JSON.stringify(result), { httpMetadata: { contentType: "application/json" } });
  if (synthesized.skipped) return settle(env, db, batch, item, { status: "skipped", ...synthesized.skipped, resultKey: resultKey(batch.id, idx) });
  await settle(env, db, batch, item, { status: "done", qaPairs: synthesized.qa.length, resultKey: resultKey(batch.id, idx) });
}

interface StoredResult {
  id: string;
  image: string;
  graph: SceneGraph;
  qa: DatasetItem["qa"];
  dropped?: DatasetItem["dropped"];
  skipped?: DatasetItem["skipped"];
  /** Object id → R2 key of its world-frame points (float32 xyz). */
  pointClouds?: Record<string, string>;
}

/** The R2 keys of the job's per-object point clouds, from its event log. */
async function pointCloudKeys(env: EdgeEnv, jobId: string): Promise<Record<string, string>> {
  const log = (await roomOf(env, jobId).log()) as JobEvent[];
  const out: Record<string, string> = {};
  for (const e of log) if (e.type === "scene.pointcloud" && e.blob) out[e.objectId] = e.blob.key;
  return out;
}

type Settlement = { status: "done"; qaPairs: number; resultKey: string } | { status: "failed" | "skipped"; code: string; message: string; resultKey?: string };

/** Ends an item once (a conditional update on its unfinished status), then tells the batch's room. */
async function settle(env: EdgeEnv, db: Db, batch: BatchRow, item: BatchItemRow, s: Settlement): Promise<void> {
  const now = new Date();
  const [changed] = await db
    .update(batchItems)
    .set(s.status === "done" ? { status: "done", qaPairs: s.qaPairs, resultKey: s.resultKey, updatedAt: now } : { status: s.status, errorCode: s.code, errorMessage: s.message.slice(0, 500), resultKey: s.resultKey ?? null, updatedAt: now })
    .where(and(eq(batchItems.batchId, batch.id), eq(batchItems.idx, item.idx), inArray(batchItems.status, ["queued", "running"])))
    .returning({ idx: batchItems.idx });
  if (!changed) return;
  const [counters] = await db
    .update(batches)
    .set({ ended: sql`${batches.ended} + 1`, ...(s.status === "done" ? { qaPairs: sql`${batches.qaPairs} + ${s.qaPairs}` } : {}), updatedAt: now })
    .where(eq(batches.id, batch.id))
    .returning({ ended: batches.ended, total: batches.total });
  const room = env.BATCH_ROOM.get(env.BATCH_ROOM.idFromName(batch.id));
  if (s.status !== "done") await room.append({ type: "batch.item.failed", idx: item.idx, itemId: item.itemId, status: s.status, code: s.code, message: s.message.slice(0, 500) });
  await room.progress();
  // The counter moves with each item's one status change, so the last item to end sees ended = total.
  if (counters && counters.ended >= counters.total) await env.BATCH_QUEUE.send({ kind: "finalize", batchId: batch.id });
}

async function finalize(env: EdgeEnv, db: Db, batch: BatchRow): Promise<void> {
  const [claimed] = await db.update(batches).set({ status: "finalizing", updatedAt: new Date() }).where(and(eq(batches.id, batch.id), inArray(batches.status, ["queued", "running"]))).returning({ id: batches.id });
  // Another finalize won, or the batch already ended; a finalize stuck in "finalizing" is resent by the room.
  if (!claimed && batch.status !== "finalizing") return;
  const items: DatasetItem[] = [];
  const failures: ItemOutcome[] = [];
  for (let after = -1; ; ) {
    const page = await db.select().from(batchItems).where(and(eq(batchItems.batchId, batch.id), sql`${batchItems.idx} > ${after}`)).orderBy(asc(batchItems.idx)).limit(500);
    for (const item of page) {
      if ((item.status === "done" || item.status === "skipped") && item.resultKey) {
        const object = await env.BLOBS.get(item.resultKey);
        if (!object) {
          failures.push({ id: item.itemId, code: "result_missing", message: "the item's stored result is missing" });
          continue;
        }
        const result = (await object.json()) as StoredResult;
        const pointClouds = result.pointClouds ? await loadPointClouds(env, result.pointClouds) : undefined;
        items.push({ id: result.id, image: result.image, graph: result.graph, qa: result.qa, ...(result.dropped ? { dropped: result.dropped } : {}), ...(result.skipped ? { skipped: result.skipped } : {}), ...(pointClouds ? { pointClouds } : {}) });
      } else {
        failures.push({ id: item.itemId, code: item.errorCode ?? "failed", message: item.errorMessage ?? "" });
      }
    }
    if (page.length < 500) break;
    after = page[page.length - 1].idx;
  }
  const room = env.BATCH_ROOM.get(env.BATCH_ROOM.idFromName(batch.id));
  let files: Map<string, Uint8Array>;
  try {
    files = writeDataset(items, { formats: batch.formats as never, failures });
  } catch (err) {
    logError(`batch ${batch.id}: writing the dataset`, err);
    await db.update(batches).set({ status: "failed", errorCode: "output_failed", errorMessage: "the dataset could not be written", finishedAt: new Date(), updatedAt: new Date() }).where(eq(batches.id, batch.id));
    await room.append({ type: "batch.failed", code: "output_failed", message: "the dataset could not be written" });
    return;
  }
  for (const [path, bytes] of files) await env.BLOBS.put(outputKey(batch.id, path), bytes);
  const outputs = [...files.keys()].sort();
  const qaPairs = items.reduce((n, i) => n + i.qa.length, 0);
  const now = new Date();
  await db.update(batches).set({ status: "completed", outputs, qaPairs, finishedAt: now, updatedAt: now }).where(eq(batches.id, batch.id));
  const skipped = items.filter((i) => i.skipped).length;
  const counts = { queued: 0, running: 0, done: items.length - skipped, failed: failures.length, skipped };
  await room.append({ type: "batch.completed", counts, total: batch.total, qaPairs, outputs });
}

async function loadPointClouds(env: EdgeEnv, keys: Record<string, string>): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [objectId, key] of Object.entries(keys)) {
    const object = await env.BLOBS.get(key);
    if (object) out.set(objectId, new Float32Array(await object.arrayBuffer()));
  }
  return out;
}
