import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { decodeImage, sniffFormat } from "./decode.js";
import { codeOf } from "../testing/input-error.js";

const W = 6, H = 4;
/** Left half red, right half blue: orientation changes are visible in the pixels. */
function halves(): Buffer {
  const rgb = Buffer.alloc(W * H * 3);
  for (let i = 0; i < W * H; i++) rgb[i * 3 + (i % W < W / 2 ? 0 : 2)] = 255;
  return rgb;
}
const raw = (channels: 1 | 2 | 3 | 4, data: Buffer) => sharp(data, { raw: { width: W, height: H, channels } });
const pixel = (img: { width: number; rgb: Uint8Array }, x: number, y: number) => Array.from(img.rgb.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));


describe("decodeImage: formats", () => {
  it("decodes PNG, WebP and JPEG to 8-bit RGB of the same size", async () => {
    for (const [format, bytes] of [
      ["png", await raw(3, halves()).png().toBuffer()],
      ["webp", await raw(3, halves()).webp({ lossless: true }).toBuffer()],
      ["jpeg", await raw(3, halves()).jpeg({ quality: 100 }).toBuffer()],
    ] as const) {
      const out = await decodeImage(bytes);
      expect(out.format).toBe(format);
      expect([out.image.width, out.image.height, out.image.rgb.length]).toEqual([W, H, W * H * 3]);
      expect(pixel(out.image, 0, 0)[0]).toBeGreaterThan(200);
      expect(pixel(out.image, W - 1, 0)[2]).toBeGreaterThan(200);
    }
  });

  it("expands grey to RGB and flattens alpha onto white", async () => {
    const grey = await raw(1, Buffer.alloc(W * H, 77)).toColourspace("b-w").png().toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    expect(pixel((await decodeImage(grey)).image, 2, 2)).toEqual([77, 77, 77]);

    const rgba = Buffer.alloc(W * H * 4, 10);
    for (let i = 0; i < W * H; i++) rgba[i * 4 + 3] = i === 0 ? 0 : 255;
    const out = await decodeImage(await raw(4, rgba).png().toBuffer());
    expect(pixel(out.image, 0, 0)).toEqual([255, 255, 255]);
    expect(pixel(out.image, 1, 0)).toEqual([10, 10, 10]);
  });

  it("turns the picture upright per its EXIF orientation and reports the stored size", async () => {
    // Orientation 6: the stored pixels must be turned 90° clockwise to be upright.
    const jpeg = await raw(3, halves()).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const out = await decodeImage(jpeg);
    expect([out.image.width, out.image.height]).toEqual([H, W]);
    expect([out.originalWidth, out.originalHeight]).toEqual([W, H]);
    expect(out.exif?.orientation).toBe(6);
    // Stored left (red) half becomes the top half after a clockwise turn.
    expect(pixel(out.image, 1, 0)[0]).toBeGreaterThan(200);
    expect(pixel(out.image, 1, W - 1)[2]).toBeGreaterThan(200);
  });

  it("reads a file path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "decode-"));
    const path = join(dir, "a.png");
    writeFileSync(path, await raw(3, halves()).png().toBuffer());
    expect((await decodeImage(path)).image.width).toBe(W);
    expect(await codeOf(decodeImage(join(dir, "missing.png")))).toBe("image_not_found");
  });
});

describe("decodeImage: bad input", () => {
  it("refuses other formats by their magic bytes, naming the accepted ones", async () => {
    const gif = await raw(3, halves()).gif().toBuffer();
    await expect(decodeImage(gif)).rejects.toThrow(/unsupported image format \(got GIF\): send a JPEG, PNG or WebP/);
    const tiff = await raw(3, halves()).tiff().toBuffer();
    expect(await codeOf(decodeImage(tiff))).toBe("image_unsupported_format");
    expect(await codeOf(decodeImage(Buffer.from("garbage, not an image at all")))).toBe("image_unsupported_format");
    expect(sniffFormat(Buffer.alloc(0))).toBeNull();
  });

  it("rejects truncated JPEG and PNG, and garbage behind a valid signature, as image_corrupt", async () => {
    const big = Buffer.alloc(64 * 48 * 3);
    for (let i = 0; i < big.length; i++) big[i] = (i * 37) % 251;
    const bigRaw = sharp(big, { raw: { width: 64, height: 48, channels: 3 } });
    const jpeg = await bigRaw.clone().jpeg().toBuffer();
    const png = await bigRaw.clone().png().toBuffer();
    expect(await codeOf(decodeImage(jpeg.subarray(0, Math.floor(jpeg.length / 2))))).toBe("image_corrupt");
    expect(await codeOf(decodeImage(png.subarray(0, Math.floor(png.length / 2))))).toBe("image_corrupt");
    expect(await codeOf(decodeImage(Buffer.concat([jpeg.subarray(0, 3), Buffer.from("garbage garbage garbage")])))).toBe("image_corrupt");
    await expect(decodeImage(jpeg.subarray(0, Math.floor(jpeg.length / 2)))).rejects.toThrow(/corrupt or truncated .*re-upload the full file/);
  });

  it("rejects damaged entropy-coded JPEG data (which libjpeg would fill with grey) but not extraneous bytes before a marker", async () => {
    const big = Buffer.alloc(256 * 192 * 3);
    for (let i = 0; i < big.length; i++) big[i] = (i * 37 + (i >> 9)) % 251;
    const jpeg = await sharp(big, { raw: { width: 256, height: 192, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
    const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    const damaged = Buffer.from(jpeg);
    for (let i = sos + 400; i < sos + 900; i++) damaged[i] = (damaged[i] * 7 + 13) & 0xff;
    expect(damaged.length).toBe(jpeg.length); // complete file, same length: only the data is damaged
    expect(await codeOf(decodeImage(damaged))).toBe("image_corrupt");
    const extraneous = Buffer.concat([jpeg.subarray(0, jpeg.length - 2), Buffer.from([1, 2, 3]), jpeg.subarray(jpeg.length - 2)]);
    expect((await decodeImage(extraneous)).image.width).toBe(256);
  });

  it("checks the file size before decoding and the pixel count from the header", async () => {
    const png = await raw(3, halves()).png().toBuffer();
    expect(await codeOf(decodeImage(png, { maxFileBytes: 10, maxPixels: 1e6 }))).toBe("image_file_too_large");
    await expect(decodeImage(png, { maxFileBytes: 1e6, maxPixels: 20 })).rejects.toThrow(/image is 6×4 \(24 pixels\), over the 20 pixels limit: downscale it/);
    expect(await codeOf(decodeImage(png, { maxFileBytes: 1e6, maxPixels: W * H - 1 }))).toBe("image_too_large");
    expect((await decodeImage(png, { maxFileBytes: png.length, maxPixels: W * H })).image.width).toBe(W);
  });
});
