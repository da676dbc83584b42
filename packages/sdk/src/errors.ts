// Typed errors of the SDK. Every failure the server reports (`{ error: { code, message } }`) becomes
// an ApiError subclass chosen by HTTP status, carrying the server's machine-readable `code`; a
// connection that never got an answer is a ConnectionError (status 0, code "server_unreachable");
// a job that ended in `job.failed` is a JobFailedError with the runner's code.

/** An error answer of the API (or no answer at all: status 0): its status and machine-readable code. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request was malformed (bad JSON, bad options, a URL that is not allowed). */
export class BadRequestError extends ApiError {}
/** 401: missing, unknown or revoked API key (or view token). */
export class AuthenticationError extends ApiError {}
/** 403: the key lacks the scope the route needs. */
export class PermissionError extends ApiError {}
/** 404: no such job (or another tenant's). */
export class NotFoundError extends ApiError {}
/** 409: a state conflict (`scene_not_ready`, `job_finished`, `idempotency_conflict`). */
export class ConflictError extends ApiError {}
/** 413: the upload is over the size limit. */
export class PayloadTooLargeError extends ApiError {}
/** 415: the upload is not an image the service reads (JPEG, PNG, WebP). */
export class UnsupportedMediaTypeError extends ApiError {}
/** 429: over the key's rate limit; `retryAfterMs` says when to come back. */
export class RateLimitError extends ApiError {}
/** 5xx: the service failed. */
export class ServerError extends ApiError {}
/** No HTTP answer: DNS, refused connection, reset, or the stream was lost for good. */
export class ConnectionError extends ApiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(0, "server_unreachable", message);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}
/** A job that ended with `job.failed` (or `job.cancelled`): the server's code and message. */
export class JobFailedError extends ApiError {
  constructor(readonly jobId: string, code: string, message: string) {
    super(200, code, message);
  }
}

const BY_STATUS: Record<number, new (status: number, code: string, message: string, retryAfterMs?: number) => ApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  415: UnsupportedMediaTypeError,
  429: RateLimitError,
};

/** The typed error for an HTTP status and the server's `{ error: { code, message } }` body (any text tolerated). */
export function errorFromResponse(status: number, bodyText: string, retryAfterMs?: number): ApiError {
  let parsed: { error?: { code?: unknown; message?: unknown } } | undefined;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    /* not JSON: a proxy's HTML page, an empty body */
  }
  const code = typeof parsed?.error?.code === "string" ? parsed.error.code : "http_error";
  const message = typeof parsed?.error?.message === "string" ? parsed.error.message : `HTTP ${status}`;
  const Type = BY_STATUS[status] ?? (status >= 500 ? ServerError : ApiError);
  return new Type(status, code, message, retryAfterMs);
}
