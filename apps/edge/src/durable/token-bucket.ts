// A token bucket: `burst` tokens at most, refilled continuously at `perMinute` per minute; each
// request takes one. Pure, so the RateLimiter object only stores the bucket.

export interface Bucket {
  tokens: number;
  updatedMs: number;
}

export interface BucketLimits {
  perMinute: number;
  burst: number;
}

export interface Verdict {
  ok: boolean;
  /** Whole seconds until one token is back (0 when ok). */
  retryAfterS: number;
  remaining: number;
}

export function take(bucket: Bucket | undefined, nowMs: number, limits: BucketLimits): { bucket: Bucket; verdict: Verdict } {
  const perMs = limits.perMinute / 60_000;
  const elapsed = bucket ? Math.max(0, nowMs - bucket.updatedMs) : 0;
  const tokens = Math.min(limits.burst, (bucket?.tokens ?? limits.burst) + elapsed * perMs);
  if (tokens >= 1) {
    return { bucket: { tokens: tokens - 1, updatedMs: nowMs }, verdict: { ok: true, retryAfterS: 0, remaining: Math.floor(tokens - 1) } };
  }
  const retryAfterS = Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
  return { bucket: { tokens, updatedMs: nowMs }, verdict: { ok: false, retryAfterS, remaining: 0 } };
}
