import { encode } from "fast-png";
import { describe, expect, it } from "vitest";
import { decodeDepthPng, decodeLabelPng, decodePoints } from "./blobs.js";

describe("blob decoders", () => {
  it("decodes a 16-bit millimetre depth PNG to metres, keeping 0 as no reading", () => {
    const mm = new Uint16Array([0, 1000, 2500, 65535, 1, 400]);
    const depth = decodeDepthPng(encode({ width: 3, height: 2, data: mm, depth: 16, channels: 1 }));
    expect(depth.width).toBe(3);
    expect(depth.height).toBe(2);
    expect(Array.from(depth.depthM).map((m) => Number(m.toFixed(4)))).toEqual([0, 1, 2.5, 65.535, 0.001, 0.4]);
  });

  it("honours another depth scale (units per metre)", () => {
    const depth = decodeDepthPng(encode({ width: 1, height: 1, data: new Uint16Array([5000]), depth: 16, channels: 1 }), 5000);
    expect(depth.depthM[0]).toBeCloseTo(1, 6);
  });

  it("refuses an 8-bit or colour PNG as depth or labels", () => {
    const rgb8 = encode({ width: 1, height: 1, data: new Uint8Array([1, 2, 3]), depth: 8, channels: 3 });
    expect(() => decodeDepthPng(rgb8)).toThrow(/16-bit greyscale/);
    expect(() => decodeLabelPng(rgb8)).toThrow(/16-bit greyscale/);
  });

  it("decodes mask labels as they are", () => {
    const labels = decodeLabelPng(encode({ width: 2, height: 2, data: new Uint16Array([0, 1, 2, 300]), depth: 16, channels: 1 }));
    expect(Array.from(labels.labels)).toEqual([0, 1, 2, 300]);
  });

  it("decodes float32 xyz, aligned or not, and refuses a partial triple", () => {
    const xyz = new Float32Array([1, 2, 3, -0.5, 0.25, 4]);
    expect(Array.from(decodePoints(new Uint8Array(xyz.buffer)))).toEqual(Array.from(xyz));
    const shifted = new Uint8Array(xyz.byteLength + 1);
    shifted.set(new Uint8Array(xyz.buffer), 1);
    expect(Array.from(decodePoints(shifted.subarray(1)))).toEqual(Array.from(xyz));
    expect(() => decodePoints(new Uint8Array(13))).toThrow(/float32 xyz/);
  });
});
