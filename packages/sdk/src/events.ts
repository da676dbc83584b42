// Event streams (a job's, a batch's) as async iterators over Server-Sent Events read with fetch (so
// they run in browsers, Workers and Node alike, and can send the API key). When the connection drops
// the iterator reconnects with backoff and resumes after the last event it delivered
// (Last-Event-ID), so a consumer sees every event once, in order, until the terminal event.
import { createParser } from "eventsource-parser";
import { BatchEvent, JobEvent, TERMINAL_EVENTS } from "@spatial/shared/protocol";
import { ApiError, ConnectionError } from "./errors.js";
import { backoffMs, sleep } from "./retry.js";
import type { Transport } from "./transport.js";

export type EventType = JobEvent["type"];
/** The event of one `type`, narrowed: `EventOf<"scene.graph">` has `.graph`. */
export type EventOf<T extends EventType> = Extract<JobEvent, { type: T }>;
export type TerminalEvent = EventOf<"job.completed" | "job.failed" | "job.cancelled">;

export interface EventsOptions<T extends EventType = EventType> {
  /** Resume after this seq (0 = from the start). */
  after?: number;
  /** Deliver only these types (terminal events always come, last). */
  types?: readonly T[];
  /** The `eventsUrl` a job creation returned: its view token reads the events without the API key. */
  eventsUrl?: string;
  /** Reconnections in a row without a new event before giving up. Default 8. */
  maxReconnects?: number;
  signal?: AbortSignal;
}

interface StreamOptions<E> {
  url: string;
  anonymous: boolean;
  after: number;
  parse: (json: unknown) => E;
  isTerminal: (e: E) => boolean;
  maxReconnects: number;
  what: string;
  signal?: AbortSignal;
}

/** Any resumable SSE stream whose events carry `seq`, until its terminal event. */
async function* followSse<E extends { seq: number }>(transport: Transport, o: StreamOptions<E>): AsyncGenerator<E> {
  let lastSeq = o.after;
  let failures = 0;
  while (true) {
    const queue: E[] = [];
    try {
      const response = await transport.request(o.url, {
        anonymous: o.anonymous,
        headers: { accept: "text/event-stream", ...(lastSeq > 0 ? { "last-event-id": String(lastSeq) } : {}) },
        ...(o.signal ? { signal: o.signal } : {}),
      });
      if (!response.body) throw new ConnectionError(`the events of ${o.what} came without a body`);
      const parser = createParser({ onEvent: (m) => { if (m.data) queue.push(o.parse(JSON.parse(m.data))); } });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        while (true) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
          while (queue.length > 0) {
            const event = queue.shift()!;
            if (event.seq <= lastSeq) continue; // a replay after a resume
            lastSeq = event.seq;
            failures = 0;
            yield event;
            if (o.isTerminal(event)) return;
          }
        }
      } finally {
        await reader.cancel().catch(() => undefined);
      }
    } catch (e) {
      if (o.signal?.aborted) throw o.signal.reason;
      // A refusal (401, 404, …) will not change by reconnecting; the transport already retried 429/5xx.
      if (e instanceof ApiError && e.status > 0) throw e;
    }
    if (++failures > o.maxReconnects) throw new ConnectionError(`lost the event stream of ${o.what} after ${o.maxReconnects} reconnections`);
    await sleep(backoffMs(failures, transport.retry), o.signal);
  }
}

export async function* followEvents<T extends EventType>(transport: Transport, jobId: string, opts: EventsOptions<T> = {}): AsyncGenerator<EventOf<T> | TerminalEvent> {
  const wanted = opts.types ? new Set<EventType>(opts.types) : null;
  const events = followSse<JobEvent>(transport, {
    url: opts.eventsUrl ?? `/v1/jobs/${encodeURIComponent(jobId)}/events`,
    anonymous: opts.eventsUrl !== undefined,
    after: opts.after ?? 0,
    parse: (json) => JobEvent.parse(json),
    isTerminal: (e) => TERMINAL_EVENTS.has(e.type),
    maxReconnects: opts.maxReconnects ?? 8,
    what: `job ${jobId}`,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  for await (const event of events) {
    if (TERMINAL_EVENTS.has(event.type) || !wanted || wanted.has(event.type)) yield event as EventOf<T> | TerminalEvent;
  }
}

const BATCH_TERMINAL = new Set(["batch.completed", "batch.failed", "batch.cancelled"]);

/** A batch's events (progress, item failures, completion) until it ends. */
export function followBatchEvents(transport: Transport, batchId: string, opts: { after?: number; maxReconnects?: number; signal?: AbortSignal } = {}): AsyncGenerator<BatchEvent> {
  return followSse<BatchEvent>(transport, {
    url: `/v1/batches/${encodeURIComponent(batchId)}/events`,
    anonymous: false,
    after: opts.after ?? 0,
    parse: (json) => BatchEvent.parse(json),
    isTerminal: (e) => BATCH_TERMINAL.has(e.type),
    maxReconnects: opts.maxReconnects ?? 8,
    what: `batch ${batchId}`,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}
