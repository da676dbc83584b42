// Numbers the way a person says them (SpatialVLM's "human-aligned" answers): lengths rounded to
// about two significant figures in the unit a person would pick, and clock hours as "3 o'clock".
//
// Rounding scheme of `formatLength(valueM, "auto")` (metric, the default):
//   < 9.5 cm        → nearest 1 cm       ("7 centimeters")
//   < 97.5 cm       → nearest 5 cm       ("45 centimeters")
//   < 9.95 m        → nearest 0.1 m      ("1.3 meters", "2 meters")
//   < 99.5 m        → nearest 1 m        ("12 meters")
//   otherwise       → two significant figures ("140 meters")
// Imperial ("ft-in"): under a foot → nearest inch ("8 inches"); under 10 ft → feet and inches to the
// nearest inch ("5 feet 3 inches", "4 feet"); beyond → nearest foot ("14 feet"). Yards: nearest 0.1 yd
// under 10 yd, then whole yards.
// The choice of unit is made on the rounded value, so 0.98 m reads "1 meter", not "100 centimeters".
import { z } from "zod";

export const LengthUnit = z.enum(["m", "cm", "ft", "in", "ft-in", "yd"]);
export type LengthUnit = z.infer<typeof LengthUnit>;
/** The unit a caller asks for: "auto" lets the value pick metres or centimetres. */
export const UnitRequest = z.enum(["auto", ...LengthUnit.options]);
export type UnitRequest = z.infer<typeof UnitRequest>;

export interface HumanLength {
  /** "1.3 meters", "5 feet 3 inches". */
  text: string;
  /** The unit the text uses ("ft-in" when it names feet and inches, "in" when only inches). */
  unit: LengthUnit;
  /** The rounded value the text states, back in metres. */
  roundedM: number;
}

const INCH_M = 0.0254;
const FOOT_M = 0.3048;
const YARD_M = 0.9144;

function roundTo(value: number, step: number): number {
  // Integer arithmetic on the step count so 1.3 does not print as 1.2999999999999998.
  return Math.round(value / step) * step;
}

function twoSignificant(value: number): number {
  if (value === 0) return 0;
  const magnitude = 10 ** (Math.floor(Math.log10(Math.abs(value))) - 1);
  return Math.round(value / magnitude) * magnitude;
}

function num(value: number): string {
  return String(Number(value.toFixed(2)));
}

function plural(value: number, one: string, many: string): string {
  return `${num(value)} ${value === 1 ? one : many}`;
}

function metres(valueM: number): HumanLength {
  const m = valueM < 9.95 ? roundTo(valueM, 0.1) : valueM < 99.5 ? Math.round(valueM) : twoSignificant(valueM);
  return { text: plural(Number(m.toFixed(1)), "meter", "meters"), unit: "m", roundedM: Number(m.toFixed(1)) };
}

function centimetres(valueM: number, large: boolean): HumanLength {
  const cm = valueM * 100;
  let rounded: number;
  if (cm < 9.5) rounded = Math.round(cm);
  else if (cm < 97.5 || !large) rounded = roundTo(cm, 5);
  else rounded = cm < 300 ? roundTo(cm, 5) : roundTo(cm, 10);
  return { text: plural(rounded, "centimeter", "centimeters"), unit: "cm", roundedM: rounded / 100 };
}

function feetAndInches(valueM: number): HumanLength {
  const inches = Math.max(0, valueM) / INCH_M;
  if (inches < 11.5) {
    const n = Math.round(inches);
    return { text: plural(n, "inch", "inches"), unit: "in", roundedM: n * INCH_M };
  }
  if (inches < 119.5) {
    const total = Math.round(inches);
    const feet = Math.floor(total / 12), rest = total % 12;
    const text = rest === 0 ? plural(feet, "foot", "feet") : `${plural(feet, "foot", "feet")} ${plural(rest, "inch", "inches")}`;
    return { text, unit: "ft-in", roundedM: total * INCH_M };
  }
  const feet = Math.round(inches / 12);
  return { text: plural(feet, "foot", "feet"), unit: "ft-in", roundedM: feet * FOOT_M };
}

/** A length in metres as a person would say it. Example: `humanizeLength(1.27)` → `{ text: "1.3 meters", unit: "m", roundedM: 1.3 }`. */
export function humanizeLength(valueM: number, unit: UnitRequest = "auto"): HumanLength {
  if (!Number.isFinite(valueM)) throw new RangeError(`cannot humanize a length of ${valueM}`);
  const v = Math.max(0, valueM);
  switch (unit) {
    case "auto": {
      const asCm = centimetres(v, false);
      return asCm.roundedM < 1 ? asCm : metres(v);
    }
    case "m": {
      if (v >= 0.995) return metres(v);
      const m = v < 0.095 ? roundTo(v, 0.01) : roundTo(v, 0.05);
      const rounded = Number(m.toFixed(2));
      return { text: plural(rounded, "meter", "meters"), unit: "m", roundedM: rounded };
    }
    case "cm":
      return centimetres(v, true);
    case "ft": {
      const feet = v / FOOT_M;
      const rounded = feet < 0.95 ? Number(roundTo(feet, 0.1).toFixed(1)) : feet < 9.75 ? roundTo(feet, 0.5) : Math.round(feet);
      return { text: plural(rounded, "foot", "feet"), unit: "ft", roundedM: rounded * FOOT_M };
    }
    case "in": {
      const inches = v / INCH_M;
      const rounded = inches < 99.5 ? Math.round(inches) : roundTo(inches, 5);
      return { text: plural(rounded, "inch", "inches"), unit: "in", roundedM: rounded * INCH_M };
    }
    case "ft-in":
      return feetAndInches(v);
    case "yd": {
      const yards = v / YARD_M;
      const rounded = yards < 9.95 ? Number(roundTo(yards, 0.1).toFixed(1)) : Math.round(yards);
      return { text: plural(rounded, "yard", "yards"), unit: "yd", roundedM: rounded * YARD_M };
    }
  }
}

/** The text of `humanizeLength`. Example: `formatLength(1.6, "ft-in")` → "5 feet 3 inches". */
export function formatLength(valueM: number, unit: UnitRequest = "auto"): string {
  return humanizeLength(valueM, unit).text;
}

/** "3 o'clock". */
export function formatClockHour(hour: number): string {
  if (!(Number.isInteger(hour) && hour >= 1 && hour <= 12)) throw new RangeError(`clock hour must be 1..12, got ${hour}`);
  return `${hour} o'clock`;
}

/**
 * The unit a question asks for, or null when it asks for none.
 * Example: `parseUnitRequest("How tall is it in feet?")` → "ft"; "…in feet and inches?" → "ft-in".
 * Millimetres are answered in centimetres; "metric" means the default (null).
 */
export function parseUnitRequest(text: string): LengthUnit | null {
  const t = ` ${text.toLowerCase().replace(/parking met(?:er|re)s?/g, " ")} `;
  const feet = /\b(?:feet|foot|ft)\b/.test(t);
  const inches = /\b(?:inch|inches)\b/.test(t);
  if ((feet && inches) || /\bimperial\b/.test(t)) return "ft-in";
  if (/\b(?:yards?|yds?)\b/.test(t)) return "yd";
  if (feet) return "ft";
  if (inches) return "in";
  if (/\b(?:centimet(?:er|re)s?|cms?|millimet(?:er|re)s?|mm)\b/.test(t)) return "cm";
  if (/\b(?:met(?:er|re)s?)\b/.test(t) || /(?:\bin |\d\s*)m\b/.test(t)) return "m";
  return null;
}
