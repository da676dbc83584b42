// multipart/form-data bodies read field by field with a cap per field, enforced as the body streams
// in (part-limits.ts) and by the parser (@remix-run/multipart-parser): 413 the moment a field passes
// its cap, 400 for unknown, repeated or malformed fields.
import {
  MaxFileSizeExceededError,
  MaxHeaderSizeExceededError,
  MaxPartsExceededError,
  MaxTotalSizeExceededError,
  MultipartParseError,
  getMultipartBoundary,
  parseMultipartStream,
} from "@remix-run/multipart-parser";
import { ApiError, badRequest } from "../http/errors.js";
import { checkContentLength, tooLarge } from "./limits.js";
import { multipartScanner } from "./part-limits.js";

/** Up to this much more of a refused body is read and dropped before answering (see below). */
const DRAIN_MAX_BYTES = 8 * 1024 * 1024;
const MAX_HEADER_BYTES = 8 * 1024;

/** The fields named in `limits` (bytes each): files as bytes, the rest as text. */
export async function readMultipartFields(request: Request, limits: Readonly<Record<string, number>>, allowed: string): Promise<Map<string, Uint8Array | string>> {
  const names = Object.keys(limits);
  const biggest = Math.max(...Object.values(limits));
  const total = Object.values(limits).reduce((a, b) => a + b, 0) + 64 * 1024;
  checkContentLength(request.headers.get("Content-Length"), total, "the request body");
  const boundary = getMultipartBoundary(request.headers.get("Content-Type") ?? "");
  const source = request.body;
  if (!boundary || !source) throw badRequest("body", "malformed multipart/form-data (no boundary or no body)");
  const fields = new Map<string, Uint8Array | string>();
  // The body is read here, chunk by chunk, and handed to the parser only within its caps; this
  // reader is never released, so a refused body can be drained (see below) without a race.
  const reader = source.getReader();
  const scan = multipartScanner(boundary, limits, Math.min(...Object.values(limits)));
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      const error = scan(value);
      if (error) controller.error(error);
      else controller.enqueue(value);
    },
  });
  try {
    for await (const part of parseMultipartStream(stream, { boundary, maxParts: names.length, maxHeaderSize: MAX_HEADER_BYTES, maxFileSize: biggest, maxTotalSize: total })) {
      const name = part.name ?? "";
      const limit = limits[name];
      if (limit === undefined) throw badRequest(name || "part", `unknown multipart field (${allowed})`);
      if (fields.has(name)) throw badRequest(name, "given more than once");
      if (part.size > limit) throw tooLarge(name, limit);
      fields.set(name, part.isFile ? part.bytes : part.text);
    }
  } catch (err) {
    // Nothing more is parsed, buffered or stored. Up to DRAIN_MAX_BYTES more of the upload are read
    // and dropped before answering, so a client that overshot a cap (a 26 MiB photo) gets its 413
    // rather than a connection cut under it (which `wrangler dev`'s proxy also takes for a worker
    // restart, failing the next request). A body far over (a 40 MB options field) is cut.
    await discard(reader, DRAIN_MAX_BYTES);
    throw multipartError(err, biggest, total, names);
  }
  return fields;
}

/** Reads and drops what is left of a refused body (at most `maxBytes`, then cancels it). */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>, maxBytes: number): Promise<void> {
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
      if (read > maxBytes) return void (await reader.cancel());
    }
  } catch {
    // the client went away: nothing left to drop
  }
}

function multipartError(err: unknown, biggest: number, total: number, names: string[]): unknown {
  if (err instanceof ApiError) return err;
  if (err instanceof MaxFileSizeExceededError) return tooLarge("a multipart part", biggest);
  if (err instanceof MaxTotalSizeExceededError) return tooLarge("the request body", total);
  if (err instanceof MaxPartsExceededError) return badRequest("body", `at most ${names.length} multipart fields: ${names.join(", ")}`);
  if (err instanceof MaxHeaderSizeExceededError) return badRequest("body", "a multipart part's headers exceed 8 KiB");
  if (err instanceof MultipartParseError) return badRequest("body", "malformed multipart/form-data");
  return err;
}
