// A batch's throughput and ETA on real D1 (workerd): read from when its items ended, not from when
// it was created, so queue wait before the first result and a stall are seen as they are.
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../db/client.js";
import { batches, batchItems, tenants, type BatchRow } from "../db/schema.js";
import { rateOf, RATE_WINDOW_MS } from "./store.js";

const MIN = 60_000;

/** A batch of `total` items created at `createdMs`, with items ended at the given times (ms). */
async function batchWith(name: string, total: number, createdMs: number, endedAtMs: number[], finishedMs: number | null = null): Promise<BatchRow> {
  const db = database(env.DB);
  await db.insert(tenants).values({ id: `rate-${name}`, createdAt: new Date(createdMs) }).onConflictDoNothing();
  const row: typeof batches.$inferInsert & { id: string } = {
    id: `batch_rate_${name}`, tenantId: `rate-${name}`, pool: "default", status: finishedMs === null ? "running" : "completed", synthesis: {}, formats: ["jsonl"],
    total, createdAt: new Date(createdMs), updatedAt: new Date(createdMs), finishedAt: finishedMs === null ? null : new Date(finishedMs),
  };
  await db.insert(batches).values(row);
  const items = Array.from({ length: total }, (_, idx) => ({
    batchId: row.id, idx, itemId: String(idx), status: idx < endedAtMs.length ? ("done" as const) : ("queued" as const), updatedAt: new Date(idx < endedAtMs.length ? endedAtMs[idx] : createdMs),
  }));
  for (let i = 0; i < items.length; i += 7) await db.insert(batchItems).values(items.slice(i, i + 7));
  return (await db.query.batches.findFirst({ where: (b, { eq }) => eq(b.id, row.id) }))!;
}

const countsOf = (total: number, done: number) => ({ queued: total - done, running: 0, done, failed: 0, skipped: 0 });

describe("a batch's throughput", () => {
  it("does not count the queue wait before the first item ended: 10 min queued, then one item every 6 s", async () => {
    const now = Date.UTC(2026, 10, 28, 12);
    const created = now - 11 * MIN;
    const ended = Array.from({ length: 11 }, (_, i) => now - MIN + i * 6_000); // 11 items over the last minute
    const row = await batchWith("queued", 100, created, ended);
    const { imagesPerMinute, etaS } = await rateOf(database(env.DB), row, countsOf(100, 11), now);
    expect(imagesPerMinute).toBe(10); // since creation it would read 1 a minute
    expect(etaS).toBe(89 * 6);
  });

  it("follows the current pace: only the last few minutes count while the batch runs, and a stall lowers it", async () => {
    const now = Date.UTC(2026, 10, 28, 13);
    // 60 items fast long ago (one every 2 s, 30 min back), then 5 in the last 5 minutes.
    const ended = [...Array.from({ length: 60 }, (_, i) => now - 30 * MIN + i * 2_000), ...Array.from({ length: 5 }, (_, i) => now - RATE_WINDOW_MS + (i + 1) * 50_000)];
    const row = await batchWith("slowed", 100, now - 31 * MIN, ended);
    const { imagesPerMinute } = await rateOf(database(env.DB), row, countsOf(100, 65), now);
    // 4 intervals over the 4 minutes from the window's first finish to now.
    expect(imagesPerMinute).toBeCloseTo(1, 1);
  });

  it("an ended batch: its whole work, first finish to the batch's end; too few finishes fall back to the age", async () => {
    const t0 = Date.UTC(2026, 10, 28, 14);
    const ended = Array.from({ length: 21 }, (_, i) => t0 + 20 * MIN + i * 3_000); // 20 intervals in 60 s
    const row = await batchWith("ended", 21, t0, ended, ended.at(-1)!);
    expect(await rateOf(database(env.DB), row, countsOf(21, 21), t0 + 99 * MIN)).toEqual({ imagesPerMinute: 20, etaS: 0 });
    // Cancelled: the items the cancel failed all at once are not throughput.
    const cancelledAt = t0 + 22 * MIN;
    const cancelled = await batchWith("cancelled", 40, t0, ended, cancelledAt);
    await database(env.DB).update(batchItems).set({ status: "failed", errorCode: "cancelled", updatedAt: new Date(cancelledAt) }).where(and(eq(batchItems.batchId, cancelled.id), eq(batchItems.status, "queued")));
    // 20 intervals from the first finish to the cancel, 2 minutes later.
    expect(await rateOf(database(env.DB), cancelled, { queued: 0, running: 0, done: 21, failed: 19, skipped: 0 }, cancelledAt + MIN)).toEqual({ imagesPerMinute: 10, etaS: 0 });
    // Cancelled before any item ended: no throughput at all, not 40 items in a second.
    const early = await batchWith("cancelled-early", 40, t0, [], t0 + 1_000);
    await database(env.DB).update(batchItems).set({ status: "failed", errorCode: "cancelled", updatedAt: new Date(t0 + 1_000) }).where(eq(batchItems.batchId, early.id));
    expect(await rateOf(database(env.DB), early, { queued: 0, running: 0, done: 0, failed: 40, skipped: 0 }, t0 + MIN)).toEqual({ imagesPerMinute: 0, etaS: 0 });
    const young = await batchWith("young", 10, t0, [t0 + 30_000]);
    expect((await rateOf(database(env.DB), young, countsOf(10, 1), t0 + MIN)).imagesPerMinute).toBe(1);
  });
});
