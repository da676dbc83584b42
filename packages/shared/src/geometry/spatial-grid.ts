// Frame-agnostic: a uniform grid over points in whatever frame they are in (metres).
//
// Why a hand-rolled hash grid: voxel downsampling, DBSCAN and neighbour queries all need "which
// points share a cell" for hundreds of thousands of points. A JS Map with string keys allocates per
// point and is an order of magnitude slower than open addressing over integer cell coordinates held
// in typed arrays, and a dense 3D array is out of the question for a room-sized cloud at 2 cm.
import type { Points, Vec3 } from "./types.js";

const EMPTY = 0; // slot values are cell id + 1, so a fresh (zeroed) table is empty without a fill
const INT32_LIMIT = 2 ** 31 - 1;

/** Which cell each point falls in, and the integer coordinates of each occupied cell. */
export interface CellAssignment {
  /** Cell id of each point, 0..cellTotal-1, numbered in order of first appearance. */
  pointCell: Uint32Array;
  cellTotal: number;
  /** Integer cell coordinates of each cell: floor((p - origin) / cellSizeM) per axis. */
  cellX: Int32Array;
  cellY: Int32Array;
  cellZ: Int32Array;
  /** Open-addressing table: slot → cell id + 1 (0 = empty); capacity is a power of two. */
  table: Uint32Array;
}

/**
 * Writes the bounding box of points[from..to) (flat xyz; offsets into the array) into
 * out[at..at+6) as minX, minY, minZ, maxX, maxY, maxZ; false when a coordinate is NaN or ±∞.
 */
export function boundsInto(points: Points, from: number, to: number, out: Float64Array, at = 0): boolean {
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  let finite = true;
  for (let o = from; o + 2 < to; o += 3) {
    const x = points[o], y = points[o + 1], z = points[o + 2];
    // x - x is NaN for NaN and ±∞, so one test per point catches both.
    if (x - x + (y - y) + (z - z) !== 0) finite = false;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  out[at] = x0; out[at + 1] = y0; out[at + 2] = z0; out[at + 3] = x1; out[at + 4] = y1; out[at + 5] = z1;
  return finite;
}

/** The points' bounding box; throws RangeError on a non-finite coordinate. */
export function pointBounds(points: Points): { min: Vec3; max: Vec3 } {
  const b = new Float64Array(6);
  if (!boundsInto(points, 0, points.length, b)) throw new RangeError("points must have finite coordinates (remove NaN/∞ first)");
  return { min: [b[0], b[1], b[2]], max: [b[3], b[4], b[5]] };
}

/** Minimum corner of the points' bounding box; throws RangeError on a non-finite coordinate. */
export function minBound(points: Points): Vec3 {
  return pointBounds(points).min;
}

function cellHash(ix: number, iy: number, iz: number, mask: number): number {
  let h = Math.imul(ix, 0x8da6b343) ^ Math.imul(iy, 0xd8163841) ^ Math.imul(iz, 0xcb1ab31f);
  // A finalizer, because the multiplies alone leave the low bits (the ones the mask keeps) weak.
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h & mask;
}

/**
 * Assigns every point to the cell floor((p - origin) / cellSizeM). This is exactly Open3D's voxel
 * index arithmetic (double subtraction, then division, then floor), so voxel counts agree with it
 * bit for bit; do not replace the division by a multiplication with the reciprocal.
 * Throws RangeError on a non-finite coordinate or a cell size too small for int32 coordinates.
 */
export function assignCells(points: Points, cellSizeM: number, origin: Vec3): CellAssignment {
  if (!(cellSizeM > 0) || !Number.isFinite(cellSizeM)) throw new RangeError(`cell size must be a positive finite number, got ${cellSizeM}`);
  if (points.length % 3 !== 0) throw new RangeError(`points must hold xyz triples, got ${points.length} numbers`);
  const n = points.length / 3;
  const [ox, oy, oz] = origin;
  // Same guard as Open3D's "voxel_size is too small": cell coordinates must fit an int32.
  if (n > 0) {
    const { min, max } = pointBounds(points);
    const reach = Math.max(max[0] - ox, max[1] - oy, max[2] - oz, ox - min[0], oy - min[1], oz - min[2]);
    if (reach / cellSizeM >= INT32_LIMIT) throw new RangeError(`cell size ${cellSizeM} m is too small for the extent of the points`);
  }

  let capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  const mask = capacity - 1;
  const table = new Uint32Array(capacity);
  // Cells ≤ points; trimmed at the end.
  let cellX = new Int32Array(Math.max(n, 1));
  let cellY = new Int32Array(Math.max(n, 1));
  let cellZ = new Int32Array(Math.max(n, 1));
  const pointCell = new Uint32Array(n);
  let cellTotal = 0;
  // Neighbouring points (depth-image order, sorted input) usually share a cell: remember the last one.
  let lastX = 0, lastY = 0, lastZ = 0, lastCell = -1;
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    const ix = Math.floor((points[o] - ox) / cellSizeM);
    const iy = Math.floor((points[o + 1] - oy) / cellSizeM);
    const iz = Math.floor((points[o + 2] - oz) / cellSizeM);
    if (ix === lastX && iy === lastY && iz === lastZ && lastCell >= 0) {
      pointCell[i] = lastCell;
      continue;
    }
    let slot = cellHash(ix, iy, iz, mask);
    let cell = -1;
    for (;;) {
      const v = table[slot];
      if (v === EMPTY) {
        cell = cellTotal++;
        table[slot] = cell + 1;
        cellX[cell] = ix;
        cellY[cell] = iy;
        cellZ[cell] = iz;
        break;
      }
      const c = v - 1;
      if (cellX[c] === ix && cellY[c] === iy && cellZ[c] === iz) {
        cell = c;
        break;
      }
      slot = (slot + 1) & mask;
    }
    pointCell[i] = cell;
    lastX = ix;
    lastY = iy;
    lastZ = iz;
    lastCell = cell;
  }
  cellX = cellX.slice(0, cellTotal);
  cellY = cellY.slice(0, cellTotal);
  cellZ = cellZ.slice(0, cellTotal);
  return { pointCell, cellTotal, cellX, cellY, cellZ, table };
}

/**
 * Points bucketed into cubic cells of side `cellSizeM`, stored CSR-style: the points of cell c are
 * `sortedIndex[cellStart[c] .. cellStart[c + 1])` (original indices, ascending within a cell), and
 * their coordinates are the same range of `sortedPoints` so hot loops read contiguous memory.
 * Example: `const g = new SpatialGrid(points, 0.05); const { start, cells } = g.neighbourCells();`
 */
export class SpatialGrid {
  readonly cellSizeM: number;
  /** Corner of cell (0, 0, 0): the points' minimum bound unless given. */
  readonly origin: Vec3;
  readonly pointCount: number;
  /** Number of occupied cells. */
  readonly cellTotal: number;
  readonly cellX: Int32Array;
  readonly cellY: Int32Array;
  readonly cellZ: Int32Array;
  /** Length cellTotal + 1: CSR offsets into sortedIndex / sortedPoints. */
  readonly cellStart: Uint32Array;
  /** Points per cell (cellStart[c + 1] - cellStart[c]). */
  readonly cellCount: Uint32Array;
  /** Original point indices grouped by cell. */
  readonly sortedIndex: Uint32Array;
  /** xyz of sortedIndex[k] at 3k: a copy of the points in cell order. */
  readonly sortedPoints: Float32Array;
  /** Cell of each original point. */
  readonly pointCell: Uint32Array;
  private readonly table: Uint32Array;
  private neighbours: { start: Uint32Array; cells: Uint32Array } | undefined;

  constructor(points: Points, cellSizeM: number, origin?: Vec3) {
    const n = Math.floor(points.length / 3);
    this.origin = origin ? [origin[0], origin[1], origin[2]] : n > 0 ? minBound(points) : [0, 0, 0];
    const assigned = assignCells(points, cellSizeM, this.origin);
    const { pointCell, cellTotal } = assigned;
    this.cellSizeM = cellSizeM;
    this.pointCount = n;
    this.cellTotal = cellTotal;
    this.cellX = assigned.cellX;
    this.cellY = assigned.cellY;
    this.cellZ = assigned.cellZ;
    this.table = assigned.table;
    this.pointCell = pointCell;

    // Counting sort by cell: O(n), stable, so indices stay ascending within a cell.
    const cellCount = new Uint32Array(cellTotal);
    for (let i = 0; i < n; i++) cellCount[pointCell[i]]++;
    const cellStart = new Uint32Array(cellTotal + 1);
    for (let c = 0; c < cellTotal; c++) cellStart[c + 1] = cellStart[c] + cellCount[c];
    const cursor = cellStart.slice(0, cellTotal);
    const sortedIndex = new Uint32Array(n);
    const sortedPoints = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const k = cursor[pointCell[i]]++;
      sortedIndex[k] = i;
      sortedPoints[3 * k] = points[3 * i];
      sortedPoints[3 * k + 1] = points[3 * i + 1];
      sortedPoints[3 * k + 2] = points[3 * i + 2];
    }
    this.cellCount = cellCount;
    this.cellStart = cellStart;
    this.sortedIndex = sortedIndex;
    this.sortedPoints = sortedPoints;
  }

  /** The occupied cell at integer coordinates (ix, iy, iz), or -1. */
  findCell(ix: number, iy: number, iz: number): number {
    const { table, cellX, cellY, cellZ } = this;
    const mask = table.length - 1;
    let slot = cellHash(ix, iy, iz, mask);
    for (;;) {
      const v = table[slot];
      if (v === EMPTY) return -1;
      const c = v - 1;
      if (cellX[c] === ix && cellY[c] === iy && cellZ[c] === iz) return c;
      slot = (slot + 1) & mask;
    }
  }

  /** The cell containing a point (by coordinates), or -1 if that cell is empty. */
  cellOf(x: number, y: number, z: number): number {
    const s = this.cellSizeM;
    return this.findCell(
      Math.floor((x - this.origin[0]) / s),
      Math.floor((y - this.origin[1]) / s),
      Math.floor((z - this.origin[2]) / s),
    );
  }

  /**
   * For every occupied cell c, the occupied cells among the 27 around it (c included) are
   * `cells[start[c] .. start[c + 1])`. Built on first call (27 lookups per cell) and cached, so
   * per-point loops never hash. Any point within one cell size of a point in c lies in these cells.
   */
  neighbourCells(): { start: Uint32Array; cells: Uint32Array } {
    if (this.neighbours) return this.neighbours;
    const { cellTotal, cellX, cellY, cellZ } = this;
    const start = new Uint32Array(cellTotal + 1);
    let cells = new Uint32Array(Math.max(1, cellTotal * 27));
    let k = 0;
    for (let c = 0; c < cellTotal; c++) {
      const x = cellX[c], y = cellY[c], z = cellZ[c];
      for (let dz = -1; dz <= 1; dz++) {
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const nb = this.findCell(x + dx, y + dy, z + dz);
            if (nb >= 0) cells[k++] = nb;
          }
        }
      }
      start[c + 1] = k;
    }
    cells = cells.slice(0, k);
    this.neighbours = { start, cells };
    return this.neighbours;
  }
}
