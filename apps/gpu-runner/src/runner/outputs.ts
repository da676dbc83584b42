// The binary forms of a job's big outputs, as stored at the edge and referenced from events:
// - depth maps: 16-bit grey PNG in millimetres (0 = no reading), the same format `--depth` reads;
// - point clouds: raw little-endian float32 x, y, z triples in the scene graph's world frame, metres;
// - masks: one 16-bit grey label PNG, pixel = object index + 1 (0 = no object); where masks overlap
//   the later object wins (derived masks rarely overlap: overlaps with depth are shared out by depth).
import sharp from "sharp";
import type { DepthImage } from "@spatial/shared/geometry";

export const POINTS_CONTENT_TYPE = "application/vnd.spatial.points+f32; frame=world; units=m";

const MAX_MM = 65535;

/** A depth image of any scale as a millimetre 16-bit PNG; readings beyond 65.535 m are clamped. */
export async function depthPng(depth: DepthImage): Promise<Uint8Array> {
  const mm = new Uint16Array(depth.width * depth.height);
  const toMm = 1000 / depth.unitsPerMetre;
  for (let i = 0; i < mm.length; i++) {
    const v = depth.data[i] * toMm;
    mm[i] = v > 0 && Number.isFinite(v) ? Math.min(MAX_MM, Math.round(v)) : 0;
  }
  // A Uint16Array (not a byte buffer) is what tells sharp the raw input is 16-bit.
  return new Uint8Array(await sharp(mm, { raw: { width: depth.width, height: depth.height, channels: 1 } }).toColourspace("grey16").png().toBuffer());
}

/** The objects' masks as one 16-bit label PNG: pixel = index + 1 of the last object whose mask covers it. */
export async function labelPng(masks: readonly (Uint8Array | undefined)[], width: number, height: number): Promise<Uint8Array> {
  const labels = new Uint16Array(width * height);
  masks.forEach((mask, index) => {
    if (!mask) return;
    for (let i = 0; i < labels.length; i++) if (mask[i] !== 0) labels[i] = index + 1;
  });
  return new Uint8Array(await sharp(labels, { raw: { width, height, channels: 1 } }).toColourspace("grey16").png().toBuffer());
}
