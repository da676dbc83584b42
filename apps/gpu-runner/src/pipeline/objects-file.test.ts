import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { loadObjectsFile } from "./objects-file.js";

const image = { width: 8, height: 6 };
let dir: string;

async function writeMask(name: string, width: number, height: number, on: (x: number, y: number) => boolean): Promise<void> {
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = on(x, y) ? 255 : 0;
  await sharp(data, { raw: { width, height, channels: 1 } }).png().toFile(join(dir, name));
}
async function objectsFile(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "objects-file-"));
  await writeMask("cup.png", 8, 6, (x, y) => x >= 2 && x < 4 && y >= 1 && y < 3);
  await writeMask("small.png", 4, 3, () => true);
  await writeMask("empty.png", 8, 6, () => false);
});

describe("loadObjectsFile", () => {
  it("loads labelled boxes and masks relative to the JSON file", async () => {
    const path = await objectsFile("ok.json", { objects: [{ label: "Cup", box2d: [2, 1, 4, 3], mask: "cup.png" }, { label: "table", box2d: [0, 0, 8, 6], score: 0.5 }] });
    const objects = await loadObjectsFile(path, image);
    expect(objects.map((o) => [o.label, o.score, o.box2d])).toEqual([["cup", 1, [2, 1, 4, 3]], ["table", 0.5, [0, 0, 8, 6]]]);
    expect(Array.from(objects[0].mask!).reduce((a, b) => a + b, 0)).toBe(4);
    expect(objects[0].mask![1 * 8 + 2]).toBe(1);
    expect(objects[1].mask).toBeUndefined();
  });

  it.each([
    ["a box outside the image", { objects: [{ label: "cup", box2d: [2, 1, 9, 3] }] }, "objects_box_outside", /outside the 8×6 image/],
    ["an inverted box", { objects: [{ label: "cup", box2d: [4, 1, 2, 3] }] }, "objects_invalid", /x2 > x1/],
    ["a missing mask file", { objects: [{ label: "cup", box2d: [2, 1, 4, 3], mask: "nope.png" }] }, "objects_mask_not_found", /nope\.png does not exist/],
    ["a mask of the wrong size", { objects: [{ label: "cup", box2d: [2, 1, 4, 3], mask: "small.png" }] }, "objects_mask_size", /4×3 but the image is 8×6/],
    ["an empty mask", { objects: [{ label: "cup", box2d: [2, 1, 4, 3], mask: "empty.png" }] }, "objects_mask_empty", /no non-zero pixel/],
    ["a missing label", { objects: [{ box2d: [2, 1, 4, 3] }] }, "objects_invalid", /objects\.0\.label/],
    ["no objects array", { things: [] }, "objects_invalid", /objects: /],
    ["broken JSON", "{ objects: [", "objects_invalid", /not valid JSON/],
  ])("refuses %s with one clear line", async (_, content, code, message) => {
    const path = await objectsFile(`bad-${code}-${Math.random()}.json`, content);
    const error = await loadObjectsFile(path, image).then(() => null, (e: Error & { code: string }) => e);
    expect(error?.code).toBe(code);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toMatch(/\n/);
  });

  it("says so when the objects file itself is missing", async () => {
    await expect(loadObjectsFile(join(dir, "missing.json"), image)).rejects.toMatchObject({ code: "objects_not_found" });
  });
});
