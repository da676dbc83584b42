// A job's events as an async iterator over Server-Sent Events read with fetch (so it runs in
// browsers, Workers and Node alike, and can send the API key). When the connection drops it
// reconnects with backoff and resumes after the last event it delivered (Last-Event-ID), so a
// consumer sees every event once, in order, until the terminal event.
import { createParser } from "eventsource-parser";
import { JobEvent, TERMINAL_EVENTS } from "@spatial/shared/protocol";
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

export async function* followEvents<T extends EventType>(transport: Transport, jobId: string, opts: EventsOptions<T> = {}): AsyncGenerator<EventOf<T> | TerminalEvent> {
  let lastSeq = opts.after ?? 0;
  let failures = 0;
  const maxReconnects = opts.maxReconnects ?? 8;
  const wanted = opts.types ? new Set<EventType>(opts.types) : null;
  const url = opts.eventsUrl ?? `/v1/jobs/${encodeURIComponent(jobId)}/events`;
  while (true) {
    const queue: JobEvent[] = [];
    try {
      const response = await transport.request(url, {
        anonymous: opts.eventsUrl !== undefined,
        headers: { accept: "text/event-stream", ...(lastSeq > 0 ? { "last-event-id": String(lastSeq) } : {}) },
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      if (!response.body) throw new ConnectionError(`the events of job ${jobId} came without a body`);
      const parser = createParser({ onEvent: (m) => { if (m.data) queue.push(JobEvent.parse(JSON.parse(m.data))); } });
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
            const terminal = TERMINAL_EVENTS.has(event.type);
            if (terminal || !wanted || wanted.has(event.type)) yield event as EventOf<T> | TerminalEvent;
            if (terminal) return;
          }
        }
      } finally {
        await reader.cancel().catch(() => undefined);
      }
    } catch (e) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      // A refusal (401, 404, …) will not change by reconnecting; the transport already retried 429/5xx.
      if (e instanceof ApiError && e.status > 0) throw e;
    }
    if (++failures > maxReconnects) throw new ConnectionError(`lost the event stream of job ${jobId} after ${maxReconnects} reconnections`);
    await sleep(backoffMs(failures, transport.retry), opts.signal);
  }
}
