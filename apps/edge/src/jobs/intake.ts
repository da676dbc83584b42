// POST /v1/jobs bodies → image bytes (sniffed), optional 16-bit depth PNG and JobOptions.
//   multipart/form-data: `image` (file), `depth` (file, optional), `options` (JSON string, optional);
//     without an `image` file, `options.imageUrl` names the image instead.
//   application/json: JobOptions with `imageUrl`.
// Every part is capped as it streams in (413 as soon as its own cap is passed, part-limits.ts; the
// rest is never read); a
// wrong kind of file is a 415; a malformed field a 400 that names it. Fetching an imageUrl is left
// to `resolveImage`, so an idempotent retry can be recognised before any fetch.
import {
  MaxFileSizeExceededError,
  MaxHeaderSizeExceededError,
  MaxPartsExceededError,
  MaxTotalSizeExceededError,
  MultipartParseError,
  getMultipartBoundary,
  parseMultipartStream,
} from "@remix-run/multipart-parser";
import { JobOptions } from "@spatial/shared/protocol";
import { ApiError, badRequest, parseOr400 } from "../http/errors.js";
import { fetchImage, type FetchImageOptions } from "./fetch-image.js";
import { checkContentLength, DEPTH_MAX_BYTES, IMAGE_MAX_BYTES, MULTIPART_MAX_BYTES, OPTIONS_MAX_BYTES, readLimited, tooLarge } from "./limits.js";
import { multipartPartLimits } from "./part-limits.js";
import { imageSize, pngHeader, sniffImage, type ImageSize } from "./sniff.js";

export interface Upload {
  bytes: Uint8Array;
  contentType: string;
  /** From the file's header (never decoded here). */
  size: ImageSize;
}

/** A request as read: the image is uploaded bytes, or a URL still to fetch. */
export interface Intake {
  image: Upload | { url: string };
  depth?: Upload;
  options: JobOptions;
}

export type ResolvedIntake = Omit<Intake, "image"> & { image: Upload };

const unsupported = (message: string) => new ApiError(415, "unsupported_media_type", message);
const DRAIN_MAX_BYTES = 8 * 1024 * 1024;
const PART_LIMITS: Record<string, number> = { image: IMAGE_MAX_BYTES, depth: DEPTH_MAX_BYTES, options: OPTIONS_MAX_BYTES };

export async function readJobRequest(request: Request): Promise<Intake> {
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === "multipart/form-data") return readMultipart(request);
  if (type === "application/json") {
    checkContentLength(request.headers.get("Content-Length"), OPTIONS_MAX_BYTES, "the JSON body");
    const text = new TextDecoder().decode(await readLimited(request.body, OPTIONS_MAX_BYTES, "the JSON body"));
    const options = parseOr400(JobOptions, parseJson(text, "body"));
    if (!options.imageUrl) throw badRequest("imageUrl", "required in a JSON body (or upload the image as multipart/form-data)");
    return { image: { url: options.imageUrl }, options };
  }
  throw unsupported(`Content-Type must be multipart/form-data or application/json, not ${type || "missing"}`);
}

/** The image bytes: uploaded, or fetched from the (public) imageUrl now. */
export async function resolveImage(intake: Intake, fetchOptions: FetchImageOptions = {}): Promise<ResolvedIntake> {
  if ("bytes" in intake.image) return intake as ResolvedIntake;
  const { bytes } = await fetchImage(intake.image.url, fetchOptions);
  return { ...intake, image: asImage(bytes, "imageUrl") };
}

async function readMultipart(request: Request): Promise<Intake> {
  checkContentLength(request.headers.get("Content-Length"), MULTIPART_MAX_BYTES, "the request body");
  const boundary = getMultipartBoundary(request.headers.get("Content-Type") ?? "");
  const source = request.body;
  if (!boundary || !source) throw badRequest("body", "malformed multipart/form-data (no boundary or no body)");
  const fields = new Map<string, Uint8Array | string>();
  // preventCancel: a refused body is drained, not cut off (see the catch below).
  const stream = source.pipeThrough(multipartPartLimits(boundary, PART_LIMITS, OPTIONS_MAX_BYTES), { preventCancel: true });
  try {
    for await (const part of parseMultipartStream(stream, { boundary, maxParts: 3, maxHeaderSize: 8 * 1024, maxFileSize: IMAGE_MAX_BYTES, maxTotalSize: MULTIPART_MAX_BYTES })) {
      const name = part.name ?? "";
      const limit = PART_LIMITS[name];
      if (limit === undefined) throw badRequest(name || "part", "unknown multipart field (send image, depth and options only)");
      if (fields.has(name)) throw badRequest(name, "given more than once");
      if (part.size > limit) throw tooLarge(name, limit);
      fields.set(name, part.isFile ? part.bytes : part.text);
    }
  } catch (err) {
    // Nothing more is parsed, buffered or stored. Up to DRAIN_MAX_BYTES more of the upload are read
    // and dropped before answering, so a client that overshot a cap (a 26 MiB photo) gets its 413
    // rather than a connection cut under it (which `wrangler dev`'s proxy also takes for a worker
    // restart, failing the next request). A body far over (a 40 MB options field) is cut.
    await stream.cancel().catch(() => {});
    await discard(source, DRAIN_MAX_BYTES);
    throw multipartError(err);
  }

  const rawOptions = fields.get("options");
  if (rawOptions !== undefined && typeof rawOptions !== "string") throw badRequest("options", "must be a JSON string field, not a file");
  const options = parseOr400(JobOptions, rawOptions === undefined ? {} : parseJson(rawOptions, "options"), "options");

  const imageField = fields.get("image");
  let image: Intake["image"];
  if (imageField === undefined) {
    if (!options.imageUrl) throw badRequest("image", "required (a file), or give options.imageUrl");
    image = { url: options.imageUrl };
  } else {
    if (typeof imageField === "string") throw badRequest("image", "must be a file");
    if (options.imageUrl) throw badRequest("options.imageUrl", "give either an image file or imageUrl, not both");
    image = asImage(imageField, "image");
  }

  const depthField = fields.get("depth");
  let depth: Upload | undefined;
  if (depthField !== undefined) {
    if (typeof depthField === "string") throw badRequest("depth", "must be a file");
    const header = pngHeader(depthField);
    if (!header) throw unsupported("depth: must be a PNG");
    if (header.bitDepth !== 16 || header.colorType !== 0) throw badRequest("depth", `must be a 16-bit greyscale PNG (got ${header.bitDepth}-bit, colour type ${header.colorType})`);
    if (!(header.width > 0 && header.height > 0)) throw new ApiError(400, "depth_corrupt", "depth: the PNG header gives no size");
    depth = { bytes: depthField, contentType: "image/png", size: { width: header.width, height: header.height } };
  }
  return { image, depth, options };
}

/** Reads and drops what is left of a refused body (at most `maxBytes`, then cancels it). */
async function discard(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<void> {
  // The pipe that fed the parser releases the stream a moment after it stops.
  for (let tries = 0; stream.locked && tries < 50; tries++) await new Promise((r) => setTimeout(r, 1));
  if (stream.locked) return;
  const reader = stream.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > maxBytes) return void (await reader.cancel());
    }
  } catch {
    // the client went away: nothing left to drop
  } finally {
    reader.releaseLock();
  }
}

function multipartError(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  if (err instanceof MaxFileSizeExceededError) return tooLarge("a multipart part (the image or depth file)", IMAGE_MAX_BYTES);
  if (err instanceof MaxTotalSizeExceededError) return tooLarge("the request body", MULTIPART_MAX_BYTES);
  if (err instanceof MaxPartsExceededError) return badRequest("body", "at most 3 multipart fields: image, depth, options");
  if (err instanceof MaxHeaderSizeExceededError) return badRequest("body", "a multipart part's headers exceed 8 KiB");
  if (err instanceof MultipartParseError) return badRequest("body", "malformed multipart/form-data");
  return err;
}

function asImage(bytes: Uint8Array, field: string): Upload {
  const contentType = sniffImage(bytes);
  if (!contentType) throw unsupported(`${field}: not a JPEG, PNG or WebP image`);
  const size = imageSize(bytes, contentType);
  if (!size) throw new ApiError(400, "image_corrupt", `${field}: the ${contentType.slice(6).toUpperCase()} header is corrupt or truncated (no image size in it)`);
  return { bytes, contentType, size };
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(field, "malformed JSON");
  }
}
