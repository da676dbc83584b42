// Client routes (tenant API keys). Every per-job route loads the job through loadOwnedJob, so
// another tenant's job is a 404.
import { Hono } from "hono";
import { requireKey, requireKeyOrViewToken, tenantOf } from "../auth/middleware.js";
import { signViewToken } from "../auth/view-token.js";
import { database } from "../db/client.js";
import { settings, type AppEnv } from "../env.js";
import { ApiError, badRequest, notFound, parseOr400 } from "../http/errors.js";
import { AskBody, PoolName, type AskResponse, type CancelResponse, type CreateJobResponse } from "../http/schemas.js";
import { blobResponse } from "../http/blob.js";
import { resumeAfter } from "../http/sse.js";
import { jsonBody } from "../http/validate.js";
import { answerAll } from "../jobs/cache.js";
import { createJob, hubOf, roomOf } from "../jobs/create.js";
import { readJobRequest } from "../jobs/intake.js";
import { getScene } from "../jobs/scene-store.js";
import { jobView, loadOwnedJob } from "../jobs/view.js";

const FINISHED = new Set(["completed", "failed", "cancelled"]);
/** How long the view token in a job's events URLs lasts. */
const VIEW_TOKEN_TTL_S = 24 * 3600;

export const jobRoutes = new Hono<AppEnv>()
  .post("/", requireKey({ scope: "jobs:write" }), async (c) => {
    const pool = parseOr400(PoolName, c.req.query("pool") ?? settings(c.env).defaultPool, "pool");
    const intake = await readJobRequest(c.req.raw);
    const db = database(c.env.DB);
    const { row, cached } = await createJob(c.env, db, tenantOf(c), pool, intake);
    const eventsUrl = new URL(`/v1/jobs/${row.id}/events`, c.req.url);
    // A browser's EventSource or WebSocket cannot send the API key: the URLs carry a view token for this job.
    if (c.env.VIEW_TOKEN_SECRET) eventsUrl.searchParams.set("token", await signViewToken(c.env.VIEW_TOKEN_SECRET, row.id, tenantOf(c), Math.floor(Date.now() / 1000) + VIEW_TOKEN_TTL_S));
    const websocketUrl = new URL(eventsUrl);
    websocketUrl.protocol = eventsUrl.protocol === "https:" ? "wss:" : "ws:";
    const body: CreateJobResponse = { job: await jobView(c.env.BLOBS, row), eventsUrl: eventsUrl.toString(), websocketUrl: websocketUrl.toString() };
    return cached ? c.json(body, 200) : c.json(body, 202);
  })
  .get("/:id", requireKey({ scope: "jobs:read" }), async (c) => {
    const row = await loadOwnedJob(database(c.env.DB), tenantOf(c), c.req.param("id"));
    return c.json(await jobView(c.env.BLOBS, row));
  })
  .get("/:id/events", requireKeyOrViewToken({ scope: "jobs:read" }), async (c) => {
    const row = await loadOwnedJob(database(c.env.DB), tenantOf(c), c.req.param("id"));
    const after = resumeAfter(c.req.header("Last-Event-ID"), c.req.query("after"));
    if (after === null) throw badRequest("after", "must be a non-negative integer (or a Last-Event-ID header)");
    const url = new URL("https://job-room/events");
    url.searchParams.set("after", String(after));
    const headers = new Headers();
    for (const name of ["Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"]) {
      const value = c.req.header(name);
      if (value) headers.set(name, value);
    }
    return roomOf(c.env, row.id).fetch(url.toString(), { headers });
  })
  .post("/:id/questions", requireKey({ scope: "jobs:read" }), jsonBody(AskBody), async (c) => {
    const row = await loadOwnedJob(database(c.env.DB), tenantOf(c), c.req.param("id"));
    const graph = row.sceneKey ? await getScene(c.env.BLOBS, row.sceneKey) : null;
    if (!graph) throw new ApiError(409, "scene_not_ready", `job ${row.id} has no scene graph yet (status ${row.status})`);
    return c.json({ answers: answerAll(c.req.valid("json").questions, graph) } satisfies AskResponse);
  })
  // A job's outputs (depth map PNG, per-object point clouds) referenced by its events' BlobRefs.
  .get("/:id/blobs/:key{.+}", requireKey({ scope: "jobs:read" }), async (c) => {
    const row = await loadOwnedJob(database(c.env.DB), tenantOf(c), c.req.param("id"));
    const key = c.req.param("key");
    if (!key.startsWith(`out/${row.id}/`) || key.includes("..")) throw notFound("blob");
    return blobResponse(c.env.BLOBS, key);
  })
  .post("/:id/cancel", requireKey({ scope: "jobs:write" }), async (c) => {
    const db = database(c.env.DB);
    const row = await loadOwnedJob(db, tenantOf(c), c.req.param("id"));
    if (FINISHED.has(row.status)) throw new ApiError(409, "job_finished", `job ${row.id} is already ${row.status}`);
    await hubOf(c.env, row.pool).cancel(row.id);
    const after = await loadOwnedJob(db, tenantOf(c), row.id);
    return c.json({ job: await jobView(c.env.BLOBS, after) } satisfies CancelResponse, 202);
  });
