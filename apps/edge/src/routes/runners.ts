// Runner routes (runner token only): the pool's WebSocket, and blobs by key.
import { Hono } from "hono";
import { requireRunner } from "../auth/middleware.js";
import type { AppEnv } from "../env.js";
import { blobResponse } from "../http/blob.js";
import { ApiError, parseOr400 } from "../http/errors.js";
import { PoolName } from "../http/schemas.js";
import { hubOf } from "../jobs/create.js";
import { checkContentLength, MiB } from "../jobs/limits.js";

const OUTPUT_MAX_BYTES = 64 * MiB;

/** /v1/runners/connect?pool=NAME → that pool's RunnerHub. */
export const runnerConnect = new Hono<AppEnv>().get("/connect", requireRunner(), async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "upgrade_required", "connect with a WebSocket upgrade");
  const pool = parseOr400(PoolName, c.req.query("pool") ?? "", "pool");
  return hubOf(c.env, pool).fetch(new Request(`https://runner-hub/connect?pool=${pool}`, c.req.raw));
});

/** /v1/runner/blobs/KEY: read inputs (img/…, scene/…); write outputs under out/ (depth maps, masks, point clouds). */
export const runnerBlobs = new Hono<AppEnv>()
  .use(requireRunner())
  .get("/blobs/:key{.+}", (c) => blobResponse(c.env.BLOBS, c.req.param("key")))
  .put("/blobs/:key{.+}", async (c) => {
    const key = c.req.param("key");
    if (!/^out\/[A-Za-z0-9._\/-]{1,400}$/.test(key) || key.includes("..")) throw new ApiError(400, "invalid_request", "key: runners write under out/ only");
    const length = c.req.header("Content-Length");
    if (!length) throw new ApiError(411, "length_required", "Content-Length is required");
    checkContentLength(length, OUTPUT_MAX_BYTES, "the blob");
    const obj = await c.env.BLOBS.put(key, c.req.raw.body, { httpMetadata: { contentType: c.req.header("Content-Type") ?? "application/octet-stream" } });
    return c.json({ key, bytes: obj?.size ?? 0 }, 201);
  });
