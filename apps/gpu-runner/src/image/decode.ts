// Untrusted image bytes → an upright 8-bit RGB image. Checks run cheapest first, so a hostile or
// broken upload costs as little as possible: file size (before reading a path), magic bytes, the
// header's pixel count (before decoding a pixel), then a strict decode that fails on corrupt or
// truncated data instead of returning half a grey picture.
import { readFile, stat } from "node:fs/promises";
import sharp from "sharp";
import { InputError, formatBytes } from "./errors.js";
import { parseExif, type ExifInfo } from "./exif.js";
import type { RgbImage } from "./rgb-image.js";

export type ImageFormat = "jpeg" | "png" | "webp";
export const SUPPORTED_FORMATS: readonly ImageFormat[] = ["jpeg", "png", "webp"];

export interface DecodeLimits {
  /** Largest accepted file, bytes. */
  maxFileBytes: number;
  /** Largest accepted width × height. */
  maxPixels: number;
}
export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxFileBytes: 25 * 1024 * 1024, maxPixels: 40_000_000 };

export interface DecodedImage {
  /** Upright (EXIF orientation applied), alpha flattened onto white, grey expanded to RGB. */
  image: RgbImage;
  format: ImageFormat;
  exif?: ExifInfo;
  /** The file's own pixel grid, before EXIF rotation (width and height swap for orientations 5–8). */
  originalWidth: number;
  originalHeight: number;
}

/** Decodes a JPEG, PNG or WebP (a Buffer, or a file path). Throws `InputError` on anything else. */
export async function decodeImage(input: Buffer | string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<DecodedImage> {
  const bytes = await readLimited(input, limits.maxFileBytes, "image");
  const format = sniffFormat(bytes);
  if (!format) {
    const what = describeUnsupported(bytes);
    throw new InputError("image_unsupported_format", `unsupported image format${what ? ` (${what})` : ""}: send a JPEG, PNG or WebP`);
  }
  let meta: sharp.Metadata;
  try {
    // Headers only; without the pixel limit, so an oversized image gets the message that says so.
    meta = await sharp(bytes, { failOn: "error", limitInputPixels: false }).metadata();
  } catch (cause) {
    throw corrupt(format, cause);
  }
  const width = meta.width ?? 0, height = meta.height ?? 0;
  if (!(width > 0 && height > 0)) throw corrupt(format, new Error("header has no size"));
  if (width * height > limits.maxPixels) {
    throw new InputError("image_too_large", `image is ${width}×${height} (${mp(width * height)}), over the ${mp(limits.maxPixels)} limit: downscale it to at most ${mp(limits.maxPixels)}`);
  }
  let decoded: { data: Buffer; info: sharp.OutputInfo };
  try {
    decoded = await decodePixels(bytes, "warning", limits.maxPixels).catch((cause: unknown) => {
      // libjpeg reports damaged entropy-coded data only as a warning ("Corrupt JPEG data: premature
      // end of data segment") and then fills the rest with grey, so decoding is strict. The one
      // warning many phone JPEGs carry, extraneous bytes before a marker, damages no pixel.
      if (cause instanceof Error && BENIGN_WARNING.test(cause.message)) return decodePixels(bytes, "error", limits.maxPixels);
      throw cause;
    });
  } catch (cause) {
    throw corrupt(format, cause);
  }
  const { info, data } = decoded;
  if (info.channels !== 3) throw corrupt(format, new Error(`decoded to ${info.channels} channels`));
  const image: RgbImage = { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  const exif = parseExif(meta.exif);
  return { image, format, ...(exif ? { exif } : {}), originalWidth: width, originalHeight: height };
}

const BENIGN_WARNING = /extraneous bytes before marker/i;

function decodePixels(bytes: Buffer, failOn: "warning" | "error", maxPixels: number): Promise<{ data: Buffer; info: sharp.OutputInfo }> {
  return sharp(bytes, { failOn, limitInputPixels: maxPixels })
    .rotate() // no argument: apply the EXIF orientation
    .flatten({ background: "#ffffff" }) // transparent pixels hold arbitrary colours; show what viewers show
    .toColourspace("srgb")
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
}

/** Reads a path or takes a buffer, refusing anything over `maxBytes` before reading it. */
export async function readLimited(input: Buffer | string, maxBytes: number, what: "image" | "depth"): Promise<Buffer> {
  const tooBig = (bytes: number) =>
    new InputError("image_file_too_large", `${what} file is ${formatBytes(bytes)}, over the ${formatBytes(maxBytes)} limit: send a smaller or more compressed file`);
  if (typeof input !== "string") {
    if (input.length > maxBytes) throw tooBig(input.length);
    return input;
  }
  let size: number;
  try {
    const s = await stat(input);
    if (!s.isFile()) throw new Error("not a file");
    size = s.size;
  } catch (cause) {
    throw new InputError(what === "image" ? "image_not_found" : "depth_not_found", `${what} file not found: ${input} (check the path)`, { cause });
  }
  if (size > maxBytes) throw tooBig(size);
  return readFile(input);
}

/** The format from the magic bytes; null for anything that is not JPEG, PNG or WebP. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  const at = (offset: number, ascii: string) => ascii.split("").every((c, i) => bytes[offset + i] === c.charCodeAt(0));
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes[0] === 0x89 && at(1, "PNG\r\n\x1a\n")) return "png";
  if (at(0, "RIFF") && at(8, "WEBP")) return "webp";
  return null;
}

/** Names formats people commonly send by mistake, so the message can say what was received. */
function describeUnsupported(bytes: Uint8Array): string | null {
  const ascii = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString("latin1");
  if (ascii(0, 4) === "GIF8") return "got GIF";
  if (ascii(0, 2) === "BM") return "got BMP";
  if (ascii(0, 4) === "II*\0" || ascii(0, 4) === "MM\0*") return "got TIFF";
  if (ascii(4, 8) === "ftyp") {
    const brand = ascii(8, 12);
    if (/^(heic|heix|hevc|heim|heis|mif1|msf1)$/.test(brand)) return "got HEIC/HEIF";
    if (/^avi[fs]$/.test(brand)) return "got AVIF";
  }
  if (ascii(0, 4) === "%PDF") return "got PDF";
  return null;
}

function corrupt(format: ImageFormat, cause: unknown): InputError {
  const detail = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
  return new InputError("image_corrupt", `image is corrupt or truncated (${format}: ${detail}): re-export or re-upload the full file`, { cause });
}

function mp(pixels: number): string {
  return pixels >= 100_000 ? `${+(pixels / 1e6).toFixed(1)} MP` : `${pixels} pixels`;
}
