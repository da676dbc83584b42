// The `input` depth source: a caller's depth map (an RGB-D camera's, a lidar's projected points)
// → a DepthImage on the image's pixel grid. Frame: OpenCV camera, z depth (not ray length).
//
// Accepted: a single-channel 16-bit PNG (or 16-bit TIFF) of integer units, `unitsPerMetre` per metre
// (1000 for millimetres, 5000 for TUM), 0 = no reading, sparse maps welcome; or a single-channel
// float32 TIFF in metres (unitsPerMetre does not apply to it). 8-bit maps are refused: 256 levels
// cannot hold metric depth.
//
// Size policy, depth map vs image:
// - same size: used as is;
// - same aspect ratio (within 1%): resampled to the image's size by NEAREST neighbour. Interpolating
//   depth across an object's edge invents points in mid-air between the object and the wall behind
//   it; nearest keeps every value a real reading, and zeros are never averaged in, so sparse maps
//   stay sparse. When shrinking, a target pixel whose nearest source reading is missing takes the
//   closest valid reading inside its footprint, so a sparse lidar map does not lose its points;
// - different aspect ratio: refused (depth_size_mismatch). Cropping or padding would be a guess
//   about how the two cameras were registered, and a wrong guess shifts every 3D point silently.
import type { DepthImage } from "@spatial/shared/geometry";
import sharp from "sharp";
import { readLimited } from "../image/decode.js";
import { InputError } from "../image/errors.js";
import { MAX_DEPTH_SCALE, MIN_DEPTH_SCALE } from "@spatial/shared/protocol";

export interface LoadDepthOptions {
  /** Raw units per metre of an integer map (default 1000: millimetres). */
  unitsPerMetre?: number;
  /** The image this depth belongs to (upright size). */
  imageWidth: number;
  imageHeight: number;
  maxFileBytes?: number;
  maxPixels?: number;
  /** Readings beyond this many metres are dropped as noise (default DEFAULT_MAX_DEPTH_RANGE_M). */
  maxRangeM?: number;
}

/**
 * No depth sensor a caller sends us reads reliably past 300 m (automotive lidar: ~120–250 m; RGB-D:
 * ~10 m). A reading beyond it is a wrapped value, a sky return or a wrong depth scale, and one such
 * point is enough to stretch an object's box or the scene's bounds.
 */
export const DEFAULT_MAX_DEPTH_RANGE_M = 300;

const ASPECT_TOLERANCE = 0.01;

/** Loads a depth map for an image; the result has the image's size. Throws `InputError`. */
export async function loadDepthMap(input: Buffer | string, options: LoadDepthOptions): Promise<DepthImage> {
  const { unitsPerMetre = 1000, imageWidth, imageHeight, maxFileBytes = 25 * 1024 * 1024, maxPixels = 40_000_000, maxRangeM = DEFAULT_MAX_DEPTH_RANGE_M } = options;
  if (!(Number.isFinite(unitsPerMetre) && unitsPerMetre >= MIN_DEPTH_SCALE && unitsPerMetre <= MAX_DEPTH_SCALE)) {
    throw new InputError("depth_format", `depth scale must be ${MIN_DEPTH_SCALE}–${MAX_DEPTH_SCALE} units per metre, got ${unitsPerMetre}: e.g. 1000 for millimetres`);
  }
  const bytes = await readLimited(input, maxFileBytes, "depth");
  const kind = sniffDepthContainer(bytes);
  if (!kind) throw new InputError("depth_format", "depth map must be a 16-bit PNG (or a float32 TIFF in metres): convert it, e.g. save uint16 millimetres as PNG");
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { failOn: "error", limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new InputError("depth_format", `depth map is corrupt or truncated (${errorLine(cause)}): re-export the full file`, { cause });
  }
  const width = meta.width ?? 0, height = meta.height ?? 0;
  if (width * height > maxPixels || !(width > 0 && height > 0)) {
    throw new InputError("depth_format", `depth map is ${width}×${height}, outside 1..${maxPixels} pixels: downscale it (nearest neighbour) first`);
  }
  if (meta.depth === "uchar" || meta.depth === "char") throw new InputError("depth_format", "8-bit depth cannot hold metric depth; save 16-bit");
  if (meta.channels !== 1) throw new InputError("depth_format", `depth map has ${meta.channels} channels: save it as a single-channel (greyscale) 16-bit PNG`);
  const isFloat = meta.depth === "float" && kind === "tiff";
  if (meta.depth !== "ushort" && !isFloat) throw new InputError("depth_format", `depth map samples are ${meta.depth}: save it as a 16-bit PNG (or a float32 TIFF in metres)`);

  let depth: DepthImage;
  try {
    const pipeline = sharp(bytes, { failOn: "error", limitInputPixels: maxPixels });
    if (isFloat) {
      const { data, info } = await pipeline.extractChannel(0).raw({ depth: "float" }).toBuffer({ resolveWithObject: true });
      if (info.channels !== 1) throw new Error(`decoded to ${info.channels} channels`);
      const metres = new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
      // One meaning for "no reading" downstream: 0 (NaN, ±∞ and negatives are what float maps use).
      for (let i = 0; i < metres.length; i++) if (!(metres[i] > 0 && metres[i] <= maxRangeM)) metres[i] = 0;
      depth = { width: info.width, height: info.height, data: metres, unitsPerMetre: 1 };
    } else {
      // sharp's plain .raw() squashes 16-bit grey through 8 bits; grey16 keeps every bit.
      const { data, info } = await pipeline.toColourspace("grey16").raw({ depth: "ushort" }).toBuffer({ resolveWithObject: true });
      if (info.channels !== 1) throw new Error(`decoded to ${info.channels} channels`);
      const units = new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
      const maxUnits = maxRangeM * unitsPerMetre;
      if (maxUnits < 65535) for (let i = 0; i < units.length; i++) if (units[i] > maxUnits) units[i] = 0;
      depth = { width: info.width, height: info.height, data: units, unitsPerMetre };
    }
  } catch (cause) {
    throw new InputError("depth_format", `depth map could not be decoded (${errorLine(cause)}): re-export it as a 16-bit PNG`, { cause });
  }
  if (!depth.data.some((v) => v > 0)) {
    throw new InputError("depth_empty", "depth map has no readings (every pixel is 0 or invalid): check the file, and that it was saved as 16-bit without rescaling");
  }
  return fitDepthToImage(depth, imageWidth, imageHeight);
}

/** Applies the size policy above: as is, nearest-neighbour resample, or depth_size_mismatch. */
export function fitDepthToImage(depth: DepthImage, imageWidth: number, imageHeight: number): DepthImage {
  if (depth.width === imageWidth && depth.height === imageHeight) return depth;
  const imageAspect = imageWidth / imageHeight, depthAspect = depth.width / depth.height;
  if (Math.abs(depthAspect - imageAspect) > ASPECT_TOLERANCE * imageAspect) {
    throw new InputError(
      "depth_size_mismatch",
      `depth map is ${depth.width}×${depth.height} but the image is ${imageWidth}×${imageHeight} (aspect ${depthAspect.toFixed(3)} vs ${imageAspect.toFixed(3)}): send depth registered to the image, at its size or aspect ratio`,
    );
  }
  return resampleDepthNearest(depth, imageWidth, imageHeight);
}

/**
 * Nearest-neighbour resample that only ever copies real readings. When shrinking, a target pixel
 * whose centre sample is missing takes the valid reading closest to its centre within its footprint.
 */
export function resampleDepthNearest(depth: DepthImage, width: number, height: number): DepthImage {
  const { width: sw, height: sh, data: src } = depth;
  const out = new (src.constructor as { new (n: number): DepthImage["data"] })(width * height);
  const sx = sw / width, sy = sh / height;
  const valid = (v: number) => v > 0 && v < Infinity;
  for (let y = 0; y < height; y++) {
    const cyf = (y + 0.5) * sy, cy = Math.min(sh - 1, Math.floor(cyf));
    const y0 = Math.floor(y * sy), y1 = Math.min(sh, Math.max(y0 + 1, Math.ceil((y + 1) * sy)));
    for (let x = 0; x < width; x++) {
      const cxf = (x + 0.5) * sx, cx = Math.min(sw - 1, Math.floor(cxf));
      let value = src[cy * sw + cx];
      if (!valid(value) && (sx > 1 || sy > 1)) {
        const x0 = Math.floor(x * sx), x1 = Math.min(sw, Math.max(x0 + 1, Math.ceil((x + 1) * sx)));
        let best = Infinity;
        for (let v = y0; v < y1; v++) {
          for (let u = x0; u < x1; u++) {
            const s = src[v * sw + u];
            const d2 = (u + 0.5 - cxf) ** 2 + (v + 0.5 - cyf) ** 2;
            if (valid(s) && d2 < best) { best = d2; value = s; }
          }
        }
      }
      out[y * width + x] = valid(value) ? value : 0;
    }
  }
  return { width, height, data: out, unitsPerMetre: depth.unitsPerMetre };
}

function sniffDepthContainer(bytes: Uint8Array): "png" | "tiff" | null {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
  const head = Buffer.from(bytes.subarray(0, 4)).toString("latin1");
  if (head === "II*\0" || head === "MM\0*") return "tiff";
  return null;
}

function errorLine(cause: unknown): string {
  return cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
}
