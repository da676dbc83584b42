// BatchRoom: one Durable Object per batch (idFromName(batchId)). It owns the batch's ordered event
// log (batch.progress, batch.item.failed, batch.completed / failed / cancelled), streams it as SSE
// (resumable with Last-Event-ID like a job's), throttles progress to one event per
// PROGRESS_INTERVAL_MS, hands each event to the webhook deliveries, and reconciles on its alarm:
// D1's item rows are the truth, and an item whose queue message was lost (never started, or its
// job ended without the batch hearing) is sent again; when every item has ended, finalize is sent.
import { DurableObject } from "cloudflare:workers";
import { and, eq, inArray, lt } from "drizzle-orm";
import { database } from "../db/client.js";
import { batches, batchItems, jobs } from "../db/schema.js";
import type { EdgeEnv } from "../env.js";
import { logError } from "../http/log.js";
import { resumeAfter, sseComment, sseFrame, SSE_HEADERS } from "../http/sse.js";
import type { BatchEvent, BatchEventBody } from "@spatial/shared/protocol";
import { batchCounts, itemCounts, rateOf } from "../batches/store.js";
import { enqueueDelivery } from "../webhooks/deliver.js";
import { sqlKv, type SqlKv } from "./sql-kv.js";

const PROGRESS_INTERVAL_MS = 1000;
/** How long an item may sit without news before its message is sent again. */
const STALE_ITEM_MS = 30_000;
const RECONCILE_EVERY_MS = 15_000;
const KEEPALIVE_MS = 15_000;
const TERMINAL = new Set(["batch.completed", "batch.failed", "batch.cancelled"]);
const encoder = new TextEncoder();

interface Subscriber {
  writer: WritableStreamDefaultWriter<Uint8Array>;
  after: number;
}

export class BatchRoom extends DurableObject<EdgeEnv> {
  private readonly subscribers = new Set<Subscriber>();
  private keepalive: ReturnType<typeof setInterval> | null = null;
  private readonly kv: SqlKv;

  constructor(ctx: DurableObjectState, env: EdgeEnv) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, json TEXT NOT NULL)");
    this.kv = sqlKv(ctx.storage.sql);
  }

  async init(batchId: string): Promise<void> {
    if (!this.kv.get("batchId")) this.kv.put("batchId", batchId);
    await this.ctx.storage.setAlarm(Date.now() + RECONCILE_EVERY_MS);
  }

  /** Appends an event (nothing after a terminal one), hands it to webhooks, and streams it. */
  async append(body: BatchEventBody): Promise<BatchEvent | null> {
    const batchId = this.kv.get<string>("batchId");
    if (!batchId || this.kv.get("terminal")) return null;
    const event = { ...body, seq: this.lastSeq() + 1, batchId, at: new Date().toISOString() } as BatchEvent;
    this.ctx.storage.sql.exec("INSERT INTO events (seq, type, json) VALUES (?, ?, ?)", event.seq, event.type, JSON.stringify(event));
    if (TERMINAL.has(event.type)) this.kv.put("terminal", event.type);
    try {
      await enqueueDelivery(this.env, batchId, event);
    } catch (err) {
      logError(`BatchRoom ${batchId}: webhook delivery of seq ${event.seq}`, err);
    }
    const frame = encoder.encode(sseFrame(event));
    for (const sub of this.subscribers) {
      if (event.seq > sub.after) sub.writer.write(frame).catch(() => this.drop(sub));
      if (TERMINAL.has(event.type)) {
        sub.writer.close().catch(() => {});
        this.drop(sub);
      }
    }
    return event;
  }

  /** A batch.progress event now, or at the end of the throttle interval (coalescing what comes between). */
  async progress(): Promise<void> {
    const last = this.kv.get<number>("progressAt") ?? 0;
    const now = Date.now();
    if (now - last >= PROGRESS_INTERVAL_MS) await this.emitProgress();
    else {
      this.kv.put("progressDue", true);
      const alarm = await this.ctx.storage.getAlarm();
      const due = last + PROGRESS_INTERVAL_MS;
      if (alarm === null || alarm > due) await this.ctx.storage.setAlarm(due);
    }
  }

  /** Runs the reconcile pass now (the worker's cron calls this, in case the room's alarm was lost). */
  async kick(): Promise<void> {
    const batchId = this.kv.get<string>("batchId");
    if (batchId && !this.kv.get("terminal")) {
      await this.reconcile(batchId);
      if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + RECONCILE_EVERY_MS);
    }
  }

  async log(after = 0): Promise<BatchEvent[]> {
    return this.readLog(after);
  }

  override async fetch(request: Request): Promise<Response> {
    const after = resumeAfter(request.headers.get("Last-Event-ID"), new URL(request.url).searchParams.get("after"));
    if (after === null) return Response.json({ error: { code: "invalid_request", message: "after: must be a non-negative integer" } }, { status: 400 });
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    void writer.write(encoder.encode(sseComment(`batch ${this.kv.get<string>("batchId") ?? "?"}`))).catch(() => {});
    for (const e of this.readLog(after)) void writer.write(encoder.encode(sseFrame(e))).catch(() => {});
    if (this.kv.get("terminal")) void writer.close().catch(() => {});
    else {
      this.subscribers.add({ writer, after });
      this.keepalive ??= setInterval(() => {
        for (const s of this.subscribers) s.writer.write(encoder.encode(sseComment("keepalive"))).catch(() => this.drop(s));
      }, KEEPALIVE_MS);
    }
    return new Response(readable, { headers: SSE_HEADERS });
  }

  override async alarm(): Promise<void> {
    const batchId = this.kv.get<string>("batchId");
    if (!batchId) return;
    try {
      if (this.kv.get("progressDue")) await this.emitProgress();
      if (!this.kv.get("terminal")) await this.reconcile(batchId);
    } catch (err) {
      logError(`BatchRoom ${batchId}: alarm`, err);
    }
    if (!this.kv.get("terminal")) await this.ctx.storage.setAlarm(Date.now() + RECONCILE_EVERY_MS);
  }

  private async emitProgress(): Promise<void> {
    const batchId = this.kv.get<string>("batchId")!;
    const db = database(this.env.DB);
    const row = await db.query.batches.findFirst({ where: eq(batches.id, batchId) });
    if (!row) return;
    const counts = await batchCounts(db, row);
    this.kv.put("progressAt", Date.now());
    this.kv.put("progressDue", false);
    await this.append({ type: "batch.progress", counts, total: row.total, qaPairs: row.qaPairs, ...(await rateOf(db, row, counts)) });
  }

  /** Re-sends what D1 shows stuck; sends finalize once every item has ended. */
  private async reconcile(batchId: string): Promise<void> {
    const db = database(this.env.DB);
    const batch = await db.query.batches.findFirst({ where: eq(batches.id, batchId) });
    if (!batch || !["queued", "running"].includes(batch.status)) {
      if (batch?.status === "finalizing" && batch.updatedAt.getTime() < Date.now() - STALE_ITEM_MS) await this.env.BATCH_QUEUE.send({ kind: "finalize", batchId });
      return;
    }
    const stale = new Date(Date.now() - STALE_ITEM_MS);
    const expanded = (await itemCounts(db, batchId));
    const rows = Object.values(expanded).reduce((a, b) => a + b, 0);
    if (rows < batch.total && batch.updatedAt < stale) await this.env.BATCH_QUEUE.send({ kind: "expand", batchId, from: rows });
    const queued = await db.select({ idx: batchItems.idx }).from(batchItems).where(and(eq(batchItems.batchId, batchId), eq(batchItems.status, "queued"), lt(batchItems.updatedAt, stale))).limit(500);
    const running = await db
      .select({ idx: batchItems.idx, jobId: batchItems.jobId })
      .from(batchItems)
      .innerJoin(jobs, eq(jobs.id, batchItems.jobId))
      .where(and(eq(batchItems.batchId, batchId), eq(batchItems.status, "running"), inArray(jobs.status, ["completed", "failed", "cancelled"]), lt(batchItems.updatedAt, stale)))
      .limit(500);
    const messages = [
      ...queued.map((q) => ({ body: { kind: "start" as const, batchId, idx: q.idx } })),
      ...running.map((r) => ({ body: { kind: "ended" as const, batchId, idx: r.idx, jobId: r.jobId! } })),
    ];
    for (let i = 0; i < messages.length; i += 100) await this.env.BATCH_QUEUE.sendBatch(messages.slice(i, i + 100));
    if (rows === batch.total && expanded.queued === 0 && expanded.running === 0) await this.env.BATCH_QUEUE.send({ kind: "finalize", batchId });
  }

  private drop(sub: Subscriber): void {
    this.subscribers.delete(sub);
    if (!this.subscribers.size && this.keepalive) {
      clearInterval(this.keepalive);
      this.keepalive = null;
    }
  }

  private readLog(after: number): BatchEvent[] {
    return this.ctx.storage.sql.exec<{ json: string }>("SELECT json FROM events WHERE seq > ? ORDER BY seq", after).toArray().map((r) => JSON.parse(r.json) as BatchEvent);
  }

  private lastSeq(): number {
    return this.ctx.storage.sql.exec<{ s: number | null }>("SELECT MAX(seq) AS s FROM events").one().s ?? 0;
  }


}
