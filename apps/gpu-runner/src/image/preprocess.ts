// Image → model input tensor, as a manifest's `Preprocess` says, and the mapping back from the
// model's input pixels to the original image's pixels (for boxes and masks).
import type { Preprocess } from "../models/manifest.js";
import type { RgbImage } from "./rgb-image.js";

export interface PreparedInput {
  /** Float32 tensor data in the manifest's layout, batch 1. */
  data: Float32Array;
  dims: [number, number, number, number];
  /** Input pixel = original pixel × scale (+ nothing: letterbox pads right/bottom only). */
  scaleX: number;
  scaleY: number;
}

/**
 * Resizes with bilinear sampling (pixel centres aligned, as OpenCV's INTER_LINEAR), letterboxing
 * when asked, and normalises each value v to (v · scale − mean) / std.
 */
export function prepareInput(image: RgbImage, p: Preprocess): PreparedInput {
  const { width: outW, height: outH } = p;
  let scaleX = outW / image.width, scaleY = outH / image.height;
  if (p.resize === "letterbox") scaleX = scaleY = Math.min(scaleX, scaleY);
  const usedW = Math.min(outW, Math.round(image.width * scaleX)), usedH = Math.min(outH, Math.round(image.height * scaleY));
  const data = new Float32Array(outW * outH * 3);
  const order = p.channels === "RGB" ? [0, 1, 2] : [2, 1, 0];
  const mul = order.map((c) => p.scale / p.std[order.indexOf(c)]);
  const add = order.map((c) => -p.mean[order.indexOf(c)] / p.std[order.indexOf(c)]);
  const nchw = p.layout === "NCHW";
  const plane = outW * outH;
  const { rgb, width: inW, height: inH } = image;
  const pad = [0, 1, 2].map((k) => p.padValue * mul[k] + add[k]);
  for (let y = 0; y < outH; y++) {
    const sy = Math.min(inH - 1, Math.max(0, (y + 0.5) / scaleY - 0.5));
    const y0 = Math.floor(sy), y1 = Math.min(inH - 1, y0 + 1), fy = sy - y0;
    for (let x = 0; x < outW; x++) {
      const o = y * outW + x;
      if (x >= usedW || y >= usedH) {
        for (let k = 0; k < 3; k++) data[nchw ? k * plane + o : o * 3 + k] = pad[k];
        continue;
      }
      const sx = Math.min(inW - 1, Math.max(0, (x + 0.5) / scaleX - 0.5));
      const x0 = Math.floor(sx), x1 = Math.min(inW - 1, x0 + 1), fx = sx - x0;
      const i00 = (y0 * inW + x0) * 3, i01 = (y0 * inW + x1) * 3, i10 = (y1 * inW + x0) * 3, i11 = (y1 * inW + x1) * 3;
      for (let k = 0; k < 3; k++) {
        const c = order[k];
        const top = rgb[i00 + c] + (rgb[i01 + c] - rgb[i00 + c]) * fx;
        const bottom = rgb[i10 + c] + (rgb[i11 + c] - rgb[i10 + c]) * fx;
        const v = top + (bottom - top) * fy;
        data[nchw ? k * plane + o : o * 3 + k] = v * mul[k] + add[k];
      }
    }
  }
  const dims: [number, number, number, number] = nchw ? [1, 3, outH, outW] : [1, outH, outW, 3];
  return { data, dims, scaleX, scaleY };
}
