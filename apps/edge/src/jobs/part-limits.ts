// Per-field caps on a multipart body, enforced while it streams: the parser (@remix-run/multipart-
// parser) only knows one cap for every part and only hands a part over once it is complete, so a
// 40 MB `options` field would be read up to the 25 MiB file cap before being refused. This pass-
// through stream follows just enough of the framing (the boundary and each part's `name`) to count
// each part's bytes, and errors with 413 the moment a part passes its own cap; the parser itself
// still does all the parsing.
import { ApiError } from "../http/errors.js";
import { tooLarge } from "./limits.js";

const CRLF_CRLF = new Uint8Array([13, 10, 13, 10]);
const MAX_HEADER_BYTES = 8 * 1024;

/** Index of `needle` in `haystack` at or after `from`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!a.length) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Follows a multipart body chunk by chunk: returns the error to raise (413 naming the field) as
 * soon as a part exceeds `limits[name]` (or `otherLimit` for other names), or (400) a part header
 * over 8 KiB; null while the body is within its caps.
 */
export function multipartScanner(boundary: string, limits: Readonly<Record<string, number>>, otherLimit: number): (chunk: Uint8Array) => ApiError | null {
  const encoder = new TextEncoder();
  const opening = encoder.encode(`--${boundary}`);
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  let mode: "start" | "headers" | "body" | "done" = "start";
  let carry = new Uint8Array(0);
  let name = "";
  let limit = otherLimit;
  let size = 0;

  /** Follows the framing through `chunk`; returns the error to raise, if a cap was passed. */
  const scan = (chunk: Uint8Array): ApiError | null => {
    const data = concat(carry, chunk);
    carry = new Uint8Array(0);
    let at = 0;
    while (mode !== "done") {
      if (mode === "start") {
        const found = indexOfBytes(data, opening, at);
        if (found < 0) {
          carry = data.slice(Math.max(at, data.length - opening.length + 1));
          return null;
        }
        at = found + opening.length;
        mode = "headers";
      } else if (mode === "headers") {
        if (data.length - at >= 2 && data[at] === 45 && data[at + 1] === 45) {
          mode = "done"; // "--": the closing delimiter
          return null;
        }
        const end = indexOfBytes(data, CRLF_CRLF, at);
        if (end < 0) {
          if (data.length - at > MAX_HEADER_BYTES) return new ApiError(400, "invalid_request", "body: a multipart part's headers exceed 8 KiB");
          carry = data.slice(at);
          return null;
        }
        const headers = new TextDecoder().decode(data.subarray(at, end));
        name = /\bname="([^"]*)"/i.exec(headers)?.[1] ?? "";
        limit = limits[name] ?? otherLimit;
        size = 0;
        at = end + CRLF_CRLF.length;
        mode = "body";
      } else {
        const found = indexOfBytes(data, delimiter, at);
        // Without a delimiter, all but a possible delimiter prefix at the end is this part's content.
        const contentEnd = found >= 0 ? found : Math.max(at, data.length - delimiter.length + 1);
        size += contentEnd - at;
        if (size > limit) return tooLarge(name ? `the ${name} field` : "a multipart part", limit);
        if (found < 0) {
          carry = data.slice(contentEnd);
          return null;
        }
        at = found + delimiter.length;
        mode = "headers";
      }
    }
    return null;
  };

  return scan;
}

/** The scanner as a pass-through stream that errors at the first cap passed. */
export function multipartPartLimits(boundary: string, limits: Readonly<Record<string, number>>, otherLimit: number): TransformStream<Uint8Array, Uint8Array> {
  const scan = multipartScanner(boundary, limits, otherLimit);
  return new TransformStream({
    transform(chunk, controller) {
      // Checked before passing the chunk on, so the parser never sees bytes past a field's cap.
      const error = scan(chunk);
      if (error) controller.error(error);
      else controller.enqueue(chunk);
    },
  });
}
