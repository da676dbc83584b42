// Foreground selection inside one object's 2D box or mask. Frame: OpenCV camera (z forward), metres.
//
// A box (or a semantic class ∩ box mask) also holds what lies behind the object: the wall behind a
// chair, the street between a pedestrian's legs, the buildings past a far car. With dense depth,
// flying pixels bridge object and background, and with sparse lidar the object itself is a few
// rows of points with gaps as wide as the gap to the background, so neither a 3D clustering radius
// nor a fixed depth window tells them apart on its own. The camera, however, always sees the
// object's FIRST surface: along z the object is one run of occupied depths, separated from what is
// behind by a run of EMPTY depths at least a few percent of the distance long (a lidar scan or a
// depth camera samples a continuous surface without such holes). So: histogram the depths on a
// log scale, split at empty runs (bins with a mere trace of flying pixels count as empty; the
// chosen run then takes back its own sparse fringe up to the first truly empty bin), and keep the nearest run that holds a fair share of the box's
// centre (a pole or a neighbour's corner in front of the object holds little of it), cut at the
// object's largest plausible depth extent when the class says what that is.

export interface FirstSurfaceOptions {
  /** Relative width of a depth bin, ln(z) units (default 0.01: 1%). */
  binLn?: number;
  /** An empty run this long, relative to the depth (and at least `minGapM`), separates surfaces (default 0.04). */
  gapRelative?: number;
  minGapM?: number;
  /** A bin with at most this share of the points counts as empty: flying pixels (default 0.003). */
  noiseShare?: number;
  /** The object cannot reach farther than this behind its nearest kept point (default Infinity). */
  maxDepthExtentM?: number;
  /** Of runs holding at least this share of the best run's centre weight, the nearest wins (default 0.5). */
  nearestShare?: number;
}

export interface FirstSurface {
  /** Depth window [nearM, farM] of the object's surface; every point in it belongs to the object. */
  nearM: number;
  farM: number;
  /** Points in the window. */
  count: number;
  /** Depth of the nearest things seen behind the window (their 10th percentile; Infinity: nothing): free space reaches that far on those rays. */
  behindM: number;
}

/**
 * The object's first surface among depths `zM` (metres, > 0); `central[i]` marks points in the
 * middle of the box, which weigh 10× the others. Null when there are no depths.
 * Example: `firstSurface(zs, central, { maxDepthExtentM: 6 })`.
 */
export function firstSurface(zM: ArrayLike<number>, central: ArrayLike<boolean | number>, options: FirstSurfaceOptions = {}): FirstSurface | null {
  const { binLn = 0.01, gapRelative = 0.04, minGapM = 0.25, noiseShare = 0.003, maxDepthExtentM = Infinity, nearestShare = 0.5 } = options;
  const n = zM.length;
  let zMin = Infinity, zMax = -Infinity;
  for (let i = 0; i < n; i++) if (zM[i] > 0 && zM[i] < Infinity) { zMin = Math.min(zMin, zM[i]); zMax = Math.max(zMax, zM[i]); }
  if (!(zMin <= zMax)) return null;
  const lnMin = Math.log(zMin);
  const bins = Math.floor((Math.log(zMax) - lnMin) / binLn) + 1;
  const count = new Float64Array(bins), weight = new Float64Array(bins);
  let valid = 0;
  for (let i = 0; i < n; i++) {
    const z = zM[i];
    if (!(z > 0 && z < Infinity)) continue;
    const b = Math.min(bins - 1, Math.floor((Math.log(z) - lnMin) / binLn));
    count[b]++;
    weight[b] += central[i] ? 1 : 0.1;
    valid++;
  }
  const noise = noiseShare * valid;
  // Runs of occupied bins, merged across empty stretches shorter than the gap.
  const runs: { b0: number; b1: number; weight: number; count: number }[] = [];
  for (let b = 0; b < bins; b++) {
    if (count[b] <= noise) continue;
    const last = runs[runs.length - 1];
    const gapStartM = last ? Math.exp(lnMin + (last.b1 + 1) * binLn) : 0;
    const gapEndM = Math.exp(lnMin + b * binLn);
    const separated = !last || gapEndM - gapStartM >= Math.max(minGapM, gapRelative * gapEndM);
    if (separated) runs.push({ b0: b, b1: b, weight: weight[b], count: count[b] });
    else { last.b1 = b; last.weight += weight[b]; last.count += count[b]; }
  }
  const best = Math.max(...runs.map((r) => r.weight));
  const chosen = runs.find((r) => r.weight >= nearestShare * best)!;
  // The run's sparse fringes (a round object's silhouette seen at a grazing angle) belong to it as
  // long as no bin is empty: only a hole separates surfaces, thin bins alone do not.
  while (chosen.b0 > 0 && count[chosen.b0 - 1] > 0) chosen.b0--;
  while (chosen.b1 < bins - 1 && count[chosen.b1 + 1] > 0) chosen.b1++;
  const nearM = Math.exp(lnMin + chosen.b0 * binLn) * (1 - 1e-9);
  const farM = Math.min(Math.exp(lnMin + (chosen.b1 + 1) * binLn), nearM + maxDepthExtentM);
  let inWindow = 0, behindCount = 0;
  for (let i = 0; i < n; i++) {
    const z = zM[i];
    if (z >= nearM && z <= farM) inWindow++;
    else if (z > farM && z < Infinity) behindCount++;
  }
  // A low quantile, not the minimum: a stray flying pixel just behind the object is no wall.
  let behindM = Infinity;
  if (behindCount > 0) {
    const behind = new Float64Array(behindCount);
    for (let i = 0, b = 0; i < n; i++) if (zM[i] > farM && zM[i] < Infinity) behind[b++] = zM[i];
    behind.sort();
    behindM = behind[Math.floor(0.1 * behindCount)];
  }
  return { nearM, farM, count: inWindow, behindM };
}
