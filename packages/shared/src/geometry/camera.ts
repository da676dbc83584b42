// Camera frame: OpenCV (x right, y down, z forward), metres. Integer pixel coordinates (u, v) are
// pixel centres, as in OpenCV and Open3D and as the fixtures' intrinsics assume.
import type { Intrinsics, Points, Vec3 } from "./types.js";

/** A depth image: `data[v * width + u] / unitsPerMetre` is the z depth in metres; 0, NaN and ±∞ mean "no reading". */
export interface DepthImage {
  width: number;
  height: number;
  data: Float32Array | Float64Array | Uint16Array | Uint8Array | Uint32Array;
  /** Raw units per metre: 1000 for millimetre PNGs, 5000 for TUM, 1 for metric float maps. */
  unitsPerMetre: number;
}

export interface UnprojectOptions {
  /** Same size as the depth image; only pixels where it is non-zero are unprojected. */
  mask?: Uint8Array;
  /** Readings beyond this depth are treated as missing. */
  maxDepthM?: number;
  /** Take every `stride`-th pixel in x and y (1 = all). */
  stride?: number;
}

export interface UnprojectedPoints {
  /** Camera-frame points, interleaved xyz, metres. */
  pointsCam: Points;
  /** For each point, its pixel index `v * width + u`. */
  pixelIndex: Uint32Array;
  count: number;
}

/** Throws unless every intrinsic is finite and the focal lengths are positive. */
export function assertValidIntrinsics(k: Intrinsics): void {
  for (const name of ["fx", "fy", "cx", "cy"] as const) {
    if (!Number.isFinite(k[name])) throw new RangeError(`intrinsics.${name} must be a finite number, got ${k[name]}`);
  }
  if (k.fx <= 0 || k.fy <= 0) throw new RangeError(`intrinsics focal lengths must be positive, got fx=${k.fx}, fy=${k.fy}`);
}

/**
 * Intrinsics of an ideal pinhole with square pixels and a centred principal point, from the
 * horizontal field of view. Example: 640×480 at 60° gives fx = fy ≈ 554.3.
 */
export function intrinsicsFromHorizontalFov(widthPx: number, heightPx: number, hfovDeg: number): Intrinsics {
  if (!(hfovDeg > 0 && hfovDeg < 180)) throw new RangeError(`horizontal field of view must be in (0, 180) degrees, got ${hfovDeg}`);
  if (!(widthPx > 0 && heightPx > 0)) throw new RangeError(`image size must be positive, got ${widthPx}×${heightPx}`);
  const focalPx = widthPx / 2 / Math.tan((hfovDeg * Math.PI) / 360);
  return { fx: focalPx, fy: focalPx, cx: (widthPx - 1) / 2, cy: (heightPx - 1) / 2 };
}

/** Projects a camera-frame point to pixel coordinates; null behind the camera. */
export function projectPoint(pointCam: Vec3, k: Intrinsics): [number, number] | null {
  const z = pointCam[2];
  if (!(z > 0)) return null;
  return [k.fx * (pointCam[0] / z) + k.cx, k.fy * (pointCam[1] / z) + k.cy];
}

/**
 * Lifts every valid depth reading to a camera-frame point (x = (u - cx) z / fx, y = (v - cy) z / fy).
 * Sparse maps are fine: missing readings are skipped, and the result says which pixel each point came from.
 */
export function unprojectDepth(depth: DepthImage, k: Intrinsics, options: UnprojectOptions = {}): UnprojectedPoints {
  assertValidIntrinsics(k);
  const { width, height, data, unitsPerMetre } = depth;
  if (data.length !== width * height) throw new RangeError(`depth data has ${data.length} values, expected ${width}×${height}`);
  if (!(unitsPerMetre > 0) || !Number.isFinite(unitsPerMetre)) throw new RangeError(`depth unitsPerMetre must be a positive number, got ${unitsPerMetre}`);
  const { mask, maxDepthM = Infinity } = options;
  const stride = Math.max(1, Math.floor(options.stride ?? 1));
  if (mask && mask.length !== width * height) throw new RangeError(`mask has ${mask.length} values, expected ${width}×${height}`);

  const capacity = Math.ceil(width / stride) * Math.ceil(height / stride);
  const pointsCam = new Float32Array(capacity * 3);
  const pixelIndex = new Uint32Array(capacity);
  const metresPerUnit = 1 / unitsPerMetre;
  const invFx = 1 / k.fx;
  const invFy = 1 / k.fy;
  let count = 0;
  for (let v = 0; v < height; v += stride) {
    const yFactor = (v - k.cy) * invFy;
    const row = v * width;
    for (let u = 0; u < width; u += stride) {
      const i = row + u;
      if (mask && mask[i] === 0) continue;
      const z = data[i] * metresPerUnit;
      // `z > 0` is false for NaN too; the upper bound drops +∞.
      if (!(z > 0) || !(z <= maxDepthM) || z === Infinity) continue;
      const o = count * 3;
      pointsCam[o] = (u - k.cx) * invFx * z;
      pointsCam[o + 1] = yFactor * z;
      pointsCam[o + 2] = z;
      pixelIndex[count] = i;
      count++;
    }
  }
  return { pointsCam: pointsCam.slice(0, count * 3), pixelIndex: pixelIndex.slice(0, count), count };
}
