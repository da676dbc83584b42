// POST /v1/jobs bodies → image bytes (sniffed), optional 16-bit depth PNG and JobOptions.
//   multipart/form-data: `image` (file), `depth` (file, optional), `options` (JSON string, optional);
//     without an `image` file, `options.imageUrl` names the image instead.
//   application/json: JobOptions with `imageUrl`.
// Every part is capped as it streams in (multipart.ts); a wrong kind of file is a 415; a malformed
// field a 400 that names it. Fetching an imageUrl is left
// to `resolveImage`, so an idempotent retry can be recognised before any fetch.
import { JobOptions } from "@spatial/shared/protocol";
import { ApiError, badRequest, parseOr400 } from "../http/errors.js";
import { fetchImage, type FetchImageOptions } from "./fetch-image.js";
import { checkContentLength, DEPTH_MAX_BYTES, IMAGE_MAX_BYTES, OPTIONS_MAX_BYTES, readLimited } from "./limits.js";
import { readMultipartFields } from "./multipart.js";
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
  const fields = await readMultipartFields(request, PART_LIMITS, "send image, depth and options only");

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

export function asImage(bytes: Uint8Array, field: string): Upload {
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
