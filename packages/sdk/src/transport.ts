// One HTTP request with the SDK's rules: the API key, typed errors from the server's error body,
// and retries (network errors, 429, 502–504) with backoff, jitter and Retry-After. The request
// body must be re-sendable (string, Blob, FormData, bytes): each retry sends it again unchanged,
// headers included (so a job creation's Idempotency-Key is the same on every try).
import { ConnectionError, errorFromResponse } from "./errors.js";
import { backoffMs, parseRetryAfterMs, RETRYABLE_STATUSES, sleep, type RetryPolicy } from "./retry.js";

/** Every call takes an AbortSignal. */
export interface Signal {
  signal?: AbortSignal;
}

/** The request option that carries the caller's signal, if any. */
export const withSignal = (o?: Signal): { signal?: AbortSignal } => (o?.signal ? { signal: o.signal } : {});

export interface TransportOptions {
  baseUrl: string;
  apiKey?: string;
  fetch: typeof fetch;
  retry: RetryPolicy;
}

export interface RequestOptions extends Omit<RequestInit, "headers" | "signal"> {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Send no Authorization header (a URL carrying its own view token). */
  anonymous?: boolean;
}

export type Transport = ReturnType<typeof createTransport>;

export function createTransport(options: TransportOptions) {
  const base = options.baseUrl.replace(/\/+$/, "");
  const urlOf = (pathOrUrl: string) => (/^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${base}${pathOrUrl}`);

  /** The response of a successful request (2xx); throws a typed ApiError otherwise. */
  async function request(pathOrUrl: string, init: RequestOptions = {}): Promise<Response> {
    const { anonymous, headers, signal, ...rest } = init;
    const allHeaders = { ...(options.apiKey && !anonymous ? { authorization: `Bearer ${options.apiKey}` } : {}), ...headers };
    const url = urlOf(pathOrUrl);
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await options.fetch(url, { ...rest, headers: allHeaders, ...(signal ? { signal } : {}) });
      } catch (cause) {
        if (signal?.aborted) throw signal.reason;
        if (attempt >= options.retry.maxRetries) throw new ConnectionError(`cannot reach ${base}: ${(cause as Error).message}`, { cause });
        await sleep(backoffMs(attempt, options.retry), signal);
        continue;
      }
      if (response.ok) return response;
      const retryAfterMs = parseRetryAfterMs(response.headers.get("retry-after"));
      const error = errorFromResponse(response.status, await response.text().catch(() => ""), retryAfterMs);
      const retryable = RETRYABLE_STATUSES.has(response.status) && attempt < options.retry.maxRetries && (retryAfterMs === undefined || retryAfterMs <= options.retry.maxRetryAfterMs);
      if (!retryable) throw error;
      await sleep(retryAfterMs ?? backoffMs(attempt, options.retry), signal);
    }
  }

  async function json<T>(pathOrUrl: string, init: RequestOptions = {}): Promise<T> {
    const response = await request(pathOrUrl, init);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return { base, urlOf, request, json, retry: options.retry };
}
