// POST /v1/jobs bodies → image bytes (sniffed), optional 16-bit depth PNG and JobOptions.
//   multipart/form-data: `image` (file), `depth` (file, optional), `options` (JSON string, optional);
//     without an `image` file, `options.imageUrl` names the image instead.
//   application/json: JobOptions with `imageUrl`.
// Sizes are refused by Content-Length first and by the bytes read (413); a wrong kind of file is a
// 415; a malformed field a 400 that names it.
import { JobOptions } from "@spatial/shared/protocol";
import { ApiError, badRequest, parseOr400 } from "../http/errors.js";
import { fetchImage, type FetchImageOptions } from "./fetch-image.js";
import { checkContentLength, DEPTH_MAX_BYTES, IMAGE_MAX_BYTES, JSON_MAX_BYTES, MULTIPART_MAX_BYTES, readLimited, tooLarge } from "./limits.js";
import { pngHeader, sniffImage } from "./sniff.js";

export interface Upload {
  bytes: Uint8Array;
  contentType: string;
}

export interface Intake {
  image: Upload;
  depth?: Upload;
  options: JobOptions;
}

const unsupported = (message: string) => new ApiError(415, "unsupported_media_type", message);

export async function readJobRequest(request: Request, fetchOptions: FetchImageOptions = {}): Promise<Intake> {
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === "multipart/form-data") return readMultipart(request, fetchOptions);
  if (type === "application/json") {
    checkContentLength(request.headers.get("Content-Length"), JSON_MAX_BYTES, "the JSON body");
    const text = new TextDecoder().decode(await readLimited(request.body, JSON_MAX_BYTES, "the JSON body"));
    const options = parseOr400(JobOptions, parseJson(text, "body"));
    if (!options.imageUrl) throw badRequest("imageUrl", "required in a JSON body (or upload the image as multipart/form-data)");
    return { image: await imageFromUrl(options.imageUrl, fetchOptions), options };
  }
  throw unsupported(`Content-Type must be multipart/form-data or application/json, not ${type || "missing"}`);
}

async function readMultipart(request: Request, fetchOptions: FetchImageOptions): Promise<Intake> {
  checkContentLength(request.headers.get("Content-Length"), MULTIPART_MAX_BYTES, "the request body");
  const body = await readLimited(request.body, MULTIPART_MAX_BYTES, "the request body");
  let form: FormData;
  try {
    form = await new Response(body, { headers: { "Content-Type": request.headers.get("Content-Type")! } }).formData();
  } catch {
    throw badRequest("body", "malformed multipart/form-data");
  }
  const field = (name: string) => form.get(name) as File | string | null;
  const rawOptions = field("options");
  if (rawOptions !== null && typeof rawOptions !== "string") throw badRequest("options", "must be a JSON string field, not a file");
  const options = parseOr400(JobOptions, rawOptions === null ? {} : parseJson(rawOptions, "options"), "options");

  const imageField = field("image");
  let image: Upload;
  if (imageField === null) {
    if (!options.imageUrl) throw badRequest("image", "required (a file), or give options.imageUrl");
    image = await imageFromUrl(options.imageUrl, fetchOptions);
  } else {
    if (typeof imageField === "string") throw badRequest("image", "must be a file");
    if (options.imageUrl) throw badRequest("options.imageUrl", "give either an image file or imageUrl, not both");
    if (imageField.size > IMAGE_MAX_BYTES) throw tooLarge("image", IMAGE_MAX_BYTES);
    image = asImage(new Uint8Array(await imageField.arrayBuffer()), "image");
  }

  const depthField = field("depth");
  let depth: Upload | undefined;
  if (depthField !== null) {
    if (typeof depthField === "string") throw badRequest("depth", "must be a file");
    if (depthField.size > DEPTH_MAX_BYTES) throw tooLarge("depth", DEPTH_MAX_BYTES);
    const bytes = new Uint8Array(await depthField.arrayBuffer());
    const header = pngHeader(bytes);
    if (!header) throw unsupported("depth: must be a PNG");
    if (header.bitDepth !== 16 || header.colorType !== 0) throw badRequest("depth", `must be a 16-bit greyscale PNG (got ${header.bitDepth}-bit, colour type ${header.colorType})`);
    depth = { bytes, contentType: "image/png" };
  }
  return { image, depth, options };
}

async function imageFromUrl(url: string, fetchOptions: FetchImageOptions): Promise<Upload> {
  const { bytes } = await fetchImage(url, fetchOptions);
  return asImage(bytes, "imageUrl");
}

function asImage(bytes: Uint8Array, field: string): Upload {
  const contentType = sniffImage(bytes);
  if (!contentType) throw unsupported(`${field}: not a JPEG, PNG or WebP image`);
  return { bytes, contentType };
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(field, "malformed JSON");
  }
}
