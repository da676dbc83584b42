import { describe, expect, it } from "vitest";
import { backoffMs, parseRetryAfterMs, retryPolicy, sleep } from "./retry.js";

describe("backoff", () => {
  it("grows exponentially up to the cap, with full jitter below the ceiling", () => {
    const top = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999999 });
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffMs(a, top))).toEqual([99, 199, 399, 799, 999, 999]);
    const bottom = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0 });
    expect(backoffMs(3, bottom)).toBe(0);
  });

  it("spreads concurrent clients' waits (jitter)", () => {
    const waits = new Set(Array.from({ length: 50 }, () => backoffMs(4, retryPolicy())));
    expect(waits.size).toBeGreaterThan(10);
    for (const w of waits) expect(w).toBeGreaterThanOrEqual(0), expect(w).toBeLessThan(4000);
  });
});

describe("Retry-After", () => {
  it("reads delta-seconds and HTTP dates; ignores junk", () => {
    expect(parseRetryAfterMs("3")).toBe(3000);
    expect(parseRetryAfterMs("0.5")).toBe(500);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfterMs("Thu, 01 Jan 2026 00:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfterMs("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    for (const junk of [null, "", "soon", "-3"]) expect(parseRetryAfterMs(junk)).toBeUndefined();
  });
});

describe("sleep", () => {
  it("rejects with the signal's reason as soon as it aborts", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("stop")), 20);
    await expect(sleep(10_000, controller.signal)).rejects.toThrow("stop");
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
