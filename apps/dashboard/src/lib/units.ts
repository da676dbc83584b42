// Lengths are metres everywhere in the API; the dashboard shows them in the unit the user picks.
export type LengthUnit = "m" | "cm" | "ft" | "in";
export const LENGTH_UNITS: readonly LengthUnit[] = ["m", "cm", "ft", "in"];
const PER_METRE: Record<LengthUnit, number> = { m: 1, cm: 100, ft: 1 / 0.3048, in: 1 / 0.0254 };
const DIGITS: Record<LengthUnit, number> = { m: 2, cm: 0, ft: 2, in: 1 };

export const formatLength = (metres: number, unit: LengthUnit) => `${(metres * PER_METRE[unit]).toFixed(DIGITS[unit])} ${unit}`;

/** Euclidean distance between two points, metres. */
export const distanceM = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
