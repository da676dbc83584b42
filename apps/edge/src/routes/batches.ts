// Batch routes (tenant API keys; another tenant's batch is a 404):
//   POST /v1/batches                    create (JSON items, or an uploaded JSONL manifest) → 202 at once
//   GET  /v1/batches                    the tenant's batches, newest first (cursor pages)
//   GET  /v1/batches/:id                counts, throughput, ETA, QA pairs so far, outputs when done
//   GET  /v1/batches/:id/events         batch events as SSE (resume with Last-Event-ID)
//   POST /v1/batches/:id/cancel         stop: queued items fail as cancelled, running jobs are cancelled
//   GET  /v1/batches/:id/outputs/:path  a dataset file (scenes.jsonl, qa.jsonl, llava.json, …)
//   GET  /v1/batches/:id/deliveries     the webhook delivery log; POST …/:did/redeliver sends one again
//   GET  /v1/batches/:id/items          the items in order: status, job id, QA pair count or failure
//   GET  /v1/batches/:id/items/:idx/qa  an ended item's QA pairs (its qa.jsonl rows), while the batch runs too
import { and, asc, desc, eq, gt, inArray, lt, or } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { clientOf, requireKey, tenantOf } from "../auth/middleware.js";
import { database } from "../db/client.js";
import { batches, batchItems, webhookDeliveries } from "../db/schema.js";
import { settings, type AppEnv } from "../env.js";
import { blobResponse } from "../http/blob.js";
import { decodeCursor, encodeCursor } from "../http/cursor.js";
import { ApiError, badRequest, notFound, parseOr400 } from "../http/errors.js";
import { PoolName } from "../http/schemas.js";
import { resumeAfter } from "../http/sse.js";
import { jsonBody } from "../http/validate.js";
import { createBatch } from "../batches/create.js";
import { outputKey } from "../batches/consumer.js";
import { BatchView, CreateBatchBody, type BatchItemQaResponse, type BatchItemsResponse, type CreateBatchResponse } from "@spatial/shared/protocol";
import { qaRows, type DatasetItem } from "@spatial/shared/dataset";
import { batchView, failQueuedAsCancelled, loadOwnedBatch } from "../batches/store.js";
import { hubOf } from "../jobs/create.js";
import { fingerprint, findClaim, IDEMPOTENCY_HEADER, idempotencyKeyOf, replayOf } from "../jobs/idempotency.js";
import { redeliver } from "../webhooks/deliver.js";

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().max(200).optional() });
const ItemsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** The last idx of the previous page. */
  cursor: z.coerce.number().int().min(0).optional(),
  status: z.enum(["queued", "running", "done", "failed", "skipped"]).optional(),
});
export const BatchListResponse = z.object({ batches: z.array(BatchView), nextCursor: z.string().nullable() });
export const DeliveryView = z.object({
  id: z.string(), eventType: z.string(), status: z.enum(["pending", "delivered", "failed"]), attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(), lastError: z.string().nullable(), nextAttemptAt: z.string().nullable(), createdAt: z.string(), deliveredAt: z.string().nullable(),
});
export const DeliveriesResponse = z.object({ deliveries: z.array(DeliveryView) });

export const batchRoutes = new Hono<AppEnv>()
  .post("/", requireKey({ scope: "jobs:write" }), jsonBody(CreateBatchBody), async (c) => {
    const who = clientOf(c);
    const body = c.req.valid("json");
    const pool = body.pool ?? settings(c.env).defaultPool;
    const db = database(c.env.DB);
    const key = idempotencyKeyOf(c.req.header(IDEMPOTENCY_HEADER));
    const claim = key ? { key, fingerprint: await fingerprint({ pool, body }) } : undefined;
    if (claim) {
      const existing = await findClaim(db, who.tenantId, claim.key);
      if (existing) {
        const row = await loadOwnedBatch(db, who.tenantId, replayOf(existing, claim, "batch"));
        c.header("Idempotent-Replayed", "true");
        return c.json({ batch: await batchView(db, row), eventsUrl: eventsUrl(c.req.url, row.id), rejected: [], rejectedCount: 0 } satisfies CreateBatchResponse, 202);
      }
    }
    const created = await createBatch(c.env, db, who, body, parseOr400(PoolName, pool, "pool"), claim);
    if (created.replayed) c.header("Idempotent-Replayed", "true");
    return c.json({
      batch: await batchView(db, created.row), eventsUrl: eventsUrl(c.req.url, created.row.id), rejected: created.rejected, rejectedCount: created.rejectedCount,
      ...(created.webhookSecret ? { webhookSecret: created.webhookSecret } : {}),
    } satisfies CreateBatchResponse, 202);
  })
  .get("/", requireKey({ scope: "jobs:read" }), async (c) => {
    const { limit, cursor } = parseOr400(ListQuery, { limit: c.req.query("limit"), cursor: c.req.query("cursor") });
    const tenant = eq(batches.tenantId, tenantOf(c));
    const after = cursor ? decodeCursor(cursor) : null;
    const where = after ? and(tenant, or(lt(batches.createdAt, new Date(after.createdAtMs)), and(eq(batches.createdAt, new Date(after.createdAtMs)), lt(batches.id, after.id)))) : tenant;
    const db = database(c.env.DB);
    const rows = await db.select().from(batches).where(where).orderBy(desc(batches.createdAt), desc(batches.id)).limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json({ batches: await Promise.all(page.map((r) => batchView(db, r))), nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt.getTime(), last.id) : null });
  })
  .get("/:id", requireKey({ scope: "jobs:read" }), async (c) => {
    const db = database(c.env.DB);
    return c.json(await batchView(db, await loadOwnedBatch(db, tenantOf(c), c.req.param("id"))));
  })
  .get("/:id/events", requireKey({ scope: "jobs:read" }), async (c) => {
    const row = await loadOwnedBatch(database(c.env.DB), tenantOf(c), c.req.param("id"));
    const after = resumeAfter(c.req.header("Last-Event-ID"), c.req.query("after"));
    if (after === null) throw badRequest("after", "must be a non-negative integer (or a Last-Event-ID header)");
    return c.env.BATCH_ROOM.get(c.env.BATCH_ROOM.idFromName(row.id)).fetch(`https://batch-room/events?after=${after}`);
  })
  .post("/:id/cancel", requireKey({ scope: "jobs:write" }), async (c) => {
    const db = database(c.env.DB);
    const row = await loadOwnedBatch(db, tenantOf(c), c.req.param("id"));
    const [cancelled] = await db.update(batches).set({ status: "cancelled", finishedAt: new Date(), updatedAt: new Date() }).where(and(eq(batches.id, row.id), inArray(batches.status, ["queued", "running"]))).returning();
    if (!cancelled) throw new ApiError(409, "batch_finished", `batch ${row.id} is already ${row.status}`);
    const now = new Date();
    await failQueuedAsCancelled(db, row.id, now);
    const running = await db.select({ jobId: batchItems.jobId }).from(batchItems).where(and(eq(batchItems.batchId, row.id), eq(batchItems.status, "running")));
    for (const r of running) if (r.jobId) await hubOf(c.env, row.pool).cancel(r.jobId);
    await c.env.BATCH_ROOM.get(c.env.BATCH_ROOM.idFromName(row.id)).append({ type: "batch.cancelled" });
    return c.json(await batchView(db, cancelled), 202);
  })
  .get("/:id/items", requireKey({ scope: "jobs:read" }), async (c) => {
    const { limit, cursor, status } = parseOr400(ItemsQuery, { limit: c.req.query("limit"), cursor: c.req.query("cursor"), status: c.req.query("status") });
    const db = database(c.env.DB);
    const row = await loadOwnedBatch(db, tenantOf(c), c.req.param("id"));
    const where = and(eq(batchItems.batchId, row.id), cursor !== undefined ? gt(batchItems.idx, cursor) : undefined, status ? eq(batchItems.status, status) : undefined);
    const rows = await db.select().from(batchItems).where(where).orderBy(asc(batchItems.idx)).limit(limit + 1);
    const page = rows.slice(0, limit);
    return c.json({
      items: page.map((i) => ({
        idx: i.idx, itemId: i.itemId, status: i.status, jobId: i.jobId, qaPairs: i.qaPairs, attempts: i.attempts,
        ...(i.errorCode ? { error: { code: i.errorCode, message: i.errorMessage ?? "" } } : {}), updatedAt: i.updatedAt.toISOString(),
      })),
      nextCursor: rows.length > limit ? String(page.at(-1)!.idx) : null,
    } satisfies BatchItemsResponse);
  })
  .get("/:id/items/:idx{[0-9]+}/qa", requireKey({ scope: "jobs:read" }), async (c) => {
    const db = database(c.env.DB);
    const row = await loadOwnedBatch(db, tenantOf(c), c.req.param("id"));
    const item = await db.query.batchItems.findFirst({ where: and(eq(batchItems.batchId, row.id), eq(batchItems.idx, Number(c.req.param("idx")))) });
    if (!item) throw notFound("item");
    if (!item.resultKey) {
      const why = item.errorCode ? `it failed (${item.errorCode}): ${item.errorMessage ?? ""}` : `it is ${item.status}`;
      throw new ApiError(409, "item_not_done", `item ${item.itemId} has no QA pairs: ${why}`);
    }
    const object = await c.env.BLOBS.get(item.resultKey);
    if (!object) throw new ApiError(404, "result_missing", `the stored result of item ${item.itemId} is missing`);
    // The consumer's stored result (batches/consumer.ts): the same rows qa.jsonl gets at completion.
    const result = (await object.json()) as Pick<DatasetItem, "id" | "image" | "graph" | "qa" | "skipped">;
    return c.json({
      idx: item.idx, itemId: item.itemId, jobId: item.jobId, qa: qaRows(result as DatasetItem),
      ...(result.skipped ? { skipped: result.skipped } : {}),
    } satisfies BatchItemQaResponse);
  })
  .get("/:id/outputs/:path{.+}", requireKey({ scope: "jobs:read" }), async (c) => {
    const row = await loadOwnedBatch(database(c.env.DB), tenantOf(c), c.req.param("id"));
    const path = c.req.param("path");
    if (!row.outputs?.includes(path)) throw notFound("output");
    return blobResponse(c.env.BLOBS, outputKey(row.id, path));
  })
  .get("/:id/deliveries", requireKey({ scope: "jobs:read" }), async (c) => {
    const db = database(c.env.DB);
    const row = await loadOwnedBatch(db, tenantOf(c), c.req.param("id"));
    const rows = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.batchId, row.id)).orderBy(webhookDeliveries.createdAt).limit(1000);
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return c.json({ deliveries: rows.map((d) => ({ id: d.id, eventType: d.eventType, status: d.status, attempts: d.attempts, lastStatusCode: d.lastStatusCode, lastError: d.lastError, nextAttemptAt: iso(d.nextAttemptAt), createdAt: d.createdAt.toISOString(), deliveredAt: iso(d.deliveredAt) })) });
  })
  .post("/:id/deliveries/:did/redeliver", requireKey({ scope: "jobs:write" }), async (c) => {
    const db = database(c.env.DB);
    const row = await loadOwnedBatch(db, tenantOf(c), c.req.param("id"));
    const delivery = await db.query.webhookDeliveries.findFirst({ where: and(eq(webhookDeliveries.id, c.req.param("did")), eq(webhookDeliveries.batchId, row.id)) });
    if (!delivery) throw notFound("delivery");
    await redeliver(c.env, delivery.id);
    return c.json({ id: delivery.id, status: "pending" }, 202);
  });

function eventsUrl(requestUrl: string, batchId: string): string {
  return new URL(`/v1/batches/${batchId}/events`, requestUrl).toString();
}
