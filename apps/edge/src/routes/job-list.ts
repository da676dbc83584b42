// Browsing a tenant's jobs: `GET /v1/jobs` (newest first, cursor pagination) and
// `GET /v1/jobs/:id/image` (the uploaded image, so a dashboard can draw a reopened job's boxes
// over it and show thumbnails). Cursors: http/cursor.ts.
import { and, desc, eq, lt, or } from "drizzle-orm";
import { Hono } from "hono";
import { JobStatus } from "@spatial/shared/protocol";
import { z } from "zod";
import { requireKey, tenantOf } from "../auth/middleware.js";
import { database } from "../db/client.js";
import { jobs } from "../db/schema.js";
import type { AppEnv } from "../env.js";
import { blobResponse } from "../http/blob.js";
import { decodeCursor, encodeCursor } from "../http/cursor.js";
import { parseOr400 } from "../http/errors.js";
import { loadOwnedJob } from "../jobs/view.js";

export const JobSummary = z.object({
  id: z.string(),
  status: JobStatus,
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  questions: z.array(z.string()),
  cached: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type JobSummary = z.infer<typeof JobSummary>;

export const JobListResponse = z.object({ jobs: z.array(JobSummary), nextCursor: z.string().nullable() });
export type JobListResponse = z.infer<typeof JobListResponse>;

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().max(200).optional() });

export const jobList = new Hono<AppEnv>()
  .get("/", requireKey({ scope: "jobs:read" }), async (c) => {
    const { limit, cursor } = parseOr400(ListQuery, { limit: c.req.query("limit"), cursor: c.req.query("cursor") });
    const tenant = eq(jobs.tenantId, tenantOf(c));
    const after = cursor ? decodeCursor(cursor) : null;
    const where = after
      ? and(tenant, or(lt(jobs.createdAt, new Date(after.createdAtMs)), and(eq(jobs.createdAt, new Date(after.createdAtMs)), lt(jobs.id, after.id))))
      : tenant;
    // One extra row tells whether another page exists.
    const rows = await database(c.env.DB).select().from(jobs).where(where).orderBy(desc(jobs.createdAt), desc(jobs.id)).limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const body: JobListResponse = {
      jobs: page.map((r) => ({
        id: r.id,
        status: r.status,
        createdAt: r.createdAt.toISOString(),
        ...(r.finishedAt ? { finishedAt: r.finishedAt.toISOString() } : {}),
        questions: r.options.questions,
        cached: r.cached,
        ...(r.errorCode ? { error: { code: r.errorCode, message: r.errorMessage ?? "" } } : {}),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt.getTime(), last.id) : null,
    };
    return c.json(body);
  })
  .get("/:id/image", requireKey({ scope: "jobs:read" }), async (c) => {
    const row = await loadOwnedJob(database(c.env.DB), tenantOf(c), c.req.param("id"));
    return blobResponse(c.env.BLOBS, row.imageKey);
  });
