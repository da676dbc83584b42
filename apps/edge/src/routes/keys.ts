// Key management (admin token). A key is shown once, in the 201 of its creation; D1 keeps only its
// SHA-256. Creating a key for a new tenant creates the tenant.
import { and, eq, isNull } from "drizzle-orm";
import { Hono } from "hono";
import { newApiKey, newId, sha256Hex } from "../auth/crypto.js";
import { requireAdmin } from "../auth/middleware.js";
import { database } from "../db/client.js";
import { apiKeys, tenants } from "../db/schema.js";
import type { AppEnv } from "../env.js";
import { notFound } from "../http/errors.js";
import { CreateKeyBody, type CreateKeyResponse, type RevokeKeyResponse } from "../http/schemas.js";
import { jsonBody } from "../http/validate.js";

export const keys = new Hono<AppEnv>()
  .use(requireAdmin())
  .post("/", jsonBody(CreateKeyBody), async (c) => {
    const body = c.req.valid("json");
    const db = database(c.env.DB);
    const now = new Date();
    const id = newId("key");
    const key = newApiKey();
    await db.batch([
      db.insert(tenants).values({ id: body.tenant, createdAt: now }).onConflictDoNothing(),
      db.insert(apiKeys).values({
        id, tenantId: body.tenant, name: body.name ?? null, hash: await sha256Hex(key), scopes: body.scopes,
        ratePerMinute: body.rateLimit?.perMinute ?? null, rateBurst: body.rateLimit?.burst ?? null, createdAt: now,
      }),
    ]);
    return c.json({ id, key, tenant: body.tenant, scopes: body.scopes } satisfies CreateKeyResponse, 201);
  })
  .delete("/:id", async (c) => {
    const db = database(c.env.DB);
    const revokedAt = new Date();
    const done = await db.update(apiKeys).set({ revokedAt }).where(and(eq(apiKeys.id, c.req.param("id")), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id });
    if (!done.length) throw notFound("key");
    return c.json({ id: done[0].id, revokedAt: revokedAt.toISOString() } satisfies RevokeKeyResponse);
  });
