import sharp from "sharp";
import { describe, expect, it, beforeAll } from "vitest";
import { fitDepthToImage, loadDepthMap, resampleDepthNearest } from "./input-depth.js";
import { fixturePath, requireRgbdFixtures } from "../testing/fixtures.js";
import { codeOf } from "../testing/input-error.js";

/** A single-channel 16-bit PNG of the given values. */
function png16(width: number, height: number, values: ArrayLike<number>): Promise<Buffer> {
  return sharp(Uint16Array.from(values), { raw: { width, height, channels: 1 } }).toColourspace("grey16").png().toBuffer();
}

/** A minimal uncompressed little-endian float32 greyscale TIFF (sharp writes only 8-bit TIFFs). */
function floatTiff(width: number, height: number, values: number[]): Buffer {
  // [tag, type (3 = SHORT, 4 = LONG), value]; StripOffsets (273) is patched below.
  const tags: [number, number, number][] = [[256, 3, width], [257, 3, height], [258, 3, 32], [259, 3, 1], [262, 3, 1], [273, 4, 0], [277, 3, 1], [278, 3, height], [279, 4, width * height * 4], [339, 3, 3]];
  const ifd = 8, dataAt = ifd + 2 + tags.length * 12 + 4;
  const buf = Buffer.alloc(dataAt + width * height * 4);
  buf.write("II", 0, "latin1");
  buf.writeUInt16LE(42, 2);
  buf.writeUInt32LE(ifd, 4);
  buf.writeUInt16LE(tags.length, ifd);
  tags.forEach(([tag, type, value], i) => {
    const o = ifd + 2 + i * 12;
    buf.writeUInt16LE(tag, o);
    buf.writeUInt16LE(type, o + 2);
    buf.writeUInt32LE(1, o + 4);
    if (type === 3) buf.writeUInt16LE(value, o + 8);
    else buf.writeUInt32LE(tag === 273 ? dataAt : value, o + 8);
  });
  values.forEach((v, i) => buf.writeFloatLE(v, dataAt + i * 4));
  return buf;
}


const validCount = (data: ArrayLike<number>) => Array.from(data).filter((v) => v > 0).length;

describe("loadDepthMap: real RGB-D frames", () => {
  beforeAll(requireRgbdFixtures);
  it("reads NYU's Kinect depth (1000 units per metre) with every 16-bit value intact", async () => {
    const d = await loadDepthMap(fixturePath("nyu_00000", "depth.png"), { imageWidth: 640, imageHeight: 480 });
    expect([d.width, d.height, d.unitsPerMetre, d.data.constructor]).toEqual([640, 480, 1000, Uint16Array]);
    expect(d.data[240 * 640 + 320]).toBe(3015); // 3.015 m, not a value squashed through 8 bits
    expect(validCount(d.data)).toBe(225121);
    expect(Array.from(d.data).reduce((a, b) => Math.max(a, b), 0) / 1000).toBeCloseTo(6.625, 3);
  });

  it("keeps KITTI's sparse lidar depth sparse", async () => {
    const d = await loadDepthMap(fixturePath("kitti_000008", "depth.png"), { imageWidth: 1242, imageHeight: 375 });
    expect(validCount(d.data)).toBe(16995); // the corrected fixture: 149 far returns that had wrapped are gone
    expect(validCount(d.data) / d.data.length).toBeLessThan(0.04);
  });

  it("reads TUM depth at 5000 units per metre", async () => {
    const d = await loadDepthMap(fixturePath("open3d_pairs", "TUM_depth.png"), { imageWidth: 640, imageHeight: 480, unitsPerMetre: 5000 });
    expect(d.unitsPerMetre).toBe(5000);
    expect(d.data[240 * 640 + 320] / d.unitsPerMetre).toBeCloseTo(2.184, 3);
  });

  it("halves a sparse lidar map without losing its points to nearest-neighbour sampling", async () => {
    const full = await loadDepthMap(fixturePath("kitti_000008", "depth.png"), { imageWidth: 1242, imageHeight: 375 });
    // 621×188 is 3.303:1 against 3.312:1: the same aspect within 1%.
    const half = fitDepthToImage(full, 621, 188);
    const originals = new Set(full.data);
    expect(Array.from(half.data).every((v) => originals.has(v))).toBe(true);
    // 2×2 footprints: plain nearest sampling would keep about a quarter of the points; at most a few
    // lidar points share a footprint.
    expect(validCount(half.data)).toBeGreaterThan(0.85 * 17144);
  });
});

describe("loadDepthMap: synthetic maps", () => {
  it("upsamples a same-aspect map by nearest neighbour: no value between the two sides of an edge, zeros stay zeros", async () => {
    // 4×2: a step from 1 m to 3 m, with a missing reading on each side.
    const bytes = await png16(4, 2, [1000, 0, 3000, 3000, 1000, 1000, 0, 3000]);
    const d = await loadDepthMap(bytes, { imageWidth: 8, imageHeight: 4 });
    expect([d.width, d.height]).toEqual([8, 4]);
    expect(new Set(d.data)).toEqual(new Set([0, 1000, 3000]));
    expect(Array.from(d.data.subarray(0, 8))).toEqual([1000, 1000, 0, 0, 3000, 3000, 3000, 3000]);
    expect(Array.from(d.data.subarray(24, 32))).toEqual([1000, 1000, 1000, 1000, 0, 0, 3000, 3000]);
  });

  it("uses a same-size map as is and keeps the caller's scale", async () => {
    const d = await loadDepthMap(await png16(3, 1, [0, 65535, 2]), { imageWidth: 3, imageHeight: 1, unitsPerMetre: 256 });
    expect(Array.from(d.data)).toEqual([0, 65535, 2]);
    expect(d.unitsPerMetre).toBe(256);
  });

  it("refuses a map of another aspect ratio, naming both sizes", async () => {
    const bytes = await png16(4, 3, new Array(12).fill(1000));
    await expect(loadDepthMap(bytes, { imageWidth: 16, imageHeight: 9 })).rejects.toThrow(/depth map is 4×3 but the image is 16×9/);
    expect(await codeOf(loadDepthMap(bytes, { imageWidth: 16, imageHeight: 9 }))).toBe("depth_size_mismatch");
  });

  it("refuses 8-bit and multi-channel maps, and non-PNG files, as depth_format", async () => {
    const grey8 = await sharp(Buffer.alloc(4, 50), { raw: { width: 2, height: 2, channels: 1 } }).toColourspace("b-w").png().toBuffer();
    await expect(loadDepthMap(grey8, { imageWidth: 2, imageHeight: 2 })).rejects.toThrow("8-bit depth cannot hold metric depth; save 16-bit");
    const rgb16 = await sharp(new Uint16Array(12).fill(3000), { raw: { width: 2, height: 2, channels: 3 } }).toColourspace("rgb16").png().toBuffer();
    expect((await sharp(rgb16).metadata()).depth).toBe("ushort");
    await expect(loadDepthMap(rgb16, { imageWidth: 2, imageHeight: 2 })).rejects.toThrow(/3 channels: save it as a single-channel/);
    const jpeg = await sharp(Buffer.alloc(12, 50), { raw: { width: 2, height: 2, channels: 3 } }).jpeg().toBuffer();
    expect(await codeOf(loadDepthMap(jpeg, { imageWidth: 2, imageHeight: 2 }))).toBe("depth_format");
    expect(await codeOf(loadDepthMap(await png16(1, 1, [5]), { imageWidth: 1, imageHeight: 1, unitsPerMetre: 0 }))).toBe("depth_format");
  });

  it("drops readings beyond the maximum range as noise, and refuses depth scales outside 1–100000 units per metre", async () => {
    // 1000 units/m: 65.535 m fits; at 100 units/m, 65535 is 655 m: beyond any sensor, dropped.
    const bytes = await png16(3, 1, [2000, 65535, 30000]);
    expect(Array.from((await loadDepthMap(bytes, { imageWidth: 3, imageHeight: 1, unitsPerMetre: 100 })).data)).toEqual([2000, 0, 30000]);
    expect(Array.from((await loadDepthMap(bytes, { imageWidth: 3, imageHeight: 1, unitsPerMetre: 1000, maxRangeM: 10 })).data)).toEqual([2000, 0, 0]);
    for (const unitsPerMetre of [1e-300, 0.5, 1e300]) {
      expect(await codeOf(loadDepthMap(bytes, { imageWidth: 3, imageHeight: 1, unitsPerMetre }))).toBe("depth_format");
    }
  });

  it("refuses an all-zero map as depth_empty", async () => {
    expect(await codeOf(loadDepthMap(await png16(3, 2, [0, 0, 0, 0, 0, 0]), { imageWidth: 3, imageHeight: 2 }))).toBe("depth_empty");
  });

  it("reads a float32 TIFF as metres, invalid values becoming 0", async () => {
    const tiff = floatTiff(4, 2, [0, 1.5, 2.25, 10.125, NaN, -1, Infinity, 7]);
    const d = await loadDepthMap(tiff, { imageWidth: 4, imageHeight: 2, unitsPerMetre: 1000 });
    expect(d.unitsPerMetre).toBe(1);
    expect(d.data).toBeInstanceOf(Float32Array);
    expect(Array.from(d.data)).toEqual([0, 1.5, 2.25, 10.125, 0, 0, 0, 7]);
  });
});

describe("resampleDepthNearest", () => {
  it("shrinks by taking the centre sample, or the valid reading nearest the centre when it is missing", () => {
    // 4×4 → 2×2. Top-left: the centre sample (1, 1) is missing, (0, 0) is the only reading in the
    // footprint. Top-right: the centre sample (3, 1) is valid. Bottom-left: no reading at all.
    const data = new Uint16Array([
      5, 0, 0, 0,
      0, 0, 0, 7,
      0, 0, 9, 9,
      0, 0, 9, 9,
    ]);
    const out = resampleDepthNearest({ width: 4, height: 4, data, unitsPerMetre: 1000 }, 2, 2);
    expect(Array.from(out.data)).toEqual([5, 7, 0, 9]);
    expect(out.data).toBeInstanceOf(Uint16Array);
  });

  it("does not modify its input", () => {
    const data = new Float32Array([1, 2, 3, 4]);
    resampleDepthNearest({ width: 2, height: 2, data, unitsPerMetre: 1 }, 4, 4);
    expect(Array.from(data)).toEqual([1, 2, 3, 4]);
  });
});
