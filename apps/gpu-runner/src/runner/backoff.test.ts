import { describe, expect, it } from "vitest";
import { backoffDelayMs, DEFAULT_BACKOFF } from "./backoff.js";

describe("backoffDelayMs", () => {
  it("doubles from 0.5 s and caps at 30 s (top of the jitter range)", () => {
    const delays = Array.from({ length: 10 }, (_, attempt) => backoffDelayMs(attempt, DEFAULT_BACKOFF, () => 1));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  });

  it("draws each delay from [d/2, d]", () => {
    expect(backoffDelayMs(2, DEFAULT_BACKOFF, () => 0)).toBe(1000);
    expect(backoffDelayMs(2, DEFAULT_BACKOFF, () => 0.5)).toBe(1500);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelayMs(20, DEFAULT_BACKOFF);
      expect(d).toBeGreaterThanOrEqual(15_000);
      expect(d).toBeLessThanOrEqual(30_000);
    }
  });

  it("is exact with no jitter and survives absurd attempt counts", () => {
    const options = { ...DEFAULT_BACKOFF, jitter: 0 };
    expect(backoffDelayMs(1, options, () => 0.123)).toBe(1000);
    expect(backoffDelayMs(10_000, options)).toBe(30_000);
    expect(backoffDelayMs(-3, options)).toBe(500);
  });
});
