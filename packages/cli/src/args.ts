// Parsing of the CLI's option values. Each failure is a UsageError with one line saying what was
// wrong and what is expected.
import type { Intrinsics } from "@spatial/shared/geometry";

export class UsageError extends Error {
  readonly code = "usage";
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** "fx,fy,cx,cy" in pixels → intrinsics; every value finite, focal lengths positive. */
export function parseIntrinsics(text: string): Intrinsics {
  const parts = text.split(",").map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.length !== 4 || parts.some((p) => p === "") || !values.every(Number.isFinite)) {
    throw new UsageError(`--intrinsics needs four finite numbers "fx,fy,cx,cy" in pixels, got "${text}"`);
  }
  const [fx, fy, cx, cy] = values;
  if (!(fx > 0 && fy > 0)) throw new UsageError(`--intrinsics focal lengths must be positive, got fx=${fx}, fy=${fy}`);
  return { fx, fy, cx, cy };
}

/** A positive, finite number (for --depth-scale). */
export function parsePositive(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value <= 0) throw new UsageError(`${name} needs a positive number, got "${text}"`);
  return value;
}
