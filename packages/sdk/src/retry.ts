// When and how long to wait before trying a request again. Retried: no answer at all (network
// errors), 429 and 502/503/504. Waits grow exponentially with full jitter (a random wait in
// [0, min(cap, base·2^attempt)]), so many clients failing together do not retry in lockstep; a
// `Retry-After` from the server wins over the computed wait.

export interface RetryOptions {
  /** Retries after the first try (0 = never retry). Default 3. */
  maxRetries?: number;
  /** First backoff ceiling, ms. Default 250. */
  baseDelayMs?: number;
  /** Largest computed wait, ms. Default 8000. */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the error is thrown instead. Default 60 000. */
  maxRetryAfterMs?: number;
  /** Source of randomness in [0, 1) (tests pass a fixed one). */
  random?: () => number;
}

export type RetryPolicy = Required<RetryOptions>;

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 8000, maxRetryAfterMs: 60_000, random: Math.random, ...options };
}

/** Statuses worth trying again: rate limited, or a gateway / overloaded server. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Full-jitter exponential backoff for retry number `attempt` (0-based), ms. */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(policy.random() * ceiling);
}

/** A Retry-After header (delta-seconds or an HTTP date) in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfterMs(header: string | null, nowMs = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // An HTTP date names its day and month ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone would take "-3" as a year.
  const at = /[a-z]{3}/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
