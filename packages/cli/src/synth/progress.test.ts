import { describe, expect, it } from "vitest";
import { formatEta, progressLine, rateAndEta, SynthProgress } from "./progress.js";

describe("progress", () => {
  it("formats ETAs", () => {
    expect([formatEta(null), formatEta(0), formatEta(59.6), formatEta(65), formatEta(2 * 3600 + 180)]).toEqual(["--", "0s", "1m00s", "1m05s", "2h03m"]);
  });

  it("computes images per minute and the time left from this run's work only", () => {
    expect(rateAndEta(0, 5000, 10)).toEqual({ perMinute: null, etaS: null });
    expect(rateAndEta(0, 5000, 0)).toEqual({ perMinute: null, etaS: 0 });
    const { perMinute, etaS } = rateAndEta(6, 60_000, 12);
    expect(perMinute).toBeCloseTo(6);
    expect(etaS).toBeCloseTo(120);
  });

  it("writes done / failed / total, rate and ETA on one line", () => {
    expect(progressLine({ done: 4, failed: 1, total: 10 }, 12.34, 25)).toBe("synth: 5/10 (done 4, failed 1) 12.3 images/min, ETA 25s");
  });
});

describe("SynthProgress", () => {
  /** A stand-in terminal: records what the bar draws. */
  function fakeStream(isTTY: boolean) {
    let written = "";
    const stream = { isTTY, columns: 200, write: (s: string) => { written += s; return true; }, cursorTo: () => true, clearLine: () => true, clearScreenDown: () => true, moveCursor: () => true, on: () => stream, removeListener: () => stream };
    return { stream: stream as unknown as NodeJS.WriteStream, written: () => written };
  }

  it("draws a bar with done / failed / total, rate and ETA on a terminal", () => {
    const { stream, written } = fakeStream(true);
    const counts = { done: 2, failed: 0, total: 5 };
    const progress = new SynthProgress(counts, stream);
    counts.done++;
    counts.failed++;
    progress.update(true);
    expect(written()).toMatch(/synth .* 4\/5 \| done 3 failed 1 \| [\d.]+ images\/min \| ETA \S+/);
  });

  it("writes plain lines elsewhere, the last one always", () => {
    const { stream, written } = fakeStream(false);
    const counts = { done: 0, failed: 0, total: 3 };
    const progress = new SynthProgress(counts, stream);
    counts.done = 1;
    progress.update();
    counts.done = 2;
    progress.update(); // within the second: not written
    counts.done = 3;
    progress.update(true);
    expect(written().split("\n").filter(Boolean)).toEqual([expect.stringMatching(/^synth: 1\/3 \(done 1, failed 0\)/), expect.stringMatching(/^synth: 3\/3 \(done 3, failed 0\) (--|[\d.]+) images\/min, ETA 0s$/)]);
  });
});
