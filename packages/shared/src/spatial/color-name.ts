// Names a colour the way a person would in a question ("the red chair"): a small set of basic
// colour terms chosen by hue, saturation and lightness rather than nearest-RGB, because shading
// changes lightness far more than hue.
import type { Rgb } from "./scene-graph.js";

export const BASIC_COLORS = ["black", "white", "gray", "red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink", "brown"] as const;
export type BasicColor = (typeof BASIC_COLORS)[number];

export function colorName([r8, g8, b8]: Rgb): BasicColor {
  const r = r8 / 255, g = g8 / 255, b = b8 / 255;
  const max = Math.max(r, g, b), min = Math.min(r, g, b);
  const lightness = (max + min) / 2;
  const chroma = max - min;
  if (chroma < 0.08 || (chroma < 0.15 && (lightness < 0.2 || lightness > 0.85))) {
    return lightness < 0.22 ? "black" : lightness > 0.78 ? "white" : "gray";
  }
  if (max < 0.12) return "black";
  let hueDeg: number;
  if (max === r) hueDeg = (60 * ((g - b) / chroma) + 360) % 360;
  else if (max === g) hueDeg = 60 * ((b - r) / chroma) + 120;
  else hueDeg = 60 * ((r - g) / chroma) + 240;
  if (hueDeg < 15 || hueDeg >= 330) return lightness > 0.7 ? "pink" : "red";
  if (hueDeg < 45) return max < 0.6 ? "brown" : "orange";
  if (hueDeg < 70) return max < 0.45 ? "brown" : "yellow";
  if (hueDeg < 165) return "green";
  if (hueDeg < 195) return "cyan";
  if (hueDeg < 255) return "blue";
  if (hueDeg < 290) return "purple";
  return lightness > 0.6 ? "pink" : "purple";
}

/** Mean RGB over the pixels where `mask` is non-zero (or over the whole box when there is no mask). */
export function meanRgb(rgb: Uint8Array, width: number, box2d: readonly number[], mask?: Uint8Array): Rgb | undefined {
  const x1 = Math.max(0, Math.floor(box2d[0])), y1 = Math.max(0, Math.floor(box2d[1]));
  const height = rgb.length / 3 / width;
  const x2 = Math.min(width, Math.ceil(box2d[2])), y2 = Math.min(height, Math.ceil(box2d[3]));
  let r = 0, g = 0, b = 0, n = 0;
  for (let y = y1; y < y2; y++) {
    for (let x = x1; x < x2; x++) {
      const i = y * width + x;
      if (mask && mask[i] === 0) continue;
      r += rgb[i * 3]; g += rgb[i * 3 + 1]; b += rgb[i * 3 + 2]; n++;
    }
  }
  if (n === 0) return undefined;
  return [Math.round(r / n), Math.round(g / n), Math.round(b / n)];
}
