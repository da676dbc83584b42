// Reading a batch from D1: its row (tenant-checked), its item counts and the view the API returns.
import { and, eq, sql } from "drizzle-orm";
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

/** Items that reached an end, per minute since the batch was created, and the time left at that rate. */
export function rateOf(row: BatchRow, counts: ItemCounts, now = Date.now()): { imagesPerMinute: number; etaS: number | null } {
  const finished = counts.done + counts.failed + counts.skipped;
  const minutes = Math.max((((row.finishedAt ?? new Date(now)).getTime()) - row.createdAt.getTime()) / 60_000, 1 / 600);
  const imagesPerMinute = Math.round((finished / minutes) * 10) / 10;
  const left = row.total - finished;
  return { imagesPerMinute, etaS: left <= 0 ? 0 : imagesPerMinute > 0 ? Math.round((left / imagesPerMinute) * 60) : null };
}

export async function batchView(db: Db, row: BatchRow): Promise<BatchView> {
  const counts = await itemCounts(db, row.id);
  // Items not yet expanded into rows are queued too.
  counts.queued += Math.max(0, row.total - (counts.queued + counts.running + counts.done + counts.failed + counts.skipped));
  return {
    id: row.id,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    ...(row.finishedAt ? { finishedAt: row.finishedAt.toISOString() } : {}),
    total: row.total,
    counts,
    qaPairs: row.qaPairs,
    ...rateOf(row, counts),
    formats: row.formats as OutputFormat[],
    ...(row.outputs ? { outputs: row.outputs } : {}),
    ...(row.webhookUrl ? { webhook: { url: row.webhookUrl, events: (row.webhookEvents as BatchEventType[] | null) ?? DEFAULT_WEBHOOK_EVENTS, disabled: row.webhookDisabledAt !== null } } : {}),
    ...(row.errorCode ? { error: { code: row.errorCode, message: row.errorMessage ?? "" } } : {}),
  };
}
