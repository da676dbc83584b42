// Reading a batch from D1: its row (tenant-checked), its item counts and the view the API returns.
import { and, eq, gte, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { batches, batchItems, type BatchRow } from "../db/schema.js";
import { notFound } from "../http/errors.js";
import { BatchEventType, type BatchView, type ItemCounts, type OutputFormat } from "@spatial/shared/protocol";

export const TERMINAL_ITEM = ["done", "failed", "skipped"] as const;
export const DEFAULT_WEBHOOK_EVENTS: BatchEventType[] = BatchEventType.options.filter((t) => t !== "batch.progress");

/** Another tenant's batch is a 404, like a missing one. */
export async function loadOwnedBatch(db: Db, tenantId: string, id: string): Promise<BatchRow> {
  const row = await db.query.batches.findFirst({ where: and(eq(batches.id, id), eq(batches.tenantId, tenantId)) });
  if (!row) throw notFound("batch");
  return row;
}

export async function itemCounts(db: Db, batchId: string): Promise<ItemCounts> {
  const rows = await db.select({ status: batchItems.status, n: sql<number>`count(*)` }).from(batchItems).where(eq(batchItems.batchId, batchId)).groupBy(batchItems.status);
  const counts: ItemCounts = { queued: 0, running: 0, done: 0, failed: 0, skipped: 0 };
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/** How an item that a batch's cancel stopped before it ran ends. */
export const CANCELLED_ITEM = { code: "cancelled", message: "the batch was cancelled" } as const;

/** Fails the batch's queued items as cancelled: at the cancel, and for items expanded after it. */
export async function failQueuedAsCancelled(db: Db, batchId: string, now: Date): Promise<void> {
  await db.update(batchItems).set({ status: "failed", errorCode: CANCELLED_ITEM.code, errorMessage: CANCELLED_ITEM.message, updatedAt: now }).where(and(eq(batchItems.batchId, batchId), eq(batchItems.status, "queued")));
}

/** While a batch runs, its throughput is read over its last few minutes of completions. */
export const RATE_WINDOW_MS = 5 * 60_000;

/** When items reached an end: how many in the window, and the first of them (ms). */
export interface Finishes { n: number; firstMs: number | null }

/**
 * The items that reached an end in the last RATE_WINDOW_MS before `end` (a running batch), or over
 * its whole life (`sinceCreated`, an ended one). One aggregate over the batch's item rows.
 */
export async function recentFinishes(db: Db, row: BatchRow, end: number, sinceCreated: boolean): Promise<Finishes> {
  const since = new Date(sinceCreated ? row.createdAt.getTime() : end - RATE_WINDOW_MS);
  const [r] = await db
    .select({ n: sql<number>`count(*)`, first: sql<number | null>`min(${batchItems.updatedAt})` })
    .from(batchItems)
    // Items failed by a cancel all end at once: they are not work done.
    .where(and(eq(batchItems.batchId, row.id), inArray(batchItems.status, [...TERMINAL_ITEM]), gte(batchItems.updatedAt, since), or(isNull(batchItems.errorCode), ne(batchItems.errorCode, CANCELLED_ITEM.code))));
  return { n: r?.n ?? 0, firstMs: r?.first ?? null };
}

/**
 * Items that reach an end per minute, and the time left at that rate. Measured from the first
 * finish in the window to now (or to the batch's end), one item fewer than finished there: the
 * time a batch waited in the queue before its first item ended is not throughput, and a batch
 * that stalls sees its rate fall. While a batch runs the window is its last RATE_WINDOW_MS, so the
 * ETA follows the current pace (runners joining or leaving); once it has ended, its whole work.
 * With fewer than two finishes there is no pace yet: the rate since creation stands in.
 */
export async function rateOf(db: Db, row: BatchRow, counts: ItemCounts, now = Date.now()): Promise<{ imagesPerMinute: number; etaS: number | null }> {
  const finished = counts.done + counts.failed + counts.skipped;
  const end = row.finishedAt?.getTime() ?? now;
  const ended = row.finishedAt !== null;
  const none: Finishes = { n: 0, firstMs: null };
  const recent = finished >= 1 ? await recentFinishes(db, row, end, ended) : none;
  const spanMs = recent.firstMs !== null ? end - recent.firstMs : 0;
  let perMinute: number;
  if (recent.n >= 2 && spanMs > 0) perMinute = ((recent.n - 1) / spanMs) * 60_000;
  else {
    // No pace yet: the work so far over the batch's age (items a cancel failed are not work).
    const worked = ended || finished === 0 ? recent : await recentFinishes(db, row, end, true);
    perMinute = worked.n / Math.max((end - row.createdAt.getTime()) / 60_000, 1 / 600);
  }
  const imagesPerMinute = Math.round(perMinute * 10) / 10;
  const left = row.total - finished;
  // An item still to come takes at least a second: never "0 s left" while one runs.
  return { imagesPerMinute, etaS: left <= 0 ? 0 : imagesPerMinute > 0 ? Math.max(1, Math.round((left / imagesPerMinute) * 60)) : null };
}

/**
 * The batch's item counts, with the items not yet expanded into rows: queued, or failed when the
 * batch was cancelled (they will never run; their rows are written failed as they expand).
 */
export async function batchCounts(db: Db, row: BatchRow): Promise<ItemCounts> {
  const counts = await itemCounts(db, row.id);
  const unexpanded = Math.max(0, row.total - (counts.queued + counts.running + counts.done + counts.failed + counts.skipped));
  if (row.status === "cancelled") counts.failed += unexpanded;
  else counts.queued += unexpanded;
  return counts;
}

export async function batchView(db: Db, row: BatchRow): Promise<BatchView> {
  const counts = await batchCounts(db, row);
  return {
    id: row.id,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    ...(row.finishedAt ? { finishedAt: row.finishedAt.toISOString() } : {}),
    total: row.total,
    counts,
    qaPairs: row.qaPairs,
    ...(await rateOf(db, row, counts)),
    formats: row.formats as OutputFormat[],
    ...(row.outputs ? { outputs: row.outputs } : {}),
    ...(row.webhookUrl ? { webhook: { url: row.webhookUrl, events: (row.webhookEvents as BatchEventType[] | null) ?? DEFAULT_WEBHOOK_EVENTS, disabled: row.webhookDisabledAt !== null } } : {}),
    ...(row.errorCode ? { error: { code: row.errorCode, message: row.errorMessage ?? "" } } : {}),
  };
}
