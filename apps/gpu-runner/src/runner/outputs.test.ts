import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { loadDepthMap } from "../depth/input-depth.js";
import { depthPng, labelPng } from "./outputs.js";

describe("depthPng", () => {
  it("round-trips through the depth loader as millimetres, keeping holes and clamping far readings", async () => {
    const depth = { width: 3, height: 2, data: new Float32Array([1.2345, 0, NaN, 70, 0.0004, 3]), unitsPerMetre: 1 };
    const png = await depthPng(depth);
    expect((await sharp(png).metadata()).depth).toBe("ushort");
    const back = await loadDepthMap(Buffer.from(png), { imageWidth: 3, imageHeight: 2, unitsPerMetre: 1000 });
    expect(Array.from(back.data)).toEqual([1235, 0, 0, 65535, 0, 3000]);
  });
});

describe("labelPng", () => {
  it("writes object index + 1 per pixel, 0 elsewhere, the later object winning an overlap", async () => {
    const png = await labelPng([new Uint8Array([1, 1, 0, 0]), undefined, new Uint8Array([0, 1, 1, 0])], 2, 2);
    const { data, info } = await sharp(Buffer.from(png)).toColourspace("grey16").raw({ depth: "ushort" }).toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(1);
    expect(Array.from(new Uint16Array(data.buffer, data.byteOffset, 4))).toEqual([1, 3, 3, 0]);
  });
});
