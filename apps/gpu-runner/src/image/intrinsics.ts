// Pinhole intrinsics (OpenCV: x right, y down, pixels, integer = pixel centre) for an upright image,
// from the best source there is: the caller's values, else EXIF's 35 mm-equivalent focal length,
// else a field-of-view guess. The result says which, because everything metric downstream (3D
// sizes, distances, priors depth) scales with the focal length.
import type { Intrinsics } from "@spatial/shared/geometry";
import { intrinsicsProblem } from "@spatial/shared/protocol";
import { InputError } from "./errors.js";
import type { ExifInfo } from "./exif.js";

export type IntrinsicsSource = "input" | "exif" | "fov-estimate";
export type ResolvedIntrinsics = Intrinsics & { source: IntrinsicsSource };

/**
 * The field of view assumed across the image's LONGER side when nothing better is known: 65°.
 * Phone main cameras are 24–28 mm equivalent, which on a 4:3 sensor spans 65–72° across the long
 * side; Kinect-class RGB-D cameras (NYU, TUM) span 62–63°, webcams 60–70°. 65° sits in the middle,
 * so the focal length is rarely off by more than ~10%. It is tied to the longer side, not the width,
 * because turning a phone to portrait does not change its lens.
 */
export const DEFAULT_LONG_SIDE_FOV_DEG = 65;

/**
 * 35 mm-equivalent focal lengths real lenses have: 8 mm (a fisheye's rectilinear limit is wider
 * than any phone's ultra-wide, ~13 mm) to 1200 mm (the longest super-telephotos). EXIF outside this
 * range is a corrupt or made-up tag (65535 is a common "unknown"), and trusting it scales every
 * distance by the error, so it is ignored and the field-of-view estimate used instead.
 */
export const EXIF_FOCAL_35MM_RANGE_MM = [8, 1200] as const;

/** The diagonal of a 36 × 24 mm frame, the reference of every 35 mm-equivalent focal length. */
const FULL_FRAME_DIAGONAL_MM = Math.hypot(36, 24);

export interface IntrinsicsHints {
  /** The caller's intrinsics for this (upright) image; validated, never adjusted. */
  given?: Intrinsics;
  exif?: ExifInfo;
}

/**
 * Intrinsics for an upright `width × height` image. Example: a 4032×3024 phone photo with
 * FocalLengthIn35mmFilm 26 gives fx = fy ≈ 3029 px, source "exif".
 */
export function resolveIntrinsics(size: { width: number; height: number }, hints: IntrinsicsHints = {}): ResolvedIntrinsics {
  const { width, height } = size;
  if (hints.given) return { ...validateIntrinsics(hints.given, size), source: "input" };
  const centre = { cx: (width - 1) / 2, cy: (height - 1) / 2 };
  const f35 = hints.exif?.focalLength35mmEquiv;
  if (f35 !== undefined && Number.isFinite(f35) && f35 >= EXIF_FOCAL_35MM_RANGE_MM[0] && f35 <= EXIF_FOCAL_35MM_RANGE_MM[1]) {
    // Makers compute the equivalent focal from the sensor DIAGONAL (crop factor = 43.27 mm / sensor
    // diagonal), so the image diagonal corresponds to 43.27 mm. Scaling by the long side over 36 mm
    // instead would be 4% short on 4:3 images. The diagonal is the same in portrait and landscape
    // and after any uniform resize, so this holds for the upright, possibly downscaled image.
    const focalPx = (f35 * Math.hypot(width, height)) / FULL_FRAME_DIAGONAL_MM;
    return { fx: focalPx, fy: focalPx, ...centre, source: "exif" };
  }
  // EXIF's real focal length (mm) alone is not enough: without the sensor's size it has no pixel scale.
  const focalPx = Math.max(width, height) / 2 / Math.tan((DEFAULT_LONG_SIDE_FOV_DEG * Math.PI) / 360);
  return { fx: focalPx, fy: focalPx, ...centre, source: "fov-estimate" };
}

/**
 * Checks caller intrinsics against the image: finite numbers, positive focal lengths, and a principal
 * point inside the image (one outside it almost always means intrinsics for another resolution).
 */
export function validateIntrinsics(k: Intrinsics, size: { width: number; height: number }): Intrinsics {
  for (const name of ["fx", "fy", "cx", "cy"] as const) {
    if (typeof k[name] !== "number" || !Number.isFinite(k[name])) {
      throw new InputError("intrinsics_invalid", `intrinsics ${name} must be a finite number, got ${k[name]}: pass fx,fy,cx,cy in pixels`);
    }
  }
  if (k.fx <= 0 || k.fy <= 0) throw new InputError("intrinsics_invalid", `intrinsics focal lengths must be positive pixels, got fx=${k.fx}, fy=${k.fy}: pass fx,fy,cx,cy in pixels`);
  if (k.cx < 0 || k.cx > size.width || k.cy < 0 || k.cy > size.height) {
    throw new InputError(
      "intrinsics_invalid",
      `principal point (${k.cx}, ${k.cy}) lies outside the ${size.width}×${size.height} image: were the intrinsics for another resolution? Scale fx,fy,cx,cy by the resize factor`,
    );
  }
  // The field of view (the edge checks the same bound before queueing the job).
  const problem = intrinsicsProblem(k, size.width, size.height);
  if (problem) throw new InputError("intrinsics_invalid", problem);
  return { fx: k.fx, fy: k.fy, cx: k.cx, cy: k.cy };
}
