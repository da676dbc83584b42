import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { loadDepthMap } from "../depth/input-depth.js";
import { depthPng } from "./outputs.js";

describe("depthPng", () => {
  it("round-trips through the depth loader as millimetres, keeping holes and clamping far readings", async () => {
    const depth = { width: 3, height: 2, data: new Float32Array([1.2345, 0, NaN, 70, 0.0004, 3]), unitsPerMetre: 1 };
    const png = await depthPng(depth);
    expect((await sharp(png).metadata()).depth).toBe("ushort");
    const back = await loadDepthMap(Buffer.from(png), { imageWidth: 3, imageHeight: 2, unitsPerMetre: 1000 });
    expect(Array.from(back.data)).toEqual([1235, 0, 0, 65535, 0, 3000]);
  });
});
