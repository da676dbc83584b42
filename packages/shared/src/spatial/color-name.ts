// Names a colour the way a person would in a question ("the red chair", "the pink ball") from its
// chromaticity in OKLab / OKLCH (Ottosson 2020), a perceptual space, with lightness handled apart:
// - Shading multiplies an object's linear RGB by a factor, which scales OKLab's L, a and b alike, so
//   the hue angle and the ratio chroma / lightness ("saturation" here) do not change under shading.
//   Hue bands and the grey test use those two; lightness only separates pairs people tell apart by
//   it (white / gray / black, pink / red, brown / orange) and is read from the lit part of the
//   object (`litRgb`), so a lit white box is "white", not the gray of its shaded sides.
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
/** Lit lightness above which a grey is "white", below which "black". */
const WHITE_L = 0.82;
const BLACK_L = 0.33;

export function colorName(rgb: Rgb): BasicColor {
  const { l, c, hDeg: h } = oklch(rgb);
  if (l < 0.12) return "black";
  const saturation = c / l;
  if (saturation < GREY_SATURATION || c < GREY_CHROMA) return l > WHITE_L ? "white" : l < BLACK_L ? "black" : "gray";
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

/** Mean RGB over the pixels where `mask` is non-zero (or over the whole box when there is no mask). */
export function meanRgb(rgb: Uint8Array, width: number, box2d: readonly number[], mask?: Uint8Array): Rgb | undefined {
  return litRgb(rgb, width, box2d, mask, 0);
}

/** Share of an object's pixels, brightest first, that `litRgb` averages by default. */
export const LIT_SHARE = 0.25;

/**
 * Mean RGB of the lit part of an object: the brightest `litShare` of its mask pixels by luma (all
 * of them when `litShare` is 0). Shaded sides and contact shadows darken a colour without changing
 * what a person calls it, so naming reads the lit part.
 */
export function litRgb(rgb: Uint8Array, width: number, box2d: readonly number[], mask?: Uint8Array, litShare = LIT_SHARE): Rgb | undefined {
  const x1 = Math.max(0, Math.floor(box2d[0])), y1 = Math.max(0, Math.floor(box2d[1]));
  const height = rgb.length / 3 / width;
  const x2 = Math.min(width, Math.ceil(box2d[2])), y2 = Math.min(height, Math.ceil(box2d[3]));
  const pixels: number[] = [];
  for (let y = y1; y < y2; y++) {
    for (let x = x1; x < x2; x++) {
      const i = y * width + x;
      if (mask && mask[i] === 0) continue;
      pixels.push(i);
    }
  }
  if (pixels.length === 0) return undefined;
  // A luma histogram finds the brightness above which the lit share lies, without sorting.
  const luma = (i: number) => Math.round(0.2126 * rgb[i * 3] + 0.7152 * rgb[i * 3 + 1] + 0.0722 * rgb[i * 3 + 2]);
  let threshold = 0;
  if (litShare > 0) {
    const histogram = new Uint32Array(256);
    for (const i of pixels) histogram[luma(i)]++;
    const wanted = Math.max(1, Math.round(pixels.length * litShare));
    for (let level = 255, seen = 0; level >= 0; level--) {
      seen += histogram[level];
      if (seen >= wanted) { threshold = level; break; }
    }
  }
  let r = 0, g = 0, b = 0, n = 0;
  for (const i of pixels) {
    if (litShare > 0 && luma(i) < threshold) continue;
    r += rgb[i * 3]; g += rgb[i * 3 + 1]; b += rgb[i * 3 + 2]; n++;
  }
  return [Math.round(r / n), Math.round(g / n), Math.round(b / n)];
}
