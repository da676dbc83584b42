import { describe, expect, it } from "vitest";
import type { Detection } from "./detection.js";
import { cropImage, detectSliced, mergeAcrossTiles, sliceTiles, slicingHelps, tileDetectionsToImage } from "./sliced.js";

describe("slicingHelps", () => {
  it("slices only images the full pass shrinks below half their size", () => {
    expect(slicingHelps(1242, 375, 416, 416)).toBe(true);
    expect(slicingHelps(1296, 968, 416, 416)).toBe(true);
    expect(slicingHelps(640, 480, 416, 416)).toBe(false);
    expect(slicingHelps(730, 530, 416, 416)).toBe(false);
  });
});

describe("sliceTiles", () => {
  it("covers a wide street frame with overlapping square tiles flush with the borders", () => {
    const tiles = sliceTiles(1242, 375);
    expect(tiles.length).toBe(5);
    expect(tiles[0]).toEqual({ x0: 0, y0: 0, width: 375, height: 375 });
    expect(tiles[tiles.length - 1].x0 + tiles[tiles.length - 1].width).toBe(1242);
    for (let i = 1; i < tiles.length; i++) {
      const overlap = tiles[i - 1].x0 + tiles[i - 1].width - tiles[i].x0;
      expect(overlap).toBeGreaterThanOrEqual(0.25 * 375 - 1);
    }
  });

  it("no tiles for an image no bigger than one tile, and a cap on the tile size", () => {
    expect(sliceTiles(300, 300, { tilePx: 300 })).toEqual([]);
    expect(Math.max(...sliceTiles(4000, 3000).map((t) => t.width))).toBe(640);
  });
});

describe("cropImage", () => {
  it("copies the tile's pixels", () => {
    const image = { width: 4, height: 3, rgb: Uint8Array.from({ length: 36 }, (_, i) => i) };
    const crop = cropImage(image, { x0: 1, y0: 1, width: 2, height: 2 });
    expect(Array.from(crop.rgb)).toEqual([15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32]);
  });
});

describe("tileDetectionsToImage", () => {
  const image = { width: 1000, height: 400 };
  const tile = { x0: 300, y0: 0, width: 400, height: 400 };
  const det = (box2d: [number, number, number, number]): Detection => ({ label: "car", score: 0.9, box2d });

  it("shifts boxes into image pixels", () => {
    expect(tileDetectionsToImage([det([10, 20, 50, 60])], tile, image)[0].box2d).toEqual([310, 20, 350, 60]);
  });

  it("drops boxes cut by an inner tile edge, keeps those at the image border", () => {
    expect(tileDetectionsToImage([det([0, 20, 50, 60])], tile, image)).toEqual([]); // left edge is inside the image
    expect(tileDetectionsToImage([det([100, 350, 150, 400])], tile, image)).toHaveLength(1); // bottom edge is the image's
    expect(tileDetectionsToImage([det([100, 0, 150, 40])], tile, image)).toHaveLength(1); // top edge is the image's
  });
});

describe("mergeAcrossTiles", () => {
  it("keeps one box per object and class, and drops parts inside a surer box of the same class", () => {
    const full: Detection = { label: "car", score: 0.6, box2d: [100, 100, 200, 160] };
    const tile: Detection = { label: "car", score: 0.9, box2d: [102, 101, 201, 161] };
    const part: Detection = { label: "car", score: 0.5, box2d: [110, 120, 150, 158] };
    const person: Detection = { label: "person", score: 0.7, box2d: [110, 100, 140, 160] };
    const merged = mergeAcrossTiles([full, tile, part, person], 0.5, 100);
    expect(merged).toEqual([tile, person]);
  });
});

describe("detectSliced", () => {
  it("runs the detector on the image and every tile and merges in image pixels", async () => {
    const image = { width: 800, height: 200, rgb: new Uint8Array(800 * 200 * 3) };
    const tiles = sliceTiles(800, 200);
    const seen: [number, number][] = [];
    // A fake detector that misses a small object (image x 500..520) in the full pass and finds it in every tile showing it whole.
    const detect = async (im: { width: number; height: number }) => {
      seen.push([im.width, im.height]);
      if (im.width === 800) return [];
      const x = 500 - tiles[seen.length - 2].x0;
      return x > 2 && x + 20 < im.width - 2 ? [{ label: "person", score: 0.8, box2d: [x, 50, x + 20, 100] as [number, number, number, number] }] : [];
    };
    const out = await detectSliced(image, detect);
    expect(seen[0]).toEqual([800, 200]);
    expect(seen.slice(1).every(([w, h]) => w === 200 && h === 200)).toBe(true);
    expect(out).toEqual([{ label: "person", score: 0.8, box2d: [500, 50, 520, 100] }]);
  });
});
