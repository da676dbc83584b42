// Upload limits and a body reader that enforces them on the bytes actually received (a missing or
// lying Content-Length does not get past it).
import { ApiError } from "../http/errors.js";

export const MiB = 1024 * 1024;
export const IMAGE_MAX_BYTES = 25 * MiB;
export const DEPTH_MAX_BYTES = 25 * MiB;
/**
 * The options JSON (multipart field or JSON body): 50 questions of 500 characters and 200 objects
 * with 100-character labels fit in about 80 KiB; anything larger is not a real request.
 */
export const OPTIONS_MAX_BYTES = 128 * 1024;
/** Multipart framing and the options field on top of the two files. */
export const MULTIPART_MAX_BYTES = IMAGE_MAX_BYTES + DEPTH_MAX_BYTES + MiB;
/** Other JSON bodies (questions, keys). */
export const JSON_MAX_BYTES = MiB;
/** Largest decoded image (width × height), as the runner's decoder allows: a bigger one is a decompression bomb. */
export const IMAGE_MAX_PIXELS = 40_000_000;

const formatSize = (bytes: number) => (bytes >= MiB ? `${Math.round(bytes / MiB)} MiB` : `${Math.round(bytes / 1024)} KiB`);
export const tooLarge = (what: string, max: number) => new ApiError(413, "payload_too_large", `${what} exceeds ${formatSize(max)}`);

/** Refuses by Content-Length before reading anything. */
export function checkContentLength(header: string | null | undefined, max: number, what: string): void {
  if (header && Number(header) > max) throw tooLarge(what, max);
}

/** Reads a stream to the end, failing with 413 as soon as it passes `max` bytes. */
export async function readLimited(stream: ReadableStream<Uint8Array> | null, max: number, what: string): Promise<Uint8Array> {
  if (!stream) return new Uint8Array();
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge(what, max);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
