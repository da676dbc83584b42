// Server-Sent Events framing of job and batch events: `id` is the event's seq (what EventSource
// sends back as Last-Event-ID), `event` its type, `data` the event's JSON on one line.

export const sseFrame = (event: { seq: number; type: string }) => `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
export const sseComment = (text: string) => `: ${text}\n\n`;

export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
} as const;

/** `after` from Last-Event-ID (wins: EventSource sends it on reconnect) or `?after=`; null if malformed. */
export function resumeAfter(lastEventId: string | null | undefined, after: string | null | undefined): number | null {
  const raw = lastEventId?.trim() || after?.trim() || "0";
  return /^\d{1,15}$/.test(raw) ? Number(raw) : null;
}
