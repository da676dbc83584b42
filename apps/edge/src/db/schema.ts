// The edge's D1 schema (drizzle). Migrations are generated from this file by drizzle-kit into
// /migrations; never edit the SQL by hand. Timestamps are epoch milliseconds.
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { AskOutputLine, JobOptions, JobStatus, RewardSpec } from "@spatial/shared/protocol";

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

export type Scope = "jobs:write" | "jobs:read";

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    name: text("name"),
    /** SHA-256 (hex) of the key; the key itself is shown once and never stored. */
    hash: text("hash").notNull().unique(),
    scopes: text("scopes", { mode: "json" }).$type<Scope[]>().notNull(),
    /** Token bucket of this key; null = the worker's defaults (RATE_LIMIT_*). */
    ratePerMinute: integer("rate_per_minute"),
    rateBurst: integer("rate_burst"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("api_keys_tenant_idx").on(t.tenantId)],
);

export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    /** The API key that created the job (its view tokens die with it). */
    keyId: text("key_id"),
    /** Set when the job is one item of a batch: the batch and the item's index. */
    batchId: text("batch_id"),
    batchIdx: integer("batch_idx"),
    pool: text("pool").notNull(),
    status: text("status").$type<JobStatus>().notNull(),
    imageSha256: text("image_sha256").notNull(),
    imageKey: text("image_key").notNull(),
    imageContentType: text("image_content_type").notNull(),
    imageBytes: integer("image_bytes").notNull(),
    depthSha256: text("depth_sha256"),
    depthKey: text("depth_key"),
    depthBytes: integer("depth_bytes"),
    options: text("options", { mode: "json" }).$type<JobOptions>().notNull(),
    /** Set for a reward sequence (POST /v1/rewards): its frames, task and thresholds; `image*` are its first frame. */
    reward: text("reward", { mode: "json" }).$type<RewardSpec>(),
    /** Image + depth hashes, intrinsics, objects, depth scale, pipeline version, and the tenant unless the cache is shared (cache.ts). */
    cacheKey: text("cache_key").notNull(),
    /** True when the job was answered from another job's stored scene graph. */
    cached: integer("cached", { mode: "boolean" }).notNull().default(false),
    /** R2 key of the scene graph JSON (content-addressed: scene/<sha256 of the JSON>). */
    sceneKey: text("scene_key"),
    /** answer.final lines by question index (null until answered). */
    answers: text("answers", { mode: "json" }).$type<(AskOutputLine | null)[]>(),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    lastSeq: integer("last_seq").notNull().default(0),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("jobs_cache_idx").on(t.cacheKey, t.status),
    index("jobs_tenant_idx").on(t.tenantId, t.createdAt),
    // The reconciler's scan: a pool's unfinished jobs, oldest first.
    index("jobs_pool_status_idx").on(t.pool, t.status, t.createdAt),
  ],
);

/**
 * `Idempotency-Key` of job creations: the same key and the same request (by `fingerprint`, a hash of
 * what determines the job) return the job created the first time; the same key with another request
 * is a 409. Keys live 24 h. The row is inserted in one D1 batch with the job's row, so a crash leaves
 * both or neither, and two concurrent requests with one key create one job.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    key: text("key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    /** What the key created: "job" now; batches will use the same table. */
    kind: text("kind").notNull(),
    resourceId: text("resource_id").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] }), index("idempotency_expiry_idx").on(t.expiresAt)],
);

export type JobRow = typeof jobs.$inferSelect;

/** Uploaded files, content-addressed in R2 and deduplicated per tenant (POST /v1/uploads). */
export const uploads = sqliteTable(
  "uploads",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    kind: text("kind").$type<"image" | "depth" | "manifest">().notNull(),
    sha256: text("sha256").notNull(),
    key: text("key").notNull(),
    contentType: text("content_type").notNull(),
    bytes: integer("bytes").notNull(),
    width: integer("width"),
    height: integer("height"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("uploads_tenant_sha_idx").on(t.tenantId, t.sha256, t.kind)],
);
export type UploadRow = typeof uploads.$inferSelect;

export type BatchStatus = "queued" | "running" | "finalizing" | "completed" | "failed" | "cancelled";
export type ItemStatus = "queued" | "running" | "done" | "failed" | "skipped";

/**
 * A batch: many images perceived as jobs and turned into a dataset. D1 is the source of truth for
 * its items (batch_items); the queue only delivers work, and the batch's room reconciles.
 */
export const batches = sqliteTable(
  "batches",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    keyId: text("key_id"),
    pool: text("pool").notNull(),
    status: text("status").$type<BatchStatus>().notNull(),
    /** SynthesisOptions and the output formats, as the client sent them (validated). */
    synthesis: text("synthesis", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    formats: text("formats", { mode: "json" }).$type<string[]>().notNull(),
    webhookUrl: text("webhook_url"),
    /** whsec_…: signs deliveries (Standard Webhooks); shown once at creation. */
    webhookSecret: text("webhook_secret"),
    webhookEvents: text("webhook_events", { mode: "json" }).$type<string[]>(),
    webhookDisabledAt: integer("webhook_disabled_at", { mode: "timestamp_ms" }),
    total: integer("total").notNull(),
    /** Items that reached done, failed or skipped (each counted once, when its row changes). */
    ended: integer("ended").notNull().default(0),
    qaPairs: integer("qa_pairs").notNull().default(0),
    /** Files written at completion (relative paths under batch/<id>/out/). */
    outputs: text("outputs", { mode: "json" }).$type<string[]>(),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("batches_tenant_idx").on(t.tenantId, t.createdAt), index("batches_status_idx").on(t.status)],
);
export type BatchRow = typeof batches.$inferSelect;

export const batchItems = sqliteTable(
  "batch_items",
  {
    batchId: text("batch_id").notNull().references(() => batches.id),
    idx: integer("idx").notNull(),
    /** The client's id for the image (unique in the batch), else its index. */
    itemId: text("item_id").notNull(),
    status: text("status").$type<ItemStatus>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    imageUrl: text("image_url"),
    imageUpload: text("image_upload"),
    depthUpload: text("depth_upload"),
    depthScale: real("depth_scale"),
    intrinsics: text("intrinsics", { mode: "json" }).$type<{ fx: number; fy: number; cx: number; cy: number }>(),
    jobId: text("job_id"),
    qaPairs: integer("qa_pairs"),
    /** R2 key of the item's result (graph + QA pairs), written once. */
    resultKey: text("result_key"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.idx] }), uniqueIndex("batch_items_item_idx").on(t.batchId, t.itemId), index("batch_items_status_idx").on(t.batchId, t.status)],
);
export type BatchItemRow = typeof batchItems.$inferSelect;

/** One webhook delivery (one event to one batch's endpoint), idempotent by its id (`webhook-id`). */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    batchId: text("batch_id").notNull().references(() => batches.id),
    eventType: text("event_type").notNull(),
    payload: text("payload").notNull(),
    status: text("status").$type<"pending" | "delivered" | "failed">().notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    deliveredAt: integer("delivered_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("webhook_deliveries_batch_idx").on(t.batchId, t.createdAt)],
);
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;
