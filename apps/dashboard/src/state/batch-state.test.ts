import { describe, expect, it } from "vitest";
import type { BatchEvent, BatchView } from "@spatial/shared/protocol";
import { applyBatchEvent, batchState, formatEta, formatThroughput, mergeFailures, shares } from "./batch-state.js";

const view: BatchView = {
  id: "bat_1", status: "queued", createdAt: "2026-01-01T00:00:00.000Z", total: 4, counts: { queued: 4, running: 0, done: 0, failed: 0, skipped: 0 },
  qaPairs: 0, imagesPerMinute: 0, etaS: null, formats: ["jsonl"],
};
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const ev = (seq: number, body: object) => ({ seq, batchId: "bat_1", at: at(seq), ...body }) as BatchEvent;
const counts = (done: number, failed: number, running = 0) => ({ queued: 4 - done - failed - running, running, done, failed, skipped: 0 });

describe("a batch's view moved by its events", () => {
  it("takes progress, keeps each failure once, and ends completed with its outputs", () => {
    const events = [
      ev(1, { type: "batch.progress", counts: counts(1, 0, 2), total: 4, qaPairs: 12, imagesPerMinute: 30, etaS: 6 }),
      ev(2, { type: "batch.item.failed", idx: 2, itemId: "c", status: "failed", code: "image_corrupt", message: "not a JPEG" }),
      ev(3, { type: "batch.item.failed", idx: 2, itemId: "c", status: "failed", code: "image_corrupt", message: "not a JPEG" }),
      ev(4, { type: "batch.completed", counts: counts(3, 1), total: 4, qaPairs: 40, outputs: ["qa.jsonl"] }),
    ];
    const s1 = applyBatchEvent(batchState(view), events[0]);
    expect(s1.view).toMatchObject({ status: "running", qaPairs: 12, imagesPerMinute: 30, etaS: 6 });
    const end = events.slice(1).reduce(applyBatchEvent, s1);
    expect(end.failures).toEqual([{ idx: 2, itemId: "c", status: "failed", code: "image_corrupt", message: "not a JPEG" }]);
    expect(end.view).toMatchObject({ status: "completed", counts: counts(3, 1), qaPairs: 40, outputs: ["qa.jsonl"], etaS: 0, finishedAt: at(4) });
    expect(end.lastSeq).toBe(4);
  });

  it("ignores a replayed seq and never mutates the previous state", () => {
    const s1 = applyBatchEvent(batchState(view), ev(1, { type: "batch.cancelled" }));
    expect(applyBatchEvent(s1, ev(1, { type: "batch.failed", code: "x", message: "y" }))).toBe(s1);
    expect(view.status).toBe("queued");
    expect(s1.view.status).toBe("cancelled");
  });

  it("keeps a failed batch's code and message", () => {
    const s = applyBatchEvent(batchState(view), ev(1, { type: "batch.failed", code: "output_failed", message: "the dataset could not be written" }));
    expect(s.view.error).toEqual({ code: "output_failed", message: "the dataset could not be written" });
  });
});

describe("progress figures", () => {
  it("gives shares of the total, throughput per second and a readable ETA", () => {
    expect(shares({ ...view, counts: counts(2, 1) })).toEqual({ done: 0.5, failed: 0.25, skipped: 0 });
    expect(shares({ ...view, total: 0 })).toEqual({ done: 0, failed: 0, skipped: 0 });
    expect(formatThroughput(30)).toBe("0.50 items/s");
    expect(formatThroughput(120)).toBe("2.0 items/s");
    expect(formatThroughput(1200)).toBe("20 items/s");
    expect([formatEta(null), formatEta(44.6), formatEta(200), formatEta(7500)]).toEqual(["unknown", "45 s", "3 min 20 s", "2 h 5 min"]);
  });
});

describe("mergeFailures", () => {
  it("keeps the API's rows, adds the events' failures it has not read yet, in item order", () => {
    const f = (idx: number, code: string) => ({ idx, itemId: `i${idx}`, status: "failed" as const, code, message: "" });
    expect(mergeFailures([f(5, "cancelled"), f(1, "image_corrupt")], [f(1, "image_corrupt"), f(9, "fetch_failed")]).map((x) => [x.idx, x.code])).toEqual([[1, "image_corrupt"], [5, "cancelled"], [9, "fetch_failed"]]);
  });
});
