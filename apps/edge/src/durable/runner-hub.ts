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
import { DurableObject } from "cloudflare:workers";
import { PROTOCOL_VERSION, TERMINAL_EVENTS, parseRunnerMessage, type EventBody, type HubMessage, type JobSpec, type RunnerCapabilities, type RunnerMessage } from "@spatial/shared/protocol";
import { settings, type EdgeEnv, type Settings } from "../env.js";
import type { PoolSnapshot } from "../http/schemas.js";
import { pickRunner, type RunnerSlot } from "./dispatch.js";

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

type RunnerRow = {
  socket_id: string;
  runner_id: string;
  capabilities: string;
  connected_at: number;
  last_seen: number;
};

export type HubSnapshot = PoolSnapshot;

export class RunnerHub extends DurableObject<EdgeEnv> {
  private readonly cfg: Settings;
  private readonly chains = new Map<string, Promise<void>>();

  constructor(ctx: DurableObjectState, env: EdgeEnv) {
    super(ctx, env);
    this.cfg = settings(env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS queue (job_id TEXT PRIMARY KEY, pos INTEGER NOT NULL, attempts INTEGER NOT NULL, spec TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS leases (job_id TEXT PRIMARY KEY, lease_id TEXT NOT NULL, socket_id TEXT NOT NULL, runner_id TEXT NOT NULL,
        attempt INTEGER NOT NULL, pos INTEGER NOT NULL, expires_at INTEGER NOT NULL, assigned_at INTEGER NOT NULL, spec TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS runners (socket_id TEXT PRIMARY KEY, runner_id TEXT NOT NULL, capabilities TEXT NOT NULL,
        connected_at INTEGER NOT NULL, last_seen INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);`);
  }

  // ------------------------------------------------------------------ RPC from the worker

  /** Queues a job (FIFO) and dispatches; the room gets `job.queued {position}` (0 = next). */
  async enqueue(spec: JobSpec): Promise<{ position: number }> {
    const pos = this.nextPos();
    this.sql("INSERT OR IGNORE INTO queue (job_id, pos, attempts, spec) VALUES (?, ?, 0, ?)", spec.jobId, pos, JSON.stringify(spec));
    const position = this.positionOf(spec.jobId);
    const queued = this.toRoom(spec.jobId, { type: "job.queued", position });
    this.dispatch();
    await queued;
    return { position };
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
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, ["runner"]);
    server.serializeAttachment({ socketId: crypto.randomUUID() } satisfies SocketAttachment);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    try {
      const message = parseRunnerMessage(data);
      if (!message) return this.send(ws, { v: PROTOCOL_VERSION, type: "hub.error", code: "bad_message", message: "unknown or malformed message (ignored)" });
      await this.onMessage(ws, message);
    } catch (err) {
      console.error(`RunnerHub ${this.ctx.id}: message handling failed`, err);
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
      console.error(`RunnerHub ${this.ctx.id}: close handling failed`, err);
    }
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    try {
      console.error(`RunnerHub ${this.ctx.id}: runner socket error`, error);
      await this.dropRunner(this.attachment(ws).socketId, "socket error");
    } catch (err) {
      console.error(`RunnerHub ${this.ctx.id}: error handling failed`, err);
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
    this.dispatch();
    await this.scheduleAlarm();
  }

  // ------------------------------------------------------------------ protocol

  private async onMessage(ws: WebSocket, message: RunnerMessage): Promise<void> {
    const { socketId } = this.attachment(ws);
    const now = Date.now();
    if (message.type === "runner.hello") {
      // One socket per runner id: a reconnecting runner replaces its old socket, whose leases go back to the queue.
      const stale = this.sql<RunnerRow>("SELECT * FROM runners WHERE runner_id = ? AND socket_id != ?", message.runnerId, socketId);
      for (const old of stale) {
        try {
          this.socketOf(old.socket_id)?.close(1000, "replaced by a new connection");
        } catch {
          // ignore
        }
        await this.dropRunner(old.socket_id, "replaced by a new connection");
      }
      this.sql("INSERT OR REPLACE INTO runners (socket_id, runner_id, capabilities, connected_at, last_seen) VALUES (?, ?, ?, ?, ?)",
        socketId, message.runnerId, JSON.stringify(message.capabilities), now, now);
      this.send(ws, { v: PROTOCOL_VERSION, type: "hub.welcome", runnerId: message.runnerId, heartbeatIntervalMs: this.cfg.heartbeatIntervalMs, leaseTimeoutMs: this.cfg.leaseTimeoutMs });
      this.dispatch();
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
    const terminal = TERMINAL_EVENTS.has(message.event.type);
    if (terminal) this.sql("DELETE FROM leases WHERE job_id = ?", lease.job_id);
    else this.sql("UPDATE leases SET expires_at = ? WHERE job_id = ?", now + this.cfg.leaseTimeoutMs, lease.job_id);
    const forwarded = this.toRoom(lease.job_id, message.event, lease.attempt);
    if (terminal) this.dispatch();
    await forwarded;
  }

  /** Assigns queued jobs (FIFO) to free capable runners until no pair is left. */
  private dispatch(): void {
    const active = this.activeBySocket();
    const live = new Map(this.ctx.getWebSockets("runner").map((ws) => [this.attachment(ws).socketId, ws]));
    const slots: RunnerSlot[] = this.sql<RunnerRow>("SELECT * FROM runners").filter((r) => live.has(r.socket_id)).map((r) => ({
      socketId: r.socket_id, runnerId: r.runner_id, capabilities: JSON.parse(r.capabilities) as RunnerCapabilities, active: active.get(r.socket_id) ?? 0, connectedAt: r.connected_at,
    }));
    if (!slots.length) return;
    const now = Date.now();
    for (const q of this.sql<{ job_id: string; pos: number; attempts: number; spec: string }>("SELECT * FROM queue ORDER BY pos")) {
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
    this.sql("INSERT OR REPLACE INTO queue (job_id, pos, attempts, spec) VALUES (?, ?, ?, ?)", lease.job_id, lease.pos, lease.attempt, lease.spec);
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
            console.error(`RunnerHub ${this.ctx.id}: ${body.type} for ${jobId} could not reach its room`, err);
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
    const times = [lease, seen === null ? null : seen + this.cfg.leaseTimeoutMs].filter((t): t is number => t !== null);
    if (!times.length) return;
    const at = Math.min(...times);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
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
      console.error(`RunnerHub ${this.ctx.id}: send ${message.type} failed`, err);
    }
  }

  private sql<T extends Record<string, SqlStorageValue> = Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]): T[] {
    return this.ctx.storage.sql.exec<T>(query, ...bindings).toArray();
  }
}
