// The edge API: every route under /v1, JSON errors through one onError.
import { Scalar } from "@scalar/hono-api-reference";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env.js";
import { errorResponse } from "./http/errors.js";
import { admin } from "./routes/admin.js";
import { health } from "./routes/health.js";
import { jobList } from "./routes/job-list.js";
import { jobRoutes } from "./routes/jobs.js";
import { keys } from "./routes/keys.js";
import { openapi } from "./routes/openapi.js";
import { runnerBlobs, runnerConnect } from "./routes/runners.js";

const withCors = cors({ origin: "*", allowHeaders: ["Authorization", "Content-Type", "Last-Event-ID"], exposeHeaders: ["Retry-After"] });

/** CORS headers on every response but WebSocket upgrades: rebuilding a 101 response would drop its socket. */
const corsExceptUpgrades = createMiddleware<AppEnv>(async function corsExceptUpgrades(c, next) {
  if (c.req.header("Upgrade")) return next();
  return withCors(c, next);
});

export function createApp() {
  const app = new Hono<AppEnv>()
    // /docs (outside /v1): the OpenAPI document in Scalar's renderer. The dashboard's static assets answer / first.
    .get("/docs", Scalar({ url: "/v1/openapi.json", pageTitle: "Spatial API" }))
    .basePath("/v1")
    .use("*", corsExceptUpgrades)
    .route("/", health)
    .route("/", openapi)
    .route("/keys", keys)
    .route("/admin", admin)
    .route("/jobs", jobList)
    .route("/jobs", jobRoutes)
    .route("/runners", runnerConnect)
    .route("/runner", runnerBlobs);
  app.notFound((c) => c.json({ error: { code: "not_found", message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  app.onError(errorResponse);
  return app;
}

/** The routes' types, for `hc<AppType>` clients. */
export type AppType = ReturnType<typeof createApp>;
