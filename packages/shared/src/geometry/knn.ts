// Frame-agnostic: exact k-nearest-neighbour search over points in any frame (metres).
//
// Why a kd-tree and not the hash grid: depth clouds are 10–100× denser near the camera than far
// away, so no single cell size suits both (a cell that holds 20 neighbours at 5 m holds thousands at
// 0.7 m). A kd-tree adapts to density. Its search follows nanoflann (what Open3D uses): keep the
// gap [divLow, divHigh] between the halves of each split and prune with the incremental distance
// to the cell, so the answers are the same k distances Open3D finds (the tree's shape changes how
// fast they are found, never which distances they are).
//
// All-points kNN (meanNeighbourDistances) is where the time goes, and most of it went to building
// the tree and to keeping the k best sorted, not to distance tests. What cut it, measured on the
// NYU cloud (225k points, k = 20): building from a Morton sort instead of median splits (no
// quickselect per node), and seeding each query with the previous query's k neighbours: in
// Z-order consecutive queries are about one point spacing apart, so most of those are already
// the answer and the search inserts only the few that changed.
// Measured and dropped: max-heap result sets, leaves smaller than k, a tight box or ball per leaf
// as an extra prune (fewer distance tests, no less time), tight boxes at every node instead of
// the incremental cell distance, middle splits on the widest axis (5% fewer distance tests than
// the Morton cuts, twice the build time), searching outward from the query's own leaf instead of
// from the root, and batching a leaf's queries over one gathered candidate list.
import { boundsInto } from "./spatial-grid.js";
import type { Points } from "./types.js";

/** The low 8 bits of v spread to every third bit (bit i to bit 3i), for Morton keys. */
function spreadBits(v: number): number {
  v = (v | (v << 8)) & 0x0300f00f;
  v = (v | (v << 4)) & 0x030c30c3;
  return (v | (v << 2)) & 0x09249249;
}

// The build's long loops live in small functions (boundsInto among them) so that V8 optimises each
// whole, instead of entering a long method mid-loop and bailing out at code it has not seen run yet
// (which cost the first few builds up to twice the time).

/** 48-bit Morton keys (high, low 24 bits) of m points, 16 bits per axis from the box's corner, and the four 12-bit digit histograms. */
function mortonKeys(from: Float32Array, m: number, box: Float64Array, scale: number, kHi: Uint32Array, kLo: Uint32Array, idx: Uint32Array, count: Uint32Array): void {
  const bx = box[0], by = box[1], bz = box[2];
  for (let i = 0, o = 0; i < m; i++, o += 3) {
    // min(…, 65535) guards the top edge against rounding up.
    const qx = Math.min(Math.floor((from[o] - bx) * scale), 65535);
    const qy = Math.min(Math.floor((from[o + 1] - by) * scale), 65535);
    const qz = Math.min(Math.floor((from[o + 2] - bz) * scale), 65535);
    const h = (spreadBits(qx >>> 8) << 2) | (spreadBits(qy >>> 8) << 1) | spreadBits(qz >>> 8);
    const l = (spreadBits(qx & 255) << 2) | (spreadBits(qy & 255) << 1) | spreadBits(qz & 255);
    kHi[i] = h;
    kLo[i] = l;
    idx[i] = i;
    count[l & 4095]++;
    count[4096 + (l >>> 12)]++;
    count[8192 + (h & 4095)]++;
    count[12288 + (h >>> 12)]++;
  }
}

/** One stable counting-sort pass on the 12-bit digit of `digits` at `shift`, histogram at count[base..base + 4096). */
function radixPass(m: number, digits: Uint32Array, shift: number, count: Uint32Array, base: number, kHi: Uint32Array, kLo: Uint32Array, idx: Uint32Array, hi2: Uint32Array, lo2: Uint32Array, idx2: Uint32Array): void {
  let sum = 0;
  for (let d = base; d < base + 4096; d++) {
    const c = count[d];
    count[d] = sum;
    sum += c;
  }
  for (let i = 0; i < m; i++) {
    const at = count[base + ((digits[i] >>> shift) & 4095)]++;
    hi2[at] = kHi[i];
    lo2[at] = kLo[i];
    idx2[at] = idx[i];
  }
}

/** Writes from's points in `idx` order to p from offset `at`, and their original indices to order[lo..], via scratch. */
function gatherSorted(m: number, idx: Uint32Array, from: Float32Array, p: Float32Array, at: number, order: Uint32Array, lo: number, scratch: Uint32Array): void {
  for (let i = 0, o = at; i < m; i++, o += 3) {
    const f = 3 * idx[i];
    p[o] = from[f];
    p[o + 1] = from[f + 1];
    p[o + 2] = from[f + 2];
    scratch[i] = order[lo + idx[i]];
  }
  order.set(scratch.subarray(0, m), lo);
}

const MAX_DEPTH = 64;

/**
 * A static kd-tree over a copy of the points (the input is not kept or modified).
 * Example: `const tree = new KdTree(points); tree.knn(x, y, z, 8, idx, d2)`.
 */
export class KdTree {
  readonly pointCount: number;
  /** Original index of the point at tree position t. */
  readonly order: Uint32Array;
  /** Points in tree order (Z-order), xyz at 3t; each leaf's points are a contiguous range. */
  readonly treePoints: Float32Array;
  // Node arrays, preorder: the left child of an internal node is node + 1.
  private nodeLo: Uint32Array;
  private nodeHi: Uint32Array;
  /** Split axis 0..2, or -1 for a leaf. */
  private nodeAxis: Int8Array;
  private nodeRight: Uint32Array;
  /** Largest coordinate on the split axis in the left child, smallest in the right child. */
  private divLow: Float64Array;
  private divHigh: Float64Array;
  private readonly rootBox = new Float64Array(6);
  // Scratch for searches, allocated once per tree rather than per query.
  private readonly stackNode = new Uint32Array(MAX_DEPTH + 1);
  private readonly stackMin = new Float64Array(MAX_DEPTH + 1);
  private readonly stackCut = new Float64Array(3 * (MAX_DEPTH + 1));
  /** Marks for searches that start empty: each uses a fresh negative mark, so old ones never match. */
  private ownMarks: Int32Array | undefined;
  private ownMark = 0;
  private nodeTotal = 0;

  constructor(points: Points, leafSize = 10) {
    if (points.length % 3 !== 0) throw new RangeError(`points must hold xyz triples, got ${points.length} numbers`);
    if (!(Number.isInteger(leafSize) && leafSize >= 1)) throw new RangeError(`leafSize must be a positive integer, got ${leafSize}`);
    const n = points.length / 3;
    this.pointCount = n;
    this.order = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
    // Filled in Z-order by the build.
    this.treePoints = new Float32Array(points.length);
    // A first guess at the node count; octree cuts leave some leaves small, so it may grow.
    const capacity = 4 * Math.ceil(n / leafSize) + 16;
    this.nodeLo = new Uint32Array(capacity);
    this.nodeHi = new Uint32Array(capacity);
    this.nodeAxis = new Int8Array(capacity);
    this.nodeRight = new Uint32Array(capacity);
    this.divLow = new Float64Array(capacity);
    this.divHigh = new Float64Array(capacity);
    if (n > 0) {
      if (!boundsInto(points, 0, points.length, this.rootBox)) throw new RangeError("points must have finite coordinates (remove NaN/∞ first)");
      this.build(points, leafSize);
    }
  }

  /**
   * Sorts the points along a Morton (Z-order) curve, then cuts each range where its keys first
   * differ: an octree's cell halving, one axis at a time, skipping cuts that leave one side
   * empty. The radix sort and the binary searches have no data-dependent branches to mispredict;
   * a median split (quickselect per node) or a middle split (partition per node) built about
   * twice as slowly. And Z-order puts consecutive tree positions, leaf by leaf and inside each
   * leaf, next to each other. The gaps [divLow, divHigh] come from the children's
   * tight boxes, so pruning is as sharp as with any split.
   */
  private build(points: Points, leafSize: number): void {
    const n = this.pointCount;
    const keyHi = new Uint32Array(n), keyLo = new Uint32Array(n);
    // All points equal: no order to find, one leaf.
    if (!this.sortByMorton(0, n, this.rootBox, keyHi, keyLo, points)) this.treePoints.set(points);
    this.makeNodes(keyHi, keyLo, leafSize);
    this.fitGaps();
  }

  /** Cuts ranges into nodes, preorder, where their Morton keys first differ (see build). */
  private makeNodes(keyHi: Uint32Array, keyLo: Uint32Array, leafSize: number): void {
    const n = this.pointCount;
    // Nodes in preorder with an explicit stack; the right child's node is recorded when made.
    const size = MAX_DEPTH + 2;
    const sLo = new Uint32Array(size), sHi = new Uint32Array(size), sDepth = new Uint32Array(size), sParent = new Int32Array(size);
    sHi[0] = n;
    sParent[0] = -1;
    let sp = 1;
    while (sp > 0) {
      sp--;
      const lo = sLo[sp], hi = sHi[sp], depth = sDepth[sp], parent = sParent[sp];
      const node = this.nodeTotal++;
      if (node >= this.nodeLo.length) this.growNodes();
      this.nodeLo[node] = lo;
      this.nodeHi[node] = hi;
      if (parent >= 0) this.nodeRight[parent] = node;
      // The depth cap (search stacks are MAX_DEPTH deep) only matters for pathological input.
      if (hi - lo <= leafSize || depth >= MAX_DEPTH - 1) {
        this.nodeAxis[node] = -1;
        continue;
      }
      // The first key bit (from the top) where the range's keys differ: above it they all agree.
      let word = keyHi, diff = keyHi[lo] ^ keyHi[hi - 1];
      if (diff === 0) {
        word = keyLo;
        diff = keyLo[lo] ^ keyLo[hi - 1];
      }
      // Keys that cannot tell the points apart (closer than 1/65536 of the cloud's extent, as in a
      // dense cluster next to a far outlier) are made again over the range's own box.
      if (diff === 0 && this.rekey(lo, hi, keyHi, keyLo)) {
        word = keyHi;
        diff = keyHi[lo] ^ keyHi[hi - 1];
        if (diff === 0) {
          word = keyLo;
          diff = keyLo[lo] ^ keyLo[hi - 1];
        }
      }
      // Still none: the points coincide.
      if (diff === 0) {
        this.nodeAxis[node] = -1;
        continue;
      }
      const bit = 31 - Math.clz32(diff);
      // Keys are sorted and agree above `bit`, so `bit` is 0 then 1 along the range.
      let a = lo + 1, b = hi - 1;
      while (a < b) {
        const m = (a + b) >>> 1;
        if ((word[m] >>> bit) & 1) b = m;
        else a = m + 1;
      }
      this.nodeAxis[node] = 2 - (bit % 3);
      sLo[sp] = a;
      sHi[sp] = hi;
      sDepth[sp] = depth + 1;
      sParent[sp] = node;
      sp++;
      sLo[sp] = lo;
      sHi[sp] = a;
      sDepth[sp] = depth + 1;
      sParent[sp] = -1;
      sp++;
    }
  }

  /** Tight boxes, leaves first then up (children come after their parent in preorder); their gaps are divLow / divHigh. */
  private fitGaps(): void {
    const total = this.nodeTotal;
    const nodeBox = new Float64Array(6 * total);
    const p = this.treePoints;
    for (let node = total - 1; node >= 0; node--) {
      const o = 6 * node;
      const axis = this.nodeAxis[node];
      if (axis < 0) {
        boundsInto(p, 3 * this.nodeLo[node], 3 * this.nodeHi[node], nodeBox, o);
        continue;
      }
      const l = 6 * (node + 1), r = 6 * this.nodeRight[node];
      for (let c = 0; c < 3; c++) {
        nodeBox[o + c] = Math.min(nodeBox[l + c], nodeBox[r + c]);
        nodeBox[o + 3 + c] = Math.max(nodeBox[l + 3 + c], nodeBox[r + 3 + c]);
      }
      this.divLow[node] = nodeBox[l + 3 + axis];
      this.divHigh[node] = nodeBox[r + axis];
    }
  }

  /** Morton keys over the range's own box, for a range whose keys all coincide; false when its points do. */
  private rekey(lo: number, hi: number, keyHi: Uint32Array, keyLo: Uint32Array): boolean {
    const box = new Float64Array(6);
    boundsInto(this.treePoints, 3 * lo, 3 * hi, box);
    return this.sortByMorton(lo, hi, box, keyHi, keyLo, this.treePoints.slice(3 * lo, 3 * hi));
  }

  /**
   * Puts the points of `from` (xyz of tree positions lo, lo + 1, …, with order[lo..hi) their
   * original indices) into tree positions [lo, hi) sorted by a 48-bit Morton key: 16 bits per axis
   * over `box`'s largest side, so cells are cubes. Writes the sorted keys' high and low 24 bits to
   * keyHi / keyLo at the same positions. An LSD radix sort: stable, so points with one key keep
   * their order. Returns false, changing nothing, when the box is a single point.
   */
  private sortByMorton(lo: number, hi: number, box: Float64Array, keyHi: Uint32Array, keyLo: Uint32Array, from: Float32Array): boolean {
    const side = Math.max(box[3] - box[0], box[4] - box[1], box[5] - box[2]);
    if (!(side > 0)) return false;
    const m = hi - lo;
    let kHi = new Uint32Array(m), kLo = new Uint32Array(m), idx = new Uint32Array(m);
    // All four 12-bit digit histograms in the same pass that makes the keys.
    const count = new Uint32Array(4 * 4096);
    mortonKeys(from, m, box, 65535 / side, kHi, kLo, idx, count);
    let hi2 = new Uint32Array(m), lo2 = new Uint32Array(m), idx2 = new Uint32Array(m);
    // Four 12-bit digits, least significant first.
    for (let pass = 0; pass < 4; pass++) {
      const shift = (pass & 1) * 12, base = 4096 * pass;
      const digits = pass >= 2 ? kHi : kLo;
      if (count[base + ((digits[0] >>> shift) & 4095)] === m) continue; // one digit value: nothing moves
      radixPass(m, digits, shift, count, base, kHi, kLo, idx, hi2, lo2, idx2);
      [kHi, hi2] = [hi2, kHi];
      [kLo, lo2] = [lo2, kLo];
      [idx, idx2] = [idx2, idx];
    }
    gatherSorted(m, idx, from, this.treePoints, 3 * lo, this.order, lo, idx2);
    keyHi.set(kHi, lo);
    keyLo.set(kLo, lo);
    return true;
  }

  private growNodes(): void {
    const size = 2 * this.nodeLo.length;
    const grow = <T extends Uint32Array | Int8Array | Float64Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(size);
      b.set(a as never);
      return b;
    };
    this.nodeLo = grow(this.nodeLo, Uint32Array);
    this.nodeHi = grow(this.nodeHi, Uint32Array);
    this.nodeAxis = grow(this.nodeAxis, Int8Array);
    this.nodeRight = grow(this.nodeRight, Uint32Array);
    this.divLow = grow(this.divLow, Float64Array);
    this.divHigh = grow(this.divHigh, Float64Array);
  }

  /** Points in the fullest leaf (diagnostics and tests: leaves stay near leafSize unless points coincide). */
  largestLeaf(): number {
    let most = 0;
    for (let node = 0; node < this.nodeTotal; node++) if (this.nodeAxis[node] < 0) most = Math.max(most, this.nodeHi[node] - this.nodeLo[node]);
    return most;
  }

  /**
   * The k nearest points to (x, y, z), nearest first: writes original point indices to
   * `outIndex` and squared distances to `outDistSq` (both length ≥ k), and returns how many were
   * found (min(k, pointCount)). Ties at the k-th distance keep the first point met.
   */
  knn(x: number, y: number, z: number, k: number, outIndex: Uint32Array, outDistSq: Float64Array): number {
    const found = this.searchTree(x, y, z, k, outIndex, outDistSq);
    const ord = this.order;
    for (let i = 0; i < found; i++) outIndex[i] = ord[outIndex[i]];
    return found;
  }

  /**
   * As knn, but `outIndex` receives tree positions (index into `order` / `treePoints`).
   * `boundSq`, if given, must exceed the squared k-th neighbour distance (strictly); points at or
   * beyond it are never looked at, which prunes from the first node on.
   */
  searchTree(x: number, y: number, z: number, k: number, outIndex: Uint32Array, outDistSq: Float64Array, boundSq = Infinity): number {
    const n = this.pointCount;
    if (n === 0 || k <= 0) return 0;
    if (outIndex.length < k || outDistSq.length < k) throw new RangeError(`output arrays must hold k = ${k} results`);
    for (let i = 0; i < k; i++) outDistSq[i] = boundSq;
    if (!this.ownMarks || this.ownMark <= -0x7fffffff) {
      this.ownMarks = new Int32Array(n);
      this.ownMark = 0;
    }
    return this.search(x, y, z, k, outIndex, outDistSq, 0, this.ownMarks, --this.ownMark);
  }

  /**
   * As searchTree, starting from k candidates instead of none: `outIndex` / `outDistSq` already
   * hold k distinct tree positions and their squared distances to (x, y, z), ascending, and
   * `marks[t] === mark` for exactly those t (the caller's array of length pointCount; the search
   * marks what it adds). Good candidates, such as the previous nearby query's neighbours, leave
   * little to insert. k must be in 1..pointCount.
   */
  searchTreeSeeded(x: number, y: number, z: number, k: number, outIndex: Uint32Array, outDistSq: Float64Array, marks: Int32Array, mark: number): number {
    if (!(k >= 1 && k <= this.pointCount)) throw new RangeError(`k must be in 1..${this.pointCount}, got ${k}`);
    if (outIndex.length < k || outDistSq.length < k || marks.length < this.pointCount) throw new RangeError("output arrays must hold k results and marks one per point");
    return this.search(x, y, z, k, outIndex, outDistSq, k, marks, mark);
  }

  /** The search proper: `count` results are already in place (0 or k); worst starts at outDistSq[k - 1]. */
  private search(x: number, y: number, z: number, k: number, outIndex: Uint32Array, outDistSq: Float64Array, count: number, marks: Int32Array, mark: number): number {
    const p = this.treePoints;
    const { nodeLo, nodeHi, nodeAxis, nodeRight, divLow, divHigh, stackNode, stackMin, stackCut, rootBox } = this;
    let worst = outDistSq[k - 1];

    // Squared distance from the query to the root box, per axis (nanoflann's `dists`).
    const c0 = x < rootBox[0] ? rootBox[0] - x : x > rootBox[3] ? x - rootBox[3] : 0;
    const c1 = y < rootBox[1] ? rootBox[1] - y : y > rootBox[4] ? y - rootBox[4] : 0;
    const c2 = z < rootBox[2] ? rootBox[2] - z : z > rootBox[5] ? z - rootBox[5] : 0;
    stackNode[0] = 0;
    stackCut[0] = c0 * c0;
    stackCut[1] = c1 * c1;
    stackCut[2] = c2 * c2;
    stackMin[0] = stackCut[0] + stackCut[1] + stackCut[2];
    let sp = 1;
    while (sp > 0) {
      sp--;
      const mind = stackMin[sp];
      if (mind > worst) continue;
      let node = stackNode[sp];
      let d0 = stackCut[3 * sp], d1 = stackCut[3 * sp + 1], d2 = stackCut[3 * sp + 2];
      // Descend to the nearer leaf, leaving the farther children on the stack with their lower
      // bound; they are checked again when popped, against the then-current k-th distance.
      let axis = nodeAxis[node];
      while (axis >= 0) {
        const v = axis === 0 ? x : axis === 1 ? y : z;
        const diff1 = v - divLow[node];
        const diff2 = v - divHigh[node];
        let best: number, other: number, cut: number;
        if (diff1 + diff2 < 0) {
          best = node + 1;
          other = nodeRight[node];
          cut = diff2 * diff2;
        } else {
          best = nodeRight[node];
          other = node + 1;
          cut = diff1 * diff1;
        }
        const old = axis === 0 ? d0 : axis === 1 ? d1 : d2;
        const otherMin = mind - old + cut;
        if (otherMin <= worst) {
          stackNode[sp] = other;
          stackMin[sp] = otherMin;
          const s = 3 * sp;
          stackCut[s] = axis === 0 ? cut : d0;
          stackCut[s + 1] = axis === 1 ? cut : d1;
          stackCut[s + 2] = axis === 2 ? cut : d2;
          sp++;
        }
        node = best;
        axis = nodeAxis[node];
      }
      for (let t = nodeLo[node], end = nodeHi[node], o = 3 * t; t < end; t++, o += 3) {
        const dx = x - p[o], dy = y - p[o + 1], dz = z - p[o + 2];
        const d = dx * dx + dy * dy + dz * dz;
        if (d < worst && marks[t] !== mark) {
          marks[t] = mark;
          // Insertion into the sorted k best, as nanoflann's KNNResultSet.
          let j = count < k ? count++ : k - 1;
          while (j > 0 && outDistSq[j - 1] > d) {
            outDistSq[j] = outDistSq[j - 1];
            outIndex[j] = outIndex[j - 1];
            j--;
          }
          outDistSq[j] = d;
          outIndex[j] = t;
          if (count === k) worst = outDistSq[k - 1];
        }
      }
    }
    return count;
  }
}

/**
 * For every point, the mean Euclidean distance to its k nearest points including itself (distance
 * 0), as Open3D's statistical outlier filter computes it; k is capped at the number of points.
 */
export function meanNeighbourDistances(points: Points, k: number): Float64Array {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`k must be a positive integer, got ${k}`);
  // Leaves of up to about k points: anything from 16 to 32 measured the same for k = 20.
  const tree = new KdTree(points, Math.max(8, Math.min(32, k)));
  const n = tree.pointCount;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const kk = Math.min(k, n);
  const idx = new Uint32Array(kk);
  const d2 = new Float64Array(kk);
  // marks[t] === q: tree position t is among query q's current candidates.
  const marks = new Int32Array(n).fill(-1);
  const p = tree.treePoints, ord = tree.order;
  tree.searchTree(p[0], p[1], p[2], kk, idx, d2);
  // Queries in tree order: consecutive queries are close and walk the same nodes.
  for (let t = 0; t < n; t++) {
    const x = p[3 * t], y = p[3 * t + 1], z = p[3 * t + 2];
    // The previous query's k neighbours, re-measured from here and sorted (insertion sort: they
    // arrive nearly in order), are the starting candidates; query 0's are its own answer.
    for (let j = 0; j < kk; j++) {
      const i = idx[j], o = 3 * i;
      const dx = x - p[o], dy = y - p[o + 1], dz = z - p[o + 2];
      const d = dx * dx + dy * dy + dz * dz;
      marks[i] = t;
      let m = j;
      while (m > 0 && d2[m - 1] > d) {
        d2[m] = d2[m - 1];
        idx[m] = idx[m - 1];
        m--;
      }
      d2[m] = d;
      idx[m] = i;
    }
    tree.searchTreeSeeded(x, y, z, kk, idx, d2, marks, t);
    // Ascending order, as Open3D sums them, so the means agree to the last bit.
    let sum = 0;
    for (let j = 0; j < kk; j++) sum += Math.sqrt(d2[j]);
    out[ord[t]] = sum / kk;
  }
  return out;
}
