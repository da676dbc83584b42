// Who may call what. Three kinds of bearer: the admin token (key management), the runner token
// (runner socket and blobs) and tenants' API keys (everything under /v1/jobs). Each route accepts
// exactly one kind, so a runner token is refused on client routes and a client key on runner routes.
import { and, eq, isNull } from "drizzle-orm";
import { verifyViewToken } from "./view-token.js";
import { createMiddleware } from "hono/factory";
import { database } from "../db/client.js";
import { apiKeys, type Scope } from "../db/schema.js";
import { settings, type AppEnv } from "../env.js";
import { ApiError } from "../http/errors.js";
import { secretEquals, sha256Hex } from "./crypto.js";

const unauthorized = () => new ApiError(401, "unauthorized", "missing, unknown or revoked credentials", { "WWW-Authenticate": "Bearer" });

export function bearerOf(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m ? m[1] : null;
}

export interface RequireKeyOptions {
  scope: Scope;
}

/** A tenant's API key with `scope`, then one token from the key's rate-limit bucket. */
export function requireKey({ scope }: RequireKeyOptions) {
  return createMiddleware<AppEnv>(async function requireKey(c, next) {
    const token = bearerOf(c.req.header("Authorization"));
    if (!token || !token.startsWith("sk_")) throw unauthorized();
    const db = database(c.env.DB);
    const key = await db.query.apiKeys.findFirst({ where: and(eq(apiKeys.hash, await sha256Hex(token)), isNull(apiKeys.revokedAt)) });
    if (!key) throw unauthorized();
    if (!key.scopes.includes(scope)) throw new ApiError(403, "forbidden", `this key lacks the ${scope} scope`);
    const defaults = settings(c.env);
    const limiter = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(key.id));
    const verdict = await limiter.take({ perMinute: key.ratePerMinute ?? defaults.ratePerMinute, burst: key.rateBurst ?? defaults.rateBurst });
    if (!verdict.ok) {
      throw new ApiError(429, "rate_limited", `rate limit exceeded; retry in ${verdict.retryAfterS} s`, { "Retry-After": String(verdict.retryAfterS) });
    }
    c.set("principal", { kind: "client", keyId: key.id, tenantId: key.tenantId, scopes: key.scopes });
    await next();
  });
}

/**
 * A client key, or for the job in the route's `:id` a view token in `?token=` (what a browser's
 * EventSource or WebSocket can send). View tokens read that one job and are rate limited per job.
 */
export function requireKeyOrViewToken({ scope }: RequireKeyOptions) {
  const withKey = requireKey({ scope });
  return createMiddleware<AppEnv>(async function requireKeyOrViewToken(c, next) {
    const token = c.req.query("token");
    if (c.req.header("Authorization") || !token) return withKey(c, next);
    const jobId = c.req.param("id") ?? "";
    const claims = await verifyViewToken(c.env.VIEW_TOKEN_SECRET ?? "", token, jobId);
    if (!claims) throw new ApiError(401, "unauthorized", "the view token is invalid, expired, or for another job");
    const key = await database(c.env.DB).query.apiKeys.findFirst({ columns: { id: true }, where: and(eq(apiKeys.id, claims.keyId), isNull(apiKeys.revokedAt)) });
    if (!key) throw new ApiError(401, "unauthorized", "the view token's API key has been revoked");
    const { tenantId } = claims;
    const defaults = settings(c.env);
    const verdict = await c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(`view:${jobId}`)).take({ perMinute: defaults.ratePerMinute, burst: defaults.rateBurst });
    if (!verdict.ok) throw new ApiError(429, "rate_limited", `rate limit exceeded; retry in ${verdict.retryAfterS} s`, { "Retry-After": String(verdict.retryAfterS) });
    c.set("principal", { kind: "client", keyId: `view:${jobId}`, tenantId, scopes: ["jobs:read"] });
    await next();
  });
}

function requireSecret(kind: "admin" | "runner") {
  return createMiddleware<AppEnv>(async function requireSecret(c, next) {
    const token = bearerOf(c.req.header("Authorization"));
    const expected = kind === "admin" ? c.env.ADMIN_TOKEN : c.env.RUNNER_TOKEN;
    if (!token || !(await secretEquals(token, expected))) throw unauthorized();
    c.set("principal", { kind });
    await next();
  });
}

export const requireAdmin = () => requireSecret("admin");
export const requireRunner = () => requireSecret("runner");

/** The authenticated client key's tenant and id. */
export function clientOf(c: { get(key: "principal"): AppEnv["Variables"]["principal"] }): { tenantId: string; keyId: string } {
  const p = c.get("principal");
  if (p.kind !== "client") throw new ApiError(401, "unauthorized", "a client API key is required");
  return { tenantId: p.tenantId, keyId: p.keyId };
}

/** The tenant of the authenticated client key. */
export function tenantOf(c: { get(key: "principal"): AppEnv["Variables"]["principal"] }): string {
  const p = c.get("principal");
  if (p.kind !== "client") throw new ApiError(401, "unauthorized", "a client API key is required");
  return p.tenantId;
}
