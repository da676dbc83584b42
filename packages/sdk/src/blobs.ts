// Decoders for a job's binary outputs, in pure JS so they run in browsers, Workers and Node:
// - the depth map: a 16-bit greyscale PNG in millimetres (0 = no reading) → metres, 0 kept as 0;
// - the masks: a 16-bit label PNG, pixel = object index + 1 (0 = no object);
// - an object's points: little-endian float32 x, y, z triples in the scene's world frame (metres).
import { decode } from "fast-png";

export interface DepthMap {
  width: number;
  height: number;
  /** Row-major depth in metres along the camera's z axis; 0 where there is no reading. */
  depthM: Float32Array;
}

export interface LabelMap {
  width: number;
  height: number;
  /** Row-major, object index + 1 per pixel; 0 where no object's mask covers it. */
  labels: Uint16Array;
}

function decodeGrey16(bytes: Uint8Array, what: string): { width: number; height: number; data: Uint16Array } {
  const png = decode(bytes);
  if (png.depth !== 16 || png.channels !== 1 || !(png.data instanceof Uint16Array)) {
    throw new Error(`${what}: expected a 16-bit greyscale PNG, got ${png.channels} channel(s) of ${png.depth} bits`);
  }
  return { width: png.width, height: png.height, data: png.data };
}

/** A depth PNG (`unitsPerMetre` raw units per metre, 1000 = millimetres) as metres. */
export function decodeDepthPng(bytes: Uint8Array, unitsPerMetre = 1000): DepthMap {
  const { width, height, data } = decodeGrey16(bytes, "depth map");
  const depthM = new Float32Array(data.length);
  const metresPerUnit = 1 / unitsPerMetre;
  for (let i = 0; i < data.length; i++) depthM[i] = data[i] * metresPerUnit;
  return { width, height, depthM };
}

/** The masks' label PNG as one label per pixel. */
export function decodeLabelPng(bytes: Uint8Array): LabelMap {
  const { width, height, data } = decodeGrey16(bytes, "mask labels");
  return { width, height, labels: data };
}

/** Float32 xyz triples as a Float32Array (copied when the bytes are not 4-byte aligned). */
export function decodePoints(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 12 !== 0) throw new Error(`point cloud: ${bytes.byteLength} bytes is not a whole number of float32 xyz triples`);
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new Float32Array(bytes.slice().buffer);
}
