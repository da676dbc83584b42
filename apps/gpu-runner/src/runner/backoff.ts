// Reconnect delays: capped exponential backoff with jitter, so a fleet of runners that lost the
// edge at the same moment does not reconnect in lockstep.

export interface BackoffOptions {
  /** Delay before the first retry, ms. */
  initialMs: number;
  /** Upper bound of any delay, ms. */
  maxMs: number;
  factor: number;
  /** Fraction of the delay drawn at random: 0.5 → uniform in [delay/2, delay]. */
  jitter: number;
  /** A connection that stayed up this long resets the attempt counter, ms. */
  stableAfterMs: number;
}

/** 0.5 s, 1 s, 2 s, ... capped at 30 s, each drawn from [d/2, d]; reset after 10 s connected. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5, stableAfterMs: 10_000 };

/**
 * The delay before reconnect attempt `attempt` (0 = the first retry).
 * @example backoffDelayMs(3, DEFAULT_BACKOFF, () => 1) // 4000
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, attempt), 52);
  const capped = Math.min(options.maxMs, options.initialMs * options.factor ** exponent);
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(capped * (1 - jitter + jitter * random()));
}
