import { describe, expect, it } from "vitest";
import { formatEta, progressLine, rateAndEta } from "./progress.js";

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
