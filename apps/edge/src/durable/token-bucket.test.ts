import { describe, expect, it } from "vitest";
import { take } from "./token-bucket.js";

describe("token bucket", () => {
  const limits = { perMinute: 60, burst: 3 };

  it("starts full, takes one token per request, then refuses with the wait for one token", () => {
    let bucket;
    const oks: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const r = take(bucket, 1000, limits);
      bucket = r.bucket;
      oks.push(r.verdict.ok);
    }
    expect(oks).toEqual([true, true, true, false]);
    expect(take(bucket, 1000, limits).verdict).toEqual({ ok: false, retryAfterS: 1, remaining: 0 });
  });

  it("refills continuously up to the burst", () => {
    const empty = { tokens: 0, updatedMs: 0 };
    expect(take(empty, 500, limits).verdict.ok).toBe(false);
    expect(take(empty, 1000, limits).verdict).toEqual({ ok: true, retryAfterS: 0, remaining: 0 });
    expect(take(empty, 3_600_000, limits).bucket.tokens).toBe(2);
  });

  it("does not modify its input", () => {
    const bucket = { tokens: 2, updatedMs: 0 };
    take(bucket, 10, limits);
    expect(bucket).toEqual({ tokens: 2, updatedMs: 0 });
  });
});
