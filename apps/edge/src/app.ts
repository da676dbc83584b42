// The edge API: every route under /v1, JSON errors through one onError.
import { Hono } from "hono";
import { cors } from "hono/cors";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { JSON_MAX_BYTES, tooLarge } from "./jobs/limits.js";
import type { AppEnv } from "./env.js";
import { ApiError, errorResponse } from "./http/errors.js";
import { admin } from "./routes/admin.js";
import { health } from "./routes/health.js";
import { jobList } from "./routes/job-list.js";
import { jobRoutes } from "./routes/jobs.js";
import { keys } from "./routes/keys.js";
import { docsPage, openapi } from "./routes/openapi.js";
import { batchRoutes } from "./routes/batches.js";
import { rewardRoutes } from "./routes/rewards.js";
import { runnerBlobs, runnerConnect } from "./routes/runners.js";
import { uploadRoutes } from "./routes/uploads.js";

const withCors = cors({ origin: "*", allowHeaders: ["Authorization", "Content-Type", "Last-Event-ID", "Idempotency-Key"], exposeHeaders: ["Retry-After", "Idempotent-Replayed"] });

/** CORS headers on every response but WebSocket upgrades: rebuilding a 101 response would drop its socket. */
const corsExceptUpgrades = createMiddleware<AppEnv>(async function corsExceptUpgrades(c, next) {
  if (c.req.header("Upgrade")) return next();
  return withCors(c, next);
});

/**
 * Every body but a job creation's (its multipart intake caps each part itself, intake.ts) and a
 * runner's blob upload (capped by Content-Length, routes/runners.ts) is small JSON: cap it before
 * any route reads it, on the bytes received and not only on Content-Length.
 */
const jsonBodyLimit = createMiddleware<AppEnv>(async function jsonBodyLimit(c, next) {
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return next();
  if ((c.req.method === "POST" && (c.req.path === "/v1/jobs" || c.req.path === "/v1/uploads")) || c.req.path.startsWith("/v1/runner/")) return next();
  return c.req.path === "/v1/batches" ? limitBatchJson(c, next) : limitJson(c, next);
});
const limitJson = bodyLimit({ maxSize: JSON_MAX_BYTES, onError: () => { throw tooLarge("the request body", JSON_MAX_BYTES); } });
const limitBatchJson = bodyLimit({
  maxSize: JSON_MAX_BYTES,
  onError: () => {
    throw new ApiError(413, "payload_too_large", `a batch body exceeds 1 MiB: upload its items as a JSONL manifest (POST /v1/uploads with kind=manifest) and create the batch with { "manifest": "upl_…" }`);
  },
});

export function createApp() {
  const app = new Hono<AppEnv>()
    // /docs (outside /v1): the OpenAPI document in Scalar's renderer. The dashboard's static assets answer / first.
    .get("/docs", docsPage)
    .basePath("/v1")
    .use("*", corsExceptUpgrades)
    .use("*", jsonBodyLimit)
    .route("/", health)
    .route("/", openapi)
    .route("/keys", keys)
    .route("/admin", admin)
    .route("/jobs", jobList)
    .route("/jobs", jobRoutes)
    .route("/uploads", uploadRoutes)
    .route("/batches", batchRoutes)
    .route("/rewards", rewardRoutes)
    .route("/runners", runnerConnect)
    .route("/runner", runnerBlobs);
  app.notFound((c) => c.json({ error: { code: "not_found", message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  app.onError(errorResponse);
  return app;
}

/** The routes' types, for `hc<AppType>` clients. */
export type AppType = ReturnType<typeof createApp>;
