// JobRoom: one Durable Object per job (id = idFromName(jobId)). It owns the job's ordered event log
// (seq 1, 2, … assigned here, stamped with jobId and `at`), admits events by the rule in
// room-rule.ts, persists progress to D1/R2 (room-persist.ts) and fans events out to every subscriber:
// SSE streams (held in memory while their request is open) and viewer WebSockets (hibernation API,
// tag "viewer"). A subscriber first gets the log after its resume point, then live events; the
// stream ends (SSE closes, sockets close with 1000) after a terminal event.
import { DurableObject } from "cloudflare:workers";
import { TERMINAL_EVENTS, type AskOutputLine, type EventBody, type EventType, type JobEvent } from "@spatial/shared/protocol";
import type { EdgeEnv } from "../env.js";
import { resumeAfter, sseComment, sseFrame, SSE_HEADERS } from "../http/sse.js";
import { errorCode, isDisconnect, logError } from "../http/log.js";
import { persistEvent } from "./room-persist.js";
import { sqlKv, type SqlKv } from "./sql-kv.js";
import { admit, initialRuleState, type RoomRuleState } from "./room-rule.js";

export interface RoomMeta {
  jobId: string;
  /** Event types the client asked to stream (JobOptions.events); terminal events always go out. */
  events?: EventType[];
}

interface SseSubscriber {
  writer: WritableStreamDefaultWriter<Uint8Array>;
  events?: ReadonlySet<string>;
  /** The subscriber's resume point: it never gets an event at or below it, even one appended later. */
  after: number;
}

interface ViewerAttachment {
  events?: string[];
  after?: number;
}

/** Results whose loss would make the job's outcome wrong: if persisting one fails, the job fails. */
const RESULT_EVENTS = new Set<string>(["scene.graph", "answer.final"]);

const KEEPALIVE_MS = 15_000;
const encoder = new TextEncoder();
const wanted = (filter: ReadonlySet<string> | undefined, type: string) => !filter || filter.has(type) || TERMINAL_EVENTS.has(type as EventBody["type"]);

export class JobRoom extends DurableObject<EdgeEnv> {
  private readonly sse = new Set<SseSubscriber>();
  /** Events are persisted then broadcast strictly in seq order through this chain. */
  private chain: Promise<void> = Promise.resolve();
  /** Highest seq already broadcast: a new subscriber's backlog stops here, live delivery goes on from it. */
  private broadcastSeq: number;
  private keepalive: ReturnType<typeof setInterval> | null = null;
  private readonly kv: SqlKv;

  constructor(ctx: DurableObjectState, env: EdgeEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, json TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS answers (idx INTEGER PRIMARY KEY, json TEXT NOT NULL);`);
    this.kv = sqlKv(ctx.storage.sql);
    this.broadcastSeq = this.lastSeq();
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  // ------------------------------------------------------------------ RPC

  /** Called once when the job is created, before any event. Idempotent. */
  async init(meta: RoomMeta): Promise<void> {
    if (!this.kv.get<RoomMeta>("meta")) this.kv.put("meta", meta);
  }

  /**
   * Appends an event if the room's rule admits it (see room-rule.ts); resolves once it is persisted
   * and sent to subscribers. `attempt` tags runner events with their lease's attempt. Returns the
   * stamped event, or null when it was dropped as a repeat or stale.
   */
  async append(body: EventBody, opts: { attempt?: number } = {}): Promise<JobEvent | null> {
    const meta = this.kv.get<RoomMeta>("meta");
    if (!meta) throw new Error("JobRoom.append before init");
    if (body.type === "job.completed") {
      // Completion is decided after every earlier result is stored: a job whose scene graph or an
      // answer could not be persisted must not read "completed".
      await this.chain;
      const failure = this.kv.get<{ code: string; message: string }>("persistFailure");
      const rule = this.kv.get<RoomRuleState>("rule") ?? initialRuleState();
      if (failure) body = { type: "job.failed", ...failure };
      else if (!rule.terminal && !rule.results.includes("scene.graph")) {
        body = { type: "job.failed", code: "incomplete_result", message: "the runner reported the job complete without its scene graph" };
      }
    }
    const { admitted, state } = admit(this.kv.get<RoomRuleState>("rule") ?? initialRuleState(), body, opts.attempt);
    if (!admitted) return null;
    const event = { ...body, seq: this.lastSeq() + 1, jobId: meta.jobId, at: new Date().toISOString() } as JobEvent;
    // Synchronous SQL: seq assignment and the write are atomic with respect to other calls.
    this.ctx.storage.sql.exec("INSERT INTO events (seq, type, json) VALUES (?, ?, ?)", event.seq, event.type, JSON.stringify(event));
    if (event.type === "answer.final") this.ctx.storage.sql.exec("INSERT OR REPLACE INTO answers (idx, json) VALUES (?, ?)", event.index, JSON.stringify(event.line));
    this.kv.put("rule", state);
    const done = this.chain.then(async () => {
      try {
        await persistEvent(this.env, event, () => this.answers());
      } catch (err) {
        logError(`JobRoom ${meta.jobId}: persisting seq ${event.seq} (${event.type})`, err);
        if (RESULT_EVENTS.has(event.type) && !this.kv.get("persistFailure")) {
          this.kv.put("persistFailure", { code: "persist_failed", message: `the job's ${event.type} could not be stored (${errorCode(err)}); the job cannot complete without it` });
        }
      }
      this.broadcast(event);
    });
    this.chain = done;
    await done;
    return event;
  }

  /** The log after `after`, in order. */
  async log(after = 0): Promise<JobEvent[]> {
    return this.readLog(after, Number.MAX_SAFE_INTEGER);
  }

  async summary(): Promise<{ lastSeq: number; terminal: string | null; attempt: number; initialized: boolean }> {
    const rule = this.kv.get<RoomRuleState>("rule") ?? initialRuleState();
    return { lastSeq: this.lastSeq(), terminal: rule.terminal, attempt: rule.attempt, initialized: this.kv.get("meta") !== undefined };
  }

  /**
   * Writes the terminal event to D1 again (the reconciler calls this when D1 still shows the job
   * unfinished although the room has ended it: the first write failed or the edge died before it).
   */
  async repairD1(): Promise<boolean> {
    const row = this.ctx.storage.sql.exec<{ json: string }>("SELECT json FROM events ORDER BY seq DESC LIMIT 1").toArray()[0];
    const last = row ? (JSON.parse(row.json) as JobEvent) : null;
    if (!last || !TERMINAL_EVENTS.has(last.type)) return false;
    await persistEvent(this.env, last, () => this.answers());
    return true;
  }

  // ------------------------------------------------------------------ subscribers

  /** GET /events?after=N: SSE, or a viewer WebSocket when the request is an upgrade. */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const after = resumeAfter(request.headers.get("Last-Event-ID"), url.searchParams.get("after"));
    if (after === null) return Response.json({ error: { code: "invalid_request", message: "after: must be a non-negative integer" } }, { status: 400 });
    const meta = this.kv.get<RoomMeta>("meta");
    const filter = meta?.events ? new Set<string>(meta.events) : undefined;
    const backlog = this.readLog(after, this.broadcastSeq).filter((e) => wanted(filter, e.type));
    const ended = this.isEnded();
    if (request.headers.get("Upgrade")?.toLowerCase() === "websocket") {
      const { 0: client, 1: server } = new WebSocketPair();
      this.ctx.acceptWebSocket(server, ["viewer"]);
      server.serializeAttachment({ events: meta?.events, after } satisfies ViewerAttachment);
      for (const e of backlog) server.send(JSON.stringify(e));
      if (ended) server.close(1000, "job finished");
      return new Response(null, { status: 101, webSocket: client });
    }
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    void writer.write(encoder.encode(sseComment(`job ${meta?.jobId ?? "?"}`))).catch(() => {});
    for (const e of backlog) void writer.write(encoder.encode(sseFrame(e))).catch(() => {});
    if (ended) void writer.close().catch(() => {});
    else this.addSse({ writer, events: filter, after });
    return new Response(readable, { headers: SSE_HEADERS });
  }

  override async webSocketMessage(_ws: WebSocket, _message: string | ArrayBuffer): Promise<void> {
    // Viewers only listen ("ping" is answered by the auto-response without waking the room).
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(1000, "closing");
    } catch {
      // Already closed; close codes such as 1005 must not be echoed.
    }
    if (code !== 1000 && code !== 1001 && code !== 1005 && code !== 1006) console.log(`JobRoom: viewer closed with ${code}`);
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    // A viewer that goes away mid-stream is ordinary, not an error of ours.
    if (!isDisconnect(error)) logError("JobRoom: viewer socket", error);
    try {
      ws.close(1000, "error");
    } catch {
      // ignore
    }
  }

  // ------------------------------------------------------------------ internals

  private broadcast(event: JobEvent): void {
    this.broadcastSeq = Math.max(this.broadcastSeq, event.seq);
    const end = TERMINAL_EVENTS.has(event.type);
    const frame = encoder.encode(sseFrame(event));
    for (const sub of this.sse) {
      if (event.seq > sub.after && wanted(sub.events, event.type)) sub.writer.write(frame).catch(() => this.dropSse(sub));
      if (end) {
        sub.writer.close().catch(() => {});
        this.dropSse(sub);
      }
    }
    const json = JSON.stringify(event);
    for (const ws of this.ctx.getWebSockets("viewer")) {
      try {
        const { events, after = 0 } = (ws.deserializeAttachment() ?? {}) as ViewerAttachment;
        if (event.seq > after && wanted(events ? new Set(events) : undefined, event.type)) ws.send(json);
        if (end) ws.close(1000, "job finished");
      } catch (err) {
        if (!isDisconnect(err)) logError("JobRoom: sending to a viewer", err);
      }
    }
  }

  private addSse(sub: SseSubscriber): void {
    this.sse.add(sub);
    this.keepalive ??= setInterval(() => {
      const ping = encoder.encode(sseComment("keepalive"));
      for (const s of this.sse) s.writer.write(ping).catch(() => this.dropSse(s));
    }, KEEPALIVE_MS);
  }

  private dropSse(sub: SseSubscriber): void {
    this.sse.delete(sub);
    if (this.sse.size === 0 && this.keepalive) {
      clearInterval(this.keepalive);
      this.keepalive = null;
    }
  }

  private isEnded(): boolean {
    return (this.kv.get<RoomRuleState>("rule")?.terminal ?? null) !== null && this.broadcastSeq >= this.lastSeq();
  }

  private readLog(after: number, upTo: number): JobEvent[] {
    return this.ctx.storage.sql
      .exec<{ json: string }>("SELECT json FROM events WHERE seq > ? AND seq <= ? ORDER BY seq", after, upTo)
      .toArray()
      .map((r) => JSON.parse(r.json) as JobEvent);
  }

  private answers(): (AskOutputLine | null)[] {
    const rows = this.ctx.storage.sql.exec<{ idx: number; json: string }>("SELECT idx, json FROM answers ORDER BY idx").toArray();
    const out: (AskOutputLine | null)[] = [];
    for (const r of rows) out[r.idx] = JSON.parse(r.json) as AskOutputLine;
    return Array.from(out, (x) => x ?? null);
  }

  private lastSeq(): number {
    return this.ctx.storage.sql.exec<{ s: number | null }>("SELECT MAX(seq) AS s FROM events").one().s ?? 0;
  }


}
