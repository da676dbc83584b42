// Reward sequence routes (tenant API keys; another tenant's sequence is a 404):
//   POST /v1/rewards       frames (uploads), task, intrinsics, thresholds → 202 with the events URLs
//                          (the sequence is a job: its events stream at /v1/jobs/:id/events)
//   GET  /v1/rewards/:id   the job, the task as read and every frame's reward so far
import { Hono } from "hono";
import { CreateRewardBody, RewardFrameEvent, RewardTaskEvent, JobView, type JobEvent } from "@spatial/shared/protocol";
import { z } from "zod";
import { clientOf, requireKey, tenantOf } from "../auth/middleware.js";
import { database } from "../db/client.js";
import { settings, type AppEnv } from "../env.js";
import { notFound, parseOr400 } from "../http/errors.js";
import { PoolName } from "../http/schemas.js";
import { jsonBody } from "../http/validate.js";
import { roomOf } from "../jobs/create.js";
import { fingerprint, findClaim, IDEMPOTENCY_HEADER, idempotencyKeyOf, replayOf } from "../jobs/idempotency.js";
import { jobView, loadOwnedJob } from "../jobs/view.js";
import { createReward } from "../rewards/create.js";
import { respond } from "./jobs.js";

export const RewardView = z.object({
  job: JobView,
  task: RewardTaskEvent.omit({ type: true }).nullable(),
  frames: z.array(RewardFrameEvent.omit({ type: true })),
});
export type RewardView = z.infer<typeof RewardView>;

type Stamped<T extends JobEvent["type"]> = Extract<JobEvent, { type: T }>;

export const rewardRoutes = new Hono<AppEnv>()
  .post("/", requireKey({ scope: "jobs:write" }), jsonBody(CreateRewardBody), async (c) => {
    const who = clientOf(c);
    const body = c.req.valid("json");
    const pool = parseOr400(PoolName, c.req.query("pool") ?? settings(c.env).defaultPool, "pool");
    const db = database(c.env.DB);
    const key = idempotencyKeyOf(c.req.header(IDEMPOTENCY_HEADER));
    const claim = key ? { key, fingerprint: await fingerprint({ pool, body }) } : undefined;
    if (claim) {
      const existing = await findClaim(db, who.tenantId, claim.key);
      if (existing) return respond(c, await loadOwnedJob(db, who.tenantId, replayOf(existing, claim, "reward")), true);
    }
    const created = await createReward(c.env, db, { tenantId: who.tenantId, keyId: who.keyId, pool, body, idempotency: claim });
    return respond(c, created.row, created.replayed);
  })
  .get("/:id", requireKey({ scope: "jobs:read" }), async (c) => {
    const db = database(c.env.DB);
    const row = await loadOwnedJob(db, tenantOf(c), c.req.param("id"));
    if (!row.reward) throw notFound("reward sequence");
    const log = await roomOf(c.env, row.id).log(0);
    const strip = <T extends { type: string; seq: number; jobId: string; at: string }>({ type: _t, seq: _s, jobId: _j, at: _a, ...rest }: T) => rest;
    const task = log.find((e): e is Stamped<"reward.task"> => e.type === "reward.task");
    const frames = log.filter((e): e is Stamped<"reward.frame"> => e.type === "reward.frame").map(strip);
    return c.json({ job: await jobView(c.env.BLOBS, row), task: task ? strip(task) : null, frames } satisfies RewardView);
  });
