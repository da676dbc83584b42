// One batch as the dashboard sees it: its view (GET /v1/batches/:id) moved forward by its events
// (batch.progress, batch.item.failed, batch.completed …) in seq order. Pure, like the job state.
import type { BatchEvent, BatchView } from "@spatial/shared/protocol";

export interface ItemFailure {
  idx: number;
  itemId: string;
  status: "failed" | "skipped";
  code: string;
  message: string;
}

export interface BatchState {
  view: BatchView;
  /** Items that failed or were skipped, in the order their events came, once each. */
  failures: ItemFailure[];
  lastSeq: number;
}

export const batchState = (view: BatchView): BatchState => ({ view, failures: [], lastSeq: 0 });

/** The state after one more event (a new object); repeats of a seen seq are ignored. */
export function applyBatchEvent(state: BatchState, event: BatchEvent): BatchState {
  if (event.seq <= state.lastSeq) return state;
  const next: BatchState = { ...state, lastSeq: event.seq };
  const view = state.view;
  switch (event.type) {
    case "batch.progress":
      next.view = { ...view, status: view.status === "queued" ? "running" : view.status, counts: event.counts, total: event.total, qaPairs: event.qaPairs, imagesPerMinute: event.imagesPerMinute, etaS: event.etaS };
      break;
    case "batch.item.failed":
      if (!state.failures.some((f) => f.idx === event.idx)) next.failures = [...state.failures, { idx: event.idx, itemId: event.itemId, status: event.status, code: event.code, message: event.message }];
      break;
    case "batch.completed":
      next.view = { ...view, status: "completed", counts: event.counts, total: event.total, qaPairs: event.qaPairs, outputs: event.outputs, etaS: 0, finishedAt: view.finishedAt ?? event.at };
      break;
    case "batch.failed":
      next.view = { ...view, status: "failed", error: { code: event.code, message: event.message }, finishedAt: view.finishedAt ?? event.at };
      break;
    case "batch.cancelled":
      next.view = { ...view, status: "cancelled", finishedAt: view.finishedAt ?? event.at };
      break;
  }
  return next;
}

/** The failures read from the API, then the events' failures not among them, by item index. */
export function mergeFailures(read: readonly ItemFailure[], live: readonly ItemFailure[]): ItemFailure[] {
  const seen = new Set(read.map((f) => f.idx));
  return [...read, ...live.filter((f) => !seen.has(f.idx))].sort((a, b) => a.idx - b.idx);
}

export const isFinished = (v: BatchView) => v.status === "completed" || v.status === "failed" || v.status === "cancelled";

/** done / failed / skipped as shares of the total (0–1), for the progress bar. */
export function shares(v: BatchView): { done: number; failed: number; skipped: number } {
  const total = Math.max(1, v.total);
  return { done: v.counts.done / total, failed: v.counts.failed / total, skipped: v.counts.skipped / total };
}

/** Items per second from the API's images per minute, said with sensible digits. */
export function formatThroughput(imagesPerMinute: number): string {
  const perS = imagesPerMinute / 60;
  return `${perS >= 10 ? perS.toFixed(0) : perS >= 1 ? perS.toFixed(1) : perS.toFixed(2)} items/s`;
}

/** Seconds left as "45 s", "3 min 20 s", "2 h 5 min"; null (no rate yet) as "unknown". */
export function formatEta(etaS: number | null): string {
  if (etaS === null) return "unknown";
  const s = Math.round(etaS);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
