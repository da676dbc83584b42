// Metric depth error of an estimate against a reference (an RGB-D camera, a lidar, a renderer), the
// standard monocular-depth measures (Eigen et al. 2014) WITHOUT median scaling: the product promises
// metres, so a right shape at the wrong scale must score badly.
import type { DepthImage } from "@spatial/shared/geometry";

export interface DepthErrors {
  /** mean(|est − ref| / ref). */
  absRel: number;
  /** sqrt(mean((est − ref)²)), metres. */
  rmseM: number;
  /** Share of pixels with max(est / ref, ref / est) < 1.25. */
  delta125: number;
  /** Pixels where both have a reading. */
  comparedPixels: number;
  /** comparedPixels / pixels where the reference has a reading. */
  coverage: number;
}

/** Compares where both maps have a reading (> 0, finite); both must have the same size. */
export function evaluateDepthAgainstReference(estimated: DepthImage, reference: DepthImage): DepthErrors {
  if (estimated.width !== reference.width || estimated.height !== reference.height) {
    throw new RangeError(`depth sizes differ: estimated ${estimated.width}×${estimated.height}, reference ${reference.width}×${reference.height}`);
  }
  const es = 1 / estimated.unitsPerMetre, rs = 1 / reference.unitsPerMetre;
  let n = 0, refCount = 0, absRel = 0, sq = 0, good = 0;
  for (let i = 0; i < reference.data.length; i++) {
    const r = reference.data[i] * rs;
    if (!(r > 0 && r < Infinity)) continue;
    refCount++;
    const e = estimated.data[i] * es;
    if (!(e > 0 && e < Infinity)) continue;
    n++;
    absRel += Math.abs(e - r) / r;
    sq += (e - r) ** 2;
    if (Math.max(e / r, r / e) < 1.25) good++;
  }
  if (n === 0) return { absRel: NaN, rmseM: NaN, delta125: NaN, comparedPixels: 0, coverage: 0 };
  return { absRel: absRel / n, rmseM: Math.sqrt(sq / n), delta125: good / n, comparedPixels: n, coverage: n / refCount };
}
