// Idempotency-Key on creation routes (jobs now, batches later): a client that retries after a
// dropped connection gets the resource its first attempt created, never a duplicate. The key is the
// client's (1–255 printable characters), scoped to its tenant, and lives IDEMPOTENCY_TTL_MS. A
// fingerprint of what determines the resource tells a true retry (same request: replayed) from a
// reused key (another request: 409 idempotency_conflict). Uniqueness comes from D1's primary key:
// the key's row is written in the same batch as the resource's, so concurrent requests with one key
// create one resource, and a crash leaves both rows or neither.
import { and, eq, lt } from "drizzle-orm";
import { sha256Hex } from "../auth/crypto.js";
import type { Db } from "../db/client.js";
import { idempotencyKeys, type IdempotencyRow } from "../db/schema.js";
import { ApiError, badRequest } from "../http/errors.js";

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
export const IDEMPOTENCY_HEADER = "Idempotency-Key";

export interface IdempotencyClaim {
  key: string;
  fingerprint: string;
}

/** The request's key, validated; undefined when it sent none. */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = header.trim();
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw badRequest(IDEMPOTENCY_HEADER, "must be 1–255 printable ASCII characters without spaces (a UUID is ideal)");
  return key;
}

/** A stable hash of what determines the resource (key order of plain objects does not matter). */
export function fingerprint(value: unknown): Promise<string> {
  return sha256Hex(JSON.stringify(value, (_k, v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v)));
}

/** The live row of `key`, or null (expired rows count as absent). */
export async function findClaim(db: Db, tenantId: string, key: string, now = Date.now()): Promise<IdempotencyRow | null> {
  const row = await db.query.idempotencyKeys.findFirst({ where: and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key)) });
  return row && row.expiresAt.getTime() > now ? row : null;
}

/** The resource id a live claim of `key` points to, or a 409 when the claim was for another request. */
export function replayOf(row: IdempotencyRow, claim: IdempotencyClaim, kind: string): string {
  if (row.fingerprint !== claim.fingerprint || row.kind !== kind) {
    throw new ApiError(409, "idempotency_conflict", `${IDEMPOTENCY_HEADER} ${claim.key} was already used for a different request in the last 24 h: use a new key for a new request`);
  }
  return row.resourceId;
}

/**
 * The statements to batch before the resource's own insert: remove an expired row of the same key,
 * then claim it (a live row makes the insert, and so the whole batch, fail).
 */
export function claimStatements(db: Db, tenantId: string, claim: IdempotencyClaim, kind: string, resourceId: string, now = new Date()) {
  return [
    db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, claim.key), lt(idempotencyKeys.expiresAt, now))),
    db.insert(idempotencyKeys).values({ tenantId, key: claim.key, fingerprint: claim.fingerprint, kind, resourceId, createdAt: now, expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) }),
  ] as const;
}

/** Whether a D1 error is a primary-key / unique violation (another request claimed the key first). */
export const isUniqueViolation = (err: unknown) => /UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? "")}` : String(err));

/** Deletes expired claims (the reconciler calls this now and then). */
export async function purgeExpiredClaims(db: Db, now = new Date()): Promise<void> {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now));
}
