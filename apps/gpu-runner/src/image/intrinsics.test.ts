import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { decodeImage } from "./decode.js";
import { InputError } from "./errors.js";
import { parseExif } from "./exif.js";
import { DEFAULT_LONG_SIDE_FOV_DEG, resolveIntrinsics } from "./intrinsics.js";

/** A 120×90 (4:3) JPEG as a phone stores it, with EXIF focal lengths and an orientation tag. */
async function phoneJpeg(orientation: number, focal35 = "26"): Promise<Buffer> {
  return sharp(Buffer.alloc(120 * 90 * 3, 128), { raw: { width: 120, height: 90, channels: 3 } })
    .jpeg()
    .withExif({ IFD0: { Make: "Acme\0", Model: " Phone 1 " }, IFD2: { FocalLengthIn35mmFilm: focal35, FocalLength: "4250/1000" } })
    .withMetadata({ orientation })
    .toBuffer();
}

describe("parseExif", () => {
  it("reads focal lengths, orientation, make and model from a JPEG's EXIF", async () => {
    const meta = await sharp(await phoneJpeg(6)).metadata();
    expect(parseExif(meta.exif)).toEqual({ focalLengthMm: 4.25, focalLength35mmEquiv: 26, orientation: 6, make: "Acme", model: "Phone 1" });
  });

  it("returns undefined for missing or malformed EXIF instead of failing", () => {
    expect(parseExif(undefined)).toBeUndefined();
    expect(parseExif(Buffer.from("Exif\0\0garbage"))).toBeUndefined();
  });

  it("drops a 35 mm-equivalent focal of 0 (EXIF for unknown)", async () => {
    const meta = await sharp(await phoneJpeg(1, "0")).metadata();
    expect(parseExif(meta.exif)?.focalLength35mmEquiv).toBeUndefined();
  });
});

describe("resolveIntrinsics", () => {
  it("prefers the caller's intrinsics, unchanged", () => {
    const given = { fx: 518.86, fy: 519.47, cx: 325.58, cy: 253.74 };
    expect(resolveIntrinsics({ width: 640, height: 480 }, { given, exif: { focalLength35mmEquiv: 26 } })).toEqual({ ...given, source: "input" });
  });

  it("refuses NaN, infinite, non-positive focal lengths and a principal point outside the image", () => {
    const size = { width: 640, height: 480 };
    const bad = [
      { fx: NaN, fy: 500, cx: 320, cy: 240 },
      { fx: 500, fy: Infinity, cx: 320, cy: 240 },
      { fx: 0, fy: 500, cx: 320, cy: 240 },
      { fx: -500, fy: -500, cx: 320, cy: 240 },
      { fx: 1000, fy: 1000, cx: 960, cy: 540 }, // intrinsics of a 1920×1080 frame
    ];
    for (const given of bad) {
      let error: unknown;
      try {
        resolveIntrinsics(size, { given });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).code).toBe("intrinsics_invalid");
    }
    expect(() => resolveIntrinsics(size, { given: bad[4] })).toThrow(/another resolution\? Scale fx,fy,cx,cy/);
  });

  it("refuses focal lengths whose field of view no lens has (1e-300 px, 1 px, 1e9 px)", () => {
    for (const f of [1e-300, 1, 1e9]) {
      expect(() => resolveIntrinsics({ width: 640, height: 480 }, { given: { fx: f, fy: f, cx: 320, cy: 240 } })).toThrow(/field of view of .* between 1° and 170°/);
    }
  });

  it("ignores EXIF 35 mm-equivalent focal lengths outside 8–1200 mm and falls back to the field-of-view estimate", () => {
    for (const f35 of [65535, 5000, 1, 7.9]) {
      expect(resolveIntrinsics({ width: 1600, height: 1200 }, { exif: { focalLength35mmEquiv: f35 } }).source).toBe("fov-estimate");
    }
    for (const f35 of [8, 26, 1200]) expect(resolveIntrinsics({ width: 1600, height: 1200 }, { exif: { focalLength35mmEquiv: f35 } }).source).toBe("exif");
  });

  it("uses the 35 mm-equivalent focal over the image diagonal (43.27 mm), the same in portrait and landscape", () => {
    // iPhone 12 main camera: 26 mm equivalent, 4032×3024, real focal 4.2 mm / 1.4 µm pixels = 3000 px.
    const landscape = resolveIntrinsics({ width: 4032, height: 3024 }, { exif: { focalLength35mmEquiv: 26 } });
    expect(landscape.source).toBe("exif");
    expect(landscape.fx).toBeCloseTo(3028.66, 1);
    expect(landscape.fx / 3000).toBeCloseTo(1, 1);
    const portrait = resolveIntrinsics({ width: 3024, height: 4032 }, { exif: { focalLength35mmEquiv: 26 } });
    expect([portrait.fx, portrait.fy, portrait.cx, portrait.cy]).toEqual([landscape.fx, landscape.fy, 1511.5, 2015.5]);
    // A 3:2 image's diagonal is 43.27 mm exactly at 36 mm across: fx = f35 / 36 × width.
    expect(resolveIntrinsics({ width: 3600, height: 2400 }, { exif: { focalLength35mmEquiv: 50 } }).fx).toBeCloseTo(5000, 6);
  });

  it("reads EXIF from a decoded, EXIF-rotated JPEG and centres the principal point on the upright image", async () => {
    const decoded = await decodeImage(await phoneJpeg(6));
    expect([decoded.image.width, decoded.image.height]).toEqual([90, 120]);
    const k = resolveIntrinsics(decoded.image, { exif: decoded.exif });
    expect(k.source).toBe("exif");
    expect(k.fx).toBeCloseTo((26 * 150) / Math.hypot(36, 24), 9);
    expect(k.fy).toBe(k.fx);
    expect([k.cx, k.cy]).toEqual([44.5, 59.5]);
  });

  it("falls back to a 65° field of view across the longer side, whatever the orientation", () => {
    const landscape = resolveIntrinsics({ width: 640, height: 480 }, { exif: { focalLengthMm: 4.25 } });
    expect(landscape.source).toBe("fov-estimate");
    expect(DEFAULT_LONG_SIDE_FOV_DEG).toBe(65);
    expect(2 * Math.atan(320 / landscape.fx) * (180 / Math.PI)).toBeCloseTo(65, 9);
    const portrait = resolveIntrinsics({ width: 480, height: 640 });
    expect(portrait.fx).toBeCloseTo(landscape.fx, 12);
    expect([portrait.cx, portrait.cy]).toEqual([239.5, 319.5]);
  });
});
