// Names a colour the way a person would in a question ("the red chair", "the pink ball") from its
// chromaticity in OKLab / OKLCH (Ottosson 2020), a perceptual space, with lightness handled apart:
// - Shading multiplies an object's linear RGB by a factor, which scales OKLab's L, a and b alike, so
//   the hue angle and the ratio chroma / lightness ("saturation" here) do not change under shading.
//   Hue bands and the grey test use those two; lightness only separates pairs people tell apart by
//   it (white / gray / black, pink / red, brown / orange) and is read from the lit part of the
//   object (`objectRgb`), so a lit white box is "white", not the gray of its shaded sides.
// Band edges (OKLCH hue, degrees) were set from the CSS named colours of each basic name; the test
// checks shades of every name.
import type { Rgb } from "./scene-graph.js";

export const BASIC_COLORS = ["black", "white", "gray", "red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink", "brown"] as const;
export type BasicColor = (typeof BASIC_COLORS)[number];

export interface Oklch {
  /** Perceived lightness, 0 (black) .. 1 (white). */
  l: number;
  /** Chroma, 0 for greys; about 0.32 at most for sRGB. */
  c: number;
  /** Hue angle, degrees in [0, 360). */
  hDeg: number;
}

function linear(c8: number): number {
  const c = c8 / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** sRGB (0..255) → OKLCH. Example: `oklch([255, 255, 255])` → `{ l: 1, c: 0, … }`. */
export function oklch([r8, g8, b8]: readonly number[]): Oklch {
  const r = linear(r8), g = linear(g8), b = linear(b8);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  const L = 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s;
  const A = 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s;
  const B = 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s;
  return { l: L, c: Math.hypot(A, B), hDeg: ((Math.atan2(B, A) * 180) / Math.PI + 360) % 360 };
}

/** Below this chroma / lightness a colour reads as a grey (beige and off-whites included). */
const GREY_SATURATION = 0.06;
/** …and so does any colour this close to the grey axis (near-blacks tinted by a few levels). */
const GREY_CHROMA = 0.025;
/** Below this chroma / lightness a dark red or orange reads as brown (CSS maroon is 0.41, a dark walnut 0.08). */
const BROWN_SATURATION = 0.13;
/** Lit lightness above which a grey is "white", below which "black". */
const WHITE_L = 0.82;
const BLACK_L = 0.33;

export function colorName(rgb: Rgb): BasicColor {
  const { l, c, hDeg: h } = oklch(rgb);
  if (l < 0.12) return "black";
  const saturation = c / l;
  if (saturation < GREY_SATURATION || c < GREY_CHROMA) return l > WHITE_L ? "white" : l < BLACK_L ? "black" : "gray";
  // Dark, weakly saturated reds and oranges are the browns of wood and leather (mahogany, walnut):
  // people call those brown, and keep "red" for a saturated red however dark (a maroon car).
  if ((h >= 345 || h < 75) && l < 0.6 && saturation < BROWN_SATURATION) return "brown";
  if (h >= 345 || h < 15) return l >= 0.5 ? "pink" : "red";
  if (h < 38) return l >= 0.75 && saturation < 0.22 ? "pink" : "red";
  // Brown is dark or greyish orange / yellow (tan included).
  if (h < 75) return l < 0.55 || saturation < 0.12 ? "brown" : "orange";
  if (h < 125) return l >= 0.65 ? "yellow" : h < 100 || saturation < 0.12 ? "brown" : "green";
  if (h < 170) return "green";
  if (h < 220) return "cyan";
  if (h < 290) return "blue";
  if (h < 320) return l > 0.8 ? "pink" : "purple";
  return l >= 0.6 ? "pink" : "purple";
}

/** The box clipped to the image, in whole pixels. */
function pixelBounds(rgb: Uint8Array, width: number, box2d: readonly number[]): [number, number, number, number] {
  const height = rgb.length / 3 / width;
  return [Math.max(0, Math.floor(box2d[0])), Math.max(0, Math.floor(box2d[1])), Math.min(width, Math.ceil(box2d[2])), Math.min(height, Math.ceil(box2d[3]))];
}

/** Mean RGB over the pixels where `mask` is non-zero (or over the whole box when there is no mask). */
export function meanRgb(rgb: Uint8Array, width: number, box2d: readonly number[], mask?: Uint8Array): Rgb | undefined {
  const [x1, y1, x2, y2] = pixelBounds(rgb, width, box2d);
  let r = 0, g = 0, b = 0, n = 0;
  for (let y = y1; y < y2; y++) {
    for (let x = x1, i = y * width + x1; x < x2; x++, i++) {
      if (mask && mask[i] === 0) continue;
      r += rgb[i * 3]; g += rgb[i * 3 + 1]; b += rgb[i * 3 + 2]; n++;
    }
  }
  return n === 0 ? undefined : [Math.round(r / n), Math.round(g / n), Math.round(b / n)];
}

/**
 * The lit part's lightness: the luminance this share of the object's pixels lies below. A quantile,
 * not the mean of the brightest pixels, so a few highlights cannot move it; above the median, so
 * shaded sides and contact shadows do not darken a white box to gray.
 */
export const LIT_QUANTILE = 0.75;
/**
 * Pixels brighter than this quantile are left out of the chromaticity: specular highlights,
 * reflections of the sky and clipped pixels carry the light's colour, not the object's.
 */
export const HIGHLIGHT_QUANTILE = 0.9;

const LINEAR = Float64Array.from({ length: 256 }, (_, c8) => linear(c8));
const LUMA_BINS = 1024;

/** Linear luminance of pixel i, as a histogram bin. */
function lumaBin(rgb: Uint8Array, i: number): number {
  const luma = 0.2126 * LINEAR[rgb[i * 3]] + 0.7152 * LINEAR[rgb[i * 3 + 1]] + 0.0722 * LINEAR[rgb[i * 3 + 2]];
  return Math.min(LUMA_BINS - 1, Math.floor(luma * LUMA_BINS));
}

/**
 * The object's chromaticity (linear-light mean, highlights left out) at the lightness of each of
 * `quantiles` of its luminance. Two passes over the box and one histogram (no pixel list, no sort):
 * a large object in a large photo costs its pixels once more, not an array of them.
 */
function chromaticityAt(rgb: Uint8Array, width: number, box2d: readonly number[], mask: Uint8Array | undefined, quantiles: readonly number[]): Rgb[] | undefined {
  const [x1, y1, x2, y2] = pixelBounds(rgb, width, box2d);
  const histogram = new Uint32Array(LUMA_BINS);
  let n = 0;
  for (let y = y1; y < y2; y++) {
    for (let x = x1, i = y * width + x1; x < x2; x++, i++) {
      if (mask && mask[i] === 0) continue;
      histogram[lumaBin(rgb, i)]++;
      n++;
    }
  }
  if (n === 0) return undefined;
  const quantileBin = (q: number) => {
    const wanted = Math.min(n, Math.floor(q * n) + 1);
    for (let level = 0, seen = 0; level < LUMA_BINS; level++) if ((seen += histogram[level]) >= wanted) return level;
    return LUMA_BINS - 1;
  };
  const highlightBin = quantileBin(HIGHLIGHT_QUANTILE);
  let r = 0, g = 0, b = 0;
  for (let y = y1; y < y2; y++) {
    for (let x = x1, i = y * width + x1; x < x2; x++, i++) {
      if ((mask && mask[i] === 0) || lumaBin(rgb, i) > highlightBin) continue;
      r += LINEAR[rgb[i * 3]]; g += LINEAR[rgb[i * 3 + 1]]; b += LINEAR[rgb[i * 3 + 2]];
    }
  }
  const meanLuma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return quantiles.map((q): Rgb => {
    if (meanLuma <= 0) return [0, 0, 0];
    const k = (quantileBin(q) + 0.5) / LUMA_BINS / meanLuma;
    return [toSrgb8(r * k), toSrgb8(g * k), toSrgb8(b * k)];
  });
}

/**
 * The colour a person would name an object by: its chromaticity (linear-light mean, highlights
 * left out) at the lightness of its lit part (`LIT_QUANTILE`). Shading scales linear RGB, so the
 * mean's chromaticity is the surface's and only its lightness needs the lit part. Measured on
 * hand-named objects of real photos (`npm run bench -- --only=colors`).
 */
export function objectRgb(rgb: Uint8Array, width: number, box2d: readonly number[], mask?: Uint8Array, litQuantile = LIT_QUANTILE): Rgb | undefined {
  return chromaticityAt(rgb, width, box2d, mask, [litQuantile])?.[0];
}

function toSrgb8(c: number): number {
  const v = Math.min(1, Math.max(0, c));
  return Math.round(255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055));
}

/**
 * An object's colour and its name. The name is read from the lit part (`objectRgb`), except that a
 * gray whose typical pixel (the median) is black is black: a glossy black car's windows, chrome and
 * sky reflections fill its lit quarter, while its paint is most of it.
 */
export function objectColor(rgb: Uint8Array, width: number, box2d: readonly number[], mask?: Uint8Array): { name: BasicColor; rgb: Rgb } | undefined {
  const at = chromaticityAt(rgb, width, box2d, mask, [LIT_QUANTILE, 0.5]);
  if (!at) return undefined;
  const [lit, typical] = at;
  const name = colorName(lit);
  return { name: name === "gray" && colorName(typical) === "black" ? "black" : name, rgb: lit };
}
