// RunnerHub: one Durable Object per runner pool (id = idFromName(pool)), so pools scale out instead
// of funnelling every runner through one object. It accepts runner WebSockets (hibernation API, tag
// "runner"), keeps a FIFO queue of pending jobs and the leases of running ones in its SQLite
// storage, and dispatches to the least-loaded capable runner (dispatch.ts).
//
// Leases: `{ jobId, leaseId, runnerId, attempt, expiresAt }`, expiresAt = now + leaseTimeoutMs. A
// lease is renewed by any event of the job and by a heartbeat that lists the job (a heartbeat that
// omits a job assigned more than leaseTimeoutMs ago does not renew it: the runner lost it). The
// alarm fires at the earliest expiry / heartbeat deadline: expired leases are re-queued; a runner
// silent for leaseTimeoutMs is closed and all its leases re-queued, as on socket close or error.
// A re-queued job keeps its place ahead of newer jobs; after MAX_ATTEMPTS lost attempts it fails
// (`job.failed` runner_lost). Events of a lease the hub no longer holds are dropped (and the runner
// is told `job.cancel`). Events reach the job's room through a per-job promise chain, so the room
// sees them in the order the hub received them, after the `job.assigned` of their attempt.
//
// Nothing a runner sends is trusted: messages are size-capped, edge-only event types are refused,
// answer indices are checked against the job's questions. One runner id is one live process: a
// second process saying hello under a connected id is refused (close 4409), while the same process
// reconnecting (same instanceId) replaces its old socket.
//
// Durable submission: D1's job rows are the source of truth. `reconcile` finds this pool's unfinished
// jobs that the hub holds neither queued nor leased (the edge died between writing the row and
// queueing it) and queues them again; it runs when a runner says hello (after an edge restart the
// runners reconnect first), lazily on enqueue, from the alarm while the pool has unfinished jobs,
// and from the worker's cron. A queued job fails with `queue_timeout` once no runner able to run it
// has been connected for QUEUE_TIMEOUT_MS.
import { DurableObject } from "cloudflare:workers";
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import {
  EDGE_ONLY_EVENTS, MAX_RUNNER_MESSAGE_BYTES, PROTOCOL_VERSION, RUNNER_ID_IN_USE, TERMINAL_EVENTS, parseRunnerMessage,
  type EventBody, type HubMessage, type JobSpec, type RunnerCapabilities, type RunnerMessage,
} from "@spatial/shared/protocol";
import { database } from "../db/client.js";
import { jobs } from "../db/schema.js";
import { settings, type EdgeEnv, type Settings } from "../env.js";
import { isDisconnect, logError } from "../http/log.js";
import type { PoolSnapshot } from "../http/schemas.js";
import { cachedGraphOf, startJob } from "../jobs/create.js";
import { purgeExpiredClaims } from "../jobs/idempotency.js";
import { canRun, pickRunner, type RunnerSlot } from "./dispatch.js";
import { sqlKv, type SqlKv } from "./sql-kv.js";

/** Rows read from D1 per page of a reconcile pass. */
const RECONCILE_BATCH = 200;

interface SocketAttachment {
  socketId: string;
}

type LeaseRow = {
  job_id: string;
  lease_id: string;
  socket_id: string;
  runner_id: string;
  attempt: number;
  pos: number;
  expires_at: number;
  assigned_at: number;
  spec: string;
};

type QueueRow = { job_id: string; pos: number; attempts: number; spec: string; queued_at: number };

type RunnerRow = {
  socket_id: string;
  runner_id: string;
  instance_id: string | null;
  capabilities: string;
  connected_at: number;
  last_seen: number;
};

export type HubSnapshot = PoolSnapshot;

export class RunnerHub extends DurableObject<EdgeEnv> {
  private readonly cfg: Settings;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly kv: SqlKv;

  constructor(ctx: DurableObjectState, env: EdgeEnv) {
    super(ctx, env);
    this.cfg = settings(env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS queue (job_id TEXT PRIMARY KEY, pos INTEGER NOT NULL, attempts INTEGER NOT NULL, spec TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS leases (job_id TEXT PRIMARY KEY, lease_id TEXT NOT NULL, socket_id TEXT NOT NULL, runner_id TEXT NOT NULL,
        attempt INTEGER NOT NULL, pos INTEGER NOT NULL, expires_at INTEGER NOT NULL, assigned_at INTEGER NOT NULL, spec TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS runners (socket_id TEXT PRIMARY KEY, runner_id TEXT NOT NULL, capabilities TEXT NOT NULL,
        connected_at INTEGER NOT NULL, last_seen INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);`);
    this.kv = sqlKv(ctx.storage.sql);
    // Columns added after the first release: hubs created before them get them here.
    for (const [table, column] of [["queue", "queued_at INTEGER NOT NULL DEFAULT 0"], ["runners", "instance_id TEXT"]]) {
      try {
        ctx.storage.sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column}`);
      } catch {
        // already there
      }
    }
  }

  // ------------------------------------------------------------------ RPC from the worker

  /**
   * Queues a job (FIFO) and dispatches; the room gets `job.queued {position}` (0 = next). A job the
   * hub already holds (queued or leased) is left as it is. `attempts` carries the attempts a
   * reconciled job already had, so its next `job.assigned` is newer than the room's latest.
   */
  async enqueue(spec: JobSpec, opts: { pool?: string; attempts?: number } = {}): Promise<{ position: number }> {
    if (opts.pool) this.kv.put("pool", opts.pool);
    if (this.sql("SELECT job_id FROM leases WHERE job_id = ?", spec.jobId).length) return { position: 0 };
    const now = Date.now();
    const inserted = this.sql("INSERT OR IGNORE INTO queue (job_id, pos, attempts, spec, queued_at) VALUES (?, ?, ?, ?, ?) RETURNING job_id", spec.jobId, this.nextPos(), opts.attempts ?? 0, JSON.stringify(spec), now);
    const position = this.positionOf(spec.jobId);
    if (!inserted.length) return { position };
    if (!this.liveRunners().length && this.kv.get("runnerlessSince") === undefined) this.kv.put("runnerlessSince", now);
    const queued = this.toRoom(spec.jobId, { type: "job.queued", position });
    this.dispatch();
    if (now - (this.kv.get<number>("lastReconcile") ?? 0) >= this.cfg.reconcileIntervalMs) void this.reconcile().catch((err) => logError(`RunnerHub ${this.ctx.id}: reconcile`, err));
    await this.scheduleAlarm();
    await queued;
    return { position };
  }

  /** Tells the hub its pool's name (a hub learns it from its first job or runner otherwise). */
  async adopt(pool: string): Promise<void> {
    this.kv.put("pool", pool);
  }

  /**
   * Queues this pool's orphaned jobs: unfinished in D1, older than the grace period, and held by the
   * hub neither queued nor leased. Returns how many were queued again (and how many finished jobs'
   * D1 rows were repaired). While orphans younger than the grace period exist, the next pass is set
   * for when they come of age; while the pool has other unfinished jobs, every reconcile interval.
   */
  async reconcile(): Promise<{ requeued: number; repaired: number }> {
    const pool = this.kv.get<string>("pool");
    if (!pool) return { requeued: 0, repaired: 0 };
    const now = Date.now();
    this.kv.put("lastReconcile", now);
    const db = database(this.env.DB);
    let requeued = 0, repaired = 0, soonest = Infinity, unfinished = 0;
    // Page through the pool's unfinished rows oldest first (the hub may hold thousands of them).
    for (let after = new Date(0); ; ) {
      const rows = await db.query.jobs.findMany({
        where: and(eq(jobs.pool, pool), inArray(jobs.status, ["queued", "running"]), gt(jobs.createdAt, after)),
        orderBy: asc(jobs.createdAt),
        limit: RECONCILE_BATCH,
      });
      unfinished += rows.length;
      for (const row of rows) {
        if (this.sql("SELECT job_id FROM queue WHERE job_id = ? UNION SELECT job_id FROM leases WHERE job_id = ?", row.id, row.id).length) continue;
        const comesOfAge = row.createdAt.getTime() + this.cfg.reconcileGraceMs;
        if (comesOfAge > now) {
          // Perhaps still being created (between its row and its enqueue): look again once it is older.
          soonest = Math.min(soonest, comesOfAge);
          continue;
        }
        const room = this.env.JOB_ROOM.get(this.env.JOB_ROOM.idFromName(row.id));
        const summary = await room.summary();
        if (summary.terminal) {
          // The room ended the job but D1 missed it: write the ending again instead of re-running it.
          if (await room.repairD1()) repaired++;
          continue;
        }
        await startJob(this.env, row, await cachedGraphOf(this.env, db, row), (spec) => this.enqueue(spec, { attempts: summary.attempt }));
        requeued++;
      }
      if (rows.length < RECONCILE_BATCH) break;
      after = rows[rows.length - 1].createdAt;
    }
    if (requeued || repaired) console.log(`RunnerHub ${pool}: reconciled ${requeued} orphaned job(s), repaired ${repaired}`);
    if (Math.random() < 0.1) await purgeExpiredClaims(db).catch((err) => logError("RunnerHub: purging idempotency keys", err));
    if (soonest < Infinity) this.kv.put("nextReconcile", soonest);
    else if (unfinished) this.kv.put("nextReconcile", now + this.cfg.reconcileIntervalMs);
    else this.kv.delete("nextReconcile");
    await this.scheduleAlarm();
    return { requeued, repaired };
  }

  /** Cancels a queued or running job: the runner holding it gets `job.cancel`, the room `job.cancelled`. */
  async cancel(jobId: string): Promise<{ state: "queued" | "running" | "unknown" }> {
    let state: "queued" | "running" | "unknown" = "unknown";
    if (this.sql("DELETE FROM queue WHERE job_id = ? RETURNING job_id", jobId).length) state = "queued";
    const lease = this.sql<LeaseRow>("DELETE FROM leases WHERE job_id = ? RETURNING *", jobId)[0];
    if (lease) {
      state = "running";
      const ws = this.socketOf(lease.socket_id);
      if (ws) this.send(ws, { v: PROTOCOL_VERSION, type: "job.cancel", jobId, leaseId: lease.lease_id });
    }
    await this.toRoom(jobId, { type: "job.cancelled" });
    this.dispatch();
    return { state };
  }

  async snapshot(): Promise<HubSnapshot> {
    const active = this.activeBySocket();
    return {
      runners: this.sql<RunnerRow>("SELECT * FROM runners ORDER BY connected_at").map((r) => ({
        runnerId: r.runner_id, capabilities: JSON.parse(r.capabilities) as RunnerCapabilities, active: active.get(r.socket_id) ?? 0, lastSeenMs: r.last_seen,
      })),
      queue: this.sql<{ job_id: string; attempts: number }>("SELECT job_id, attempts FROM queue ORDER BY pos").map((q) => ({ jobId: q.job_id, attempts: q.attempts })),
      leases: this.sql<LeaseRow>("SELECT * FROM leases ORDER BY pos").map((l) => ({ jobId: l.job_id, leaseId: l.lease_id, runnerId: l.runner_id, attempt: l.attempt, expiresAt: l.expires_at })),
    };
  }

  // ------------------------------------------------------------------ runner sockets

  /** /connect: a runner's WebSocket upgrade (the worker has checked the runner token). */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const pool = new URL(request.url).searchParams.get("pool");
    if (pool) this.kv.put("pool", pool);
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, ["runner"]);
    server.serializeAttachment({ socketId: crypto.randomUUID() } satisfies SocketAttachment);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    try {
      const size = typeof data === "string" ? data.length : data.byteLength;
      if (size > MAX_RUNNER_MESSAGE_BYTES) {
        return this.send(ws, { v: PROTOCOL_VERSION, type: "hub.error", code: "message_too_large", message: `messages are at most ${MAX_RUNNER_MESSAGE_BYTES} bytes (got ${size}); large results go to blobs` });
      }
      const message = parseRunnerMessage(data);
      if (!message) return this.send(ws, { v: PROTOCOL_VERSION, type: "hub.error", code: "bad_message", message: "unknown or malformed message (ignored)" });
      await this.onMessage(ws, message);
    } catch (err) {
      logError(`RunnerHub ${this.ctx.id}: message handling`, err);
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      try {
        ws.close(1000, "closing");
      } catch {
        // Already closed; codes such as 1005 must not be echoed.
      }
      await this.dropRunner(this.attachment(ws).socketId, `socket closed (${code}${reason ? ` ${reason}` : ""})`);
    } catch (err) {
      logError(`RunnerHub ${this.ctx.id}: close handling`, err);
    }
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    try {
      if (!isDisconnect(error)) logError(`RunnerHub ${this.ctx.id}: runner socket`, error);
      await this.dropRunner(this.attachment(ws).socketId, "socket error");
    } catch (err) {
      logError(`RunnerHub ${this.ctx.id}: error handling`, err);
    }
  }

  /** Lease expiry and heartbeat deadlines. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const live = new Set(this.ctx.getWebSockets("runner").map((ws) => this.attachment(ws).socketId));
    const work: Promise<void>[] = [];
    for (const r of this.sql<RunnerRow>("SELECT * FROM runners")) {
      if (!live.has(r.socket_id)) work.push(this.dropRunner(r.socket_id, "socket gone"));
      else if (r.last_seen + this.cfg.leaseTimeoutMs <= now) {
        const ws = this.socketOf(r.socket_id);
        try {
          ws?.close(1000, "heartbeat timeout");
        } catch {
          // ignore
        }
        work.push(this.dropRunner(r.socket_id, "heartbeat timeout"));
      }
    }
    for (const lease of this.sql<LeaseRow>("SELECT * FROM leases WHERE expires_at <= ?", now)) work.push(this.requeue(lease, "lease expired"));
    await Promise.all(work);
    await this.failTimedOut(now);
    this.dispatch();
    const next = this.kv.get<number>("nextReconcile");
    if (next !== undefined && next <= now) await this.reconcile().catch((err) => logError(`RunnerHub ${this.ctx.id}: reconcile`, err));
    await this.scheduleAlarm();
  }

  /** Fails queued jobs that no capable runner could have taken for queueTimeoutMs. */
  private async failTimedOut(now: number): Promise<void> {
    const runners = this.liveRunners();
    const since = this.kv.get<number>("runnerlessSince");
    const work: Promise<void>[] = [];
    for (const q of this.sql<QueueRow>("SELECT * FROM queue")) {
      const spec = JSON.parse(q.spec) as JobSpec;
      if (runners.some((r) => canRun(r, spec))) continue;
      if (this.timeoutAt(q, since) > now) continue;
      this.sql("DELETE FROM queue WHERE job_id = ?", q.job_id);
      const waitedS = Math.round((now - Math.max(q.queued_at, since ?? 0)) / 1000);
      work.push(this.toRoom(q.job_id, { type: "job.failed", code: "queue_timeout", message: `no runner able to run this job has served pool ${this.kv.get<string>("pool") ?? "?"} for ${waitedS} s; giving up` }));
    }
    await Promise.all(work);
  }

  private timeoutAt(q: Pick<QueueRow, "queued_at">, runnerlessSince: number | undefined): number {
    return Math.max(q.queued_at, runnerlessSince ?? 0) + this.cfg.queueTimeoutMs;
  }

  // ------------------------------------------------------------------ protocol

  private async onMessage(ws: WebSocket, message: RunnerMessage): Promise<void> {
    const { socketId } = this.attachment(ws);
    const now = Date.now();
    if (message.type === "runner.hello") {
      // One live process per runner id. The same process reconnecting (same instanceId), or an old
      // socket gone quiet for two heartbeats, is replaced and its leases go back to the queue; a
      // different live process is refused, or the two would evict each other forever.
      const others = this.sql<RunnerRow>("SELECT * FROM runners WHERE runner_id = ? AND socket_id != ?", message.runnerId, socketId);
      const live = new Set(this.ctx.getWebSockets("runner").map((w) => this.attachment(w).socketId));
      const holder = others.find((o) => live.has(o.socket_id) && o.last_seen + 2 * this.cfg.heartbeatIntervalMs > now && !(message.instanceId && o.instance_id === message.instanceId));
      if (holder) {
        this.send(ws, { v: PROTOCOL_VERSION, type: "hub.error", code: "runner_id_in_use", message: `runner id ${message.runnerId} is in use by another connected runner: give each runner a unique --runner-id` });
        try {
          ws.close(RUNNER_ID_IN_USE, "runner id in use");
        } catch {
          // already closed
        }
        return;
      }
      for (const old of others) {
        try {
          this.socketOf(old.socket_id)?.close(1000, "replaced by a new connection");
        } catch {
          // ignore
        }
        await this.dropRunner(old.socket_id, "replaced by a new connection");
      }
      this.sql("INSERT OR REPLACE INTO runners (socket_id, runner_id, instance_id, capabilities, connected_at, last_seen) VALUES (?, ?, ?, ?, ?, ?)",
        socketId, message.runnerId, message.instanceId ?? null, JSON.stringify(message.capabilities), now, now);
      this.kv.delete("runnerlessSince");
      this.send(ws, { v: PROTOCOL_VERSION, type: "hub.welcome", runnerId: message.runnerId, heartbeatIntervalMs: this.cfg.heartbeatIntervalMs, leaseTimeoutMs: this.cfg.leaseTimeoutMs });
      this.dispatch();
      // After an edge restart the runners reconnect first: the moment to pick up orphaned jobs.
      await this.reconcile().catch((err) => logError(`RunnerHub ${this.ctx.id}: reconcile`, err));
      await this.scheduleAlarm();
      return;
    }
    const runner = this.sql<RunnerRow>("SELECT * FROM runners WHERE socket_id = ?", socketId)[0];
    if (!runner) return this.send(ws, { v: PROTOCOL_VERSION, type: "hub.error", code: "hello_required", message: "send runner.hello first" });
    this.sql("UPDATE runners SET last_seen = ? WHERE socket_id = ?", now, socketId);

    if (message.type === "runner.heartbeat") {
      const expires = now + this.cfg.leaseTimeoutMs;
      for (const lease of this.sql<LeaseRow>("SELECT * FROM leases WHERE socket_id = ?", socketId)) {
        if (message.activeJobs.includes(lease.job_id) || lease.assigned_at + this.cfg.leaseTimeoutMs > now) {
          this.sql("UPDATE leases SET expires_at = ? WHERE job_id = ?", expires, lease.job_id);
        }
      }
      await this.scheduleAlarm();
      return;
    }

    // job.event
    const lease = this.sql<LeaseRow>("SELECT * FROM leases WHERE job_id = ? AND lease_id = ? AND socket_id = ?", message.jobId, message.leaseId, socketId)[0];
    if (!lease) {
      // A lease we no longer honour (expired, re-queued, cancelled): drop the event, tell the runner to stop.
      if (!TERMINAL_EVENTS.has(message.event.type)) this.send(ws, { v: PROTOCOL_VERSION, type: "job.cancel", jobId: message.jobId, leaseId: message.leaseId });
      return;
    }
    const refusal = this.refusalOf(message.event, JSON.parse(lease.spec) as JobSpec);
    if (refusal) return this.send(ws, { v: PROTOCOL_VERSION, type: "hub.error", code: "event_refused", message: `${message.event.type} for ${message.jobId} refused: ${refusal}` });
    const terminal = TERMINAL_EVENTS.has(message.event.type);
    if (terminal) this.sql("DELETE FROM leases WHERE job_id = ?", lease.job_id);
    else this.sql("UPDATE leases SET expires_at = ? WHERE job_id = ?", now + this.cfg.leaseTimeoutMs, lease.job_id);
    const forwarded = this.toRoom(lease.job_id, message.event, lease.attempt);
    if (terminal) this.dispatch();
    await forwarded;
  }

  /** Why a runner's event cannot go into the job's stream, or null when it can. */
  private refusalOf(event: EventBody, spec: JobSpec): string | null {
    if (EDGE_ONLY_EVENTS.has(event.type)) return "only the edge writes this event type";
    if (event.type === "answer.final" && event.index >= spec.questions.length) return `the job has ${spec.questions.length} question(s), index ${event.index} is out of range`;
    return null;
  }

  /** Assigns queued jobs (FIFO) to free capable runners until no pair is left. */
  private dispatch(): void {
    const live = new Map(this.ctx.getWebSockets("runner").map((ws) => [this.attachment(ws).socketId, ws]));
    const slots = this.liveRunners();
    if (!slots.length) return;
    const now = Date.now();
    for (const q of this.sql<QueueRow>("SELECT * FROM queue ORDER BY pos")) {
      if (slots.every((s) => s.active >= s.capabilities.concurrency)) break;
      const spec = JSON.parse(q.spec) as JobSpec;
      const slot = pickRunner(slots, spec);
      if (!slot) continue;
      const attempt = q.attempts + 1;
      const leaseId = crypto.randomUUID();
      this.sql("DELETE FROM queue WHERE job_id = ?", q.job_id);
      this.sql("INSERT INTO leases (job_id, lease_id, socket_id, runner_id, attempt, pos, expires_at, assigned_at, spec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        q.job_id, leaseId, slot.socketId, slot.runnerId, attempt, q.pos, now + this.cfg.leaseTimeoutMs, now, q.spec);
      slot.active++;
      void this.toRoom(q.job_id, { type: "job.assigned", attempt });
      this.send(live.get(slot.socketId)!, { v: PROTOCOL_VERSION, type: "job.assign", leaseId, attempt, job: spec });
    }
    void this.scheduleAlarm();
  }

  /** A runner is gone: forget it and re-queue every job it held. */
  private async dropRunner(socketId: string, why: string): Promise<void> {
    this.sql("DELETE FROM runners WHERE socket_id = ?", socketId);
    if (!this.liveRunners().length && this.kv.get("runnerlessSince") === undefined) this.kv.put("runnerlessSince", Date.now());
    const leases = this.sql<LeaseRow>("SELECT * FROM leases WHERE socket_id = ?", socketId);
    await Promise.all(leases.map((l) => this.requeue(l, why)));
    this.dispatch();
  }

  /** Puts a lost job back at its old place in the queue, or fails it after MAX_ATTEMPTS. */
  private async requeue(lease: LeaseRow, why: string): Promise<void> {
    if (!this.sql("DELETE FROM leases WHERE job_id = ? AND lease_id = ? RETURNING job_id", lease.job_id, lease.lease_id).length) return;
    const ws = this.socketOf(lease.socket_id);
    if (ws) this.send(ws, { v: PROTOCOL_VERSION, type: "job.cancel", jobId: lease.job_id, leaseId: lease.lease_id });
    if (lease.attempt >= this.cfg.maxAttempts) {
      await this.toRoom(lease.job_id, { type: "job.failed", code: "runner_lost", message: `lost ${lease.attempt} runners (last: ${why}); giving up` });
      return;
    }
    this.sql("INSERT OR REPLACE INTO queue (job_id, pos, attempts, spec, queued_at) VALUES (?, ?, ?, ?, ?)", lease.job_id, lease.pos, lease.attempt, lease.spec, Date.now());
    await this.toRoom(lease.job_id, { type: "job.queued", position: this.positionOf(lease.job_id) });
  }

  /** Appends to the job's room after everything this hub sent it before (per-job order). */
  private toRoom(jobId: string, body: EventBody, attempt?: number): Promise<void> {
    const room = this.env.JOB_ROOM.get(this.env.JOB_ROOM.idFromName(jobId));
    const next = (this.chains.get(jobId) ?? Promise.resolve()).then(async () => {
      for (let tries = 1; ; tries++) {
        try {
          await room.append(body, attempt === undefined ? {} : { attempt });
          return;
        } catch (err) {
          if (tries >= 3) {
            logError(`RunnerHub ${this.ctx.id}: ${body.type} for ${jobId} could not reach its room`, err);
            return;
          }
        }
      }
    });
    this.chains.set(jobId, next);
    void next.then(() => {
      if (this.chains.get(jobId) === next) this.chains.delete(jobId);
    });
    return next;
  }

  private async scheduleAlarm(): Promise<void> {
    const lease = this.sql<{ t: number | null }>("SELECT MIN(expires_at) AS t FROM leases")[0]?.t ?? null;
    const seen = this.sql<{ t: number | null }>("SELECT MIN(last_seen) AS t FROM runners")[0]?.t ?? null;
    const since = this.kv.get<number>("runnerlessSince");
    const oldest = this.sql<{ t: number | null }>("SELECT MIN(queued_at) AS t FROM queue")[0]?.t ?? null;
    const timeout = oldest === null || this.liveRunners().length ? null : this.timeoutAt({ queued_at: oldest }, since);
    const times = [lease, seen === null ? null : seen + this.cfg.leaseTimeoutMs, timeout, this.kv.get<number>("nextReconcile") ?? null].filter((t): t is number => t !== null);
    if (!times.length) return;
    const at = Math.min(...times);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
  }

  /** Connected runners that said hello, as dispatch slots. */
  private liveRunners(): RunnerSlot[] {
    const active = this.activeBySocket();
    const live = new Set(this.ctx.getWebSockets("runner").map((ws) => this.attachment(ws).socketId));
    return this.sql<RunnerRow>("SELECT * FROM runners").filter((r) => live.has(r.socket_id)).map((r) => ({
      socketId: r.socket_id, runnerId: r.runner_id, capabilities: JSON.parse(r.capabilities) as RunnerCapabilities, active: active.get(r.socket_id) ?? 0, connectedAt: r.connected_at,
    }));
  }




  private activeBySocket(): Map<string, number> {
    return new Map(this.sql<{ socket_id: string; n: number }>("SELECT socket_id, COUNT(*) AS n FROM leases GROUP BY socket_id").map((r) => [r.socket_id, r.n]));
  }

  private positionOf(jobId: string): number {
    return this.sql<{ n: number }>("SELECT COUNT(*) AS n FROM queue WHERE pos < (SELECT pos FROM queue WHERE job_id = ?)", jobId)[0]?.n ?? 0;
  }

  private nextPos(): number {
    return this.sql<{ value: number }>("INSERT INTO counters (name, value) VALUES ('pos', 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value")[0].value;
  }

  private socketOf(socketId: string): WebSocket | undefined {
    return this.ctx.getWebSockets("runner").find((ws) => this.attachment(ws).socketId === socketId);
  }

  private attachment(ws: WebSocket): SocketAttachment {
    return ws.deserializeAttachment() as SocketAttachment;
  }

  private send(ws: WebSocket, message: HubMessage): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    try {
      ws.send(JSON.stringify(message));
    } catch (err) {
      if (!isDisconnect(err)) logError(`RunnerHub ${this.ctx.id}: send ${message.type}`, err);
    }
  }

  private sql<T extends Record<string, SqlStorageValue> = Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]): T[] {
    return this.ctx.storage.sql.exec<T>(query, ...bindings).toArray();
  }
}
