// Client routes (tenant API keys). Every per-job route loads the job through loadOwnedJob, so
// another tenant's job is a 404.
import { Hono, type Context } from "hono";
import { clientOf, requireKey, requireKeyOrViewToken, tenantOf } from "../auth/middleware.js";
import { sha256Hex } from "../auth/crypto.js";
import type { JobRow } from "../db/schema.js";
import { checkAgainstHeaders } from "../jobs/header-checks.js";
import { fingerprint, findClaim, IDEMPOTENCY_HEADER, idempotencyKeyOf, replayOf } from "../jobs/idempotency.js";
import { signViewToken } from "../auth/view-token.js";
import { database } from "../db/client.js";
import { settings, type AppEnv } from "../env.js";
import { ApiError, badRequest, notFound, parseOr400 } from "../http/errors.js";
import { AskBody, PoolName, type AskResponse, type CancelResponse, type CreateJobResponse } from "../http/schemas.js";
import { blobResponse } from "../http/blob.js";
import { resumeAfter } from "../http/sse.js";
import { jsonBody } from "../http/validate.js";
import { answerForJob } from "../jobs/cache.js";
import { createJob, hubOf, roomOf } from "../jobs/create.js";
import { readJobRequest, resolveImage } from "../jobs/intake.js";
import { getScene } from "../jobs/scene-store.js";
import { jobView, loadOwnedJob } from "../jobs/view.js";

const FINISHED = new Set(["completed", "failed", "cancelled"]);

/** 202 while the job runs (200 once finished: a cache hit or a replay of a finished job), with its events URLs. */
export async function respond(c: Context<AppEnv>, row: JobRow, replayed: boolean): Promise<Response> {
  const eventsUrl = new URL(`/v1/jobs/${row.id}/events`, c.req.url);
  // A browser's EventSource or WebSocket cannot send the API key: the URLs carry a view token for this job.
  if (c.env.VIEW_TOKEN_SECRET) {
    eventsUrl.searchParams.set("token", await signViewToken(c.env.VIEW_TOKEN_SECRET, { jobId: row.id, tenantId: row.tenantId, keyId: row.keyId ?? "" }, Math.floor(Date.now() / 1000) + VIEW_TOKEN_TTL_S));
  }
  const websocketUrl = new URL(eventsUrl);
  websocketUrl.protocol = eventsUrl.protocol === "https:" ? "wss:" : "ws:";
  const body: CreateJobResponse = { job: await jobView(c.env.BLOBS, row), eventsUrl: eventsUrl.toString(), websocketUrl: websocketUrl.toString() };
  if (replayed) c.header("Idempotent-Replayed", "true");
  return c.json(body, FINISHED.has(row.status) ? 200 : 202);
}
/** How long the view token in a job's events URLs lasts. */
const VIEW_TOKEN_TTL_S = 24 * 3600;

export const jobRoutes = new Hono<AppEnv>()
  .post("/", requireKey({ scope: "jobs:write" }), async (c) => {
    const pool = parseOr400(PoolName, c.req.query("pool") ?? settings(c.env).defaultPool, "pool");
    const principal = clientOf(c);
    const key = idempotencyKeyOf(c.req.header(IDEMPOTENCY_HEADER));
    const db = database(c.env.DB);
    const intake = await readJobRequest(c.req.raw);
    const [imageSha256, depthSha256] = await Promise.all(["bytes" in intake.image ? sha256Hex(intake.image.bytes) : undefined, intake.depth ? sha256Hex(intake.depth.bytes) : undefined]);
    const claim = key ? { key, fingerprint: await fingerprint({ pool, options: intake.options, image: imageSha256 ?? intake.image, depth: depthSha256 ?? null }) } : undefined;
    if (claim) {
      // A retry: answer with what the first attempt created, before fetching or storing anything.
      const existing = await findClaim(db, principal.tenantId, claim.key);
      if (existing) return respond(c, await loadOwnedJob(db, principal.tenantId, replayOf(existing, claim, "job")), true);
    }
    const resolved = await resolveImage(intake);
    checkAgainstHeaders(resolved);
    const created = await createJob(c.env, db, {
      tenantId: principal.tenantId, keyId: principal.keyId, pool, intake: resolved,
      imageSha256: imageSha256 ?? (await sha256Hex(resolved.image.bytes)), depthSha256, idempotency: claim,
    });
    return respond(c, created.row, created.replayed);
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
    return c.json({ answers: await answerForJob(c.env, row, c.req.valid("json").questions, graph) } satisfies AskResponse);
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
