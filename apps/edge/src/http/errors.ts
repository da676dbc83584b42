// Every error leaves the API as `{ "error": { "code", "message" } }` (plus `issues` for validation
// failures). Routes throw ApiError; one onError turns it, zod errors and anything else into JSON.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { isDisconnect, logError } from "./log.js";

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message });
  }
}

export const badRequest = (field: string, message: string) => new ApiError(400, "invalid_request", `${field}: ${message}`);
export const notFound = (what = "job") => new ApiError(404, "not_found", `${what} not found`);

/** A zod issue path as `options.questions[0]`. */
export function issuePath(prefix: string | undefined, path: readonly PropertyKey[]): string {
  let out = prefix ?? "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || "body";
}

/** Parse with a schema; a failure is a 400 that names the field (prefixed, e.g. `options.`). */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown, prefix?: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw validationError(parsed.error, prefix);
}

export function validationError(error: z.ZodError, prefix?: string): ApiError & { issues: { path: string; message: string }[] } {
  const issues = error.issues.map((i) => ({ path: issuePath(prefix, i.path), message: i.message }));
  const first = issues[0] ?? { path: prefix ?? "body", message: "invalid" };
  return Object.assign(new ApiError(400, "invalid_request", `${first.path}: ${first.message}`), { issues });
}

const STATUS_CODES: Record<number, string> = {
  400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
  409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 426: "upgrade_required", 429: "rate_limited",
};

export function errorResponse(err: Error, c: Context): Response {
  if (err instanceof z.ZodError) err = validationError(err);
  if (err instanceof ApiError) {
    const issues = (err as ApiError & { issues?: unknown }).issues;
    return c.json({ error: { code: err.code, message: err.message, ...(issues ? { issues } : {}) } }, err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    // Hono's own (e.g. the JSON validator's "Malformed JSON in request body").
    const status = err.status as ContentfulStatusCode;
    return c.json({ error: { code: STATUS_CODES[status] ?? "error", message: err.message || "request failed" } }, status);
  }
  if (isDisconnect(err)) return c.json({ error: { code: "client_closed", message: "the client went away" } }, 400);
  logError(`edge: unhandled error on ${c.req.method} ${c.req.path}`, err);
  return c.json({ error: { code: "internal", message: "internal error" } }, 500);
}
