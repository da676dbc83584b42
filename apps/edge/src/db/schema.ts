// The edge's D1 schema (drizzle). Migrations are generated from this file by drizzle-kit into
// /migrations; never edit the SQL by hand. Timestamps are epoch milliseconds.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { AskOutputLine, JobOptions, JobStatus } from "@spatial/shared/protocol";

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
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;
