import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { idFromRef, readInputs } from "./inputs.js";

async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "synth-inputs-"));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}

describe("readInputs", () => {
  it("reads a manifest, reporting each bad line by number and keeping the rest", async () => {
    const dir = await dirWith({
      "m.jsonl": [
        JSON.stringify({ path: "a.jpg", depth: "a-depth.png", depthScale: 5000, intrinsics: [500, 500, 320, 240] }),
        "{ not json",
        JSON.stringify({ imageUrl: "https://example.com/photos/b.png?x=1", id: "b" }),
        JSON.stringify({ imageUrl: "https://example.com/c.png", path: "c.png" }),
        "",
        JSON.stringify({ path: "d.jpg", id: "b" }),
        JSON.stringify({ imageUrl: "file:///etc/passwd" }),
        JSON.stringify({ path: "e.jpg", colour: "red" }),
        JSON.stringify({ path: "../elsewhere/nyu/rgb.jpg", intrinsics: { fx: 1, fy: 1, cx: 0, cy: 0 } }),
      ].join("\n"),
    });
    const { items, problems } = await readInputs(join(dir, "m.jsonl"), join(dir, "out"));
    expect(problems.map((p) => p.line)).toEqual([2, 4, 6, 7, 8]);
    expect(problems[0].message).toBe("not valid JSON");
    expect(problems[1].message).toMatch(/exactly one of imageUrl or path/);
    expect(problems[2].message).toMatch(/duplicate id "b"/);
    expect(items.map((i) => i.id)).toEqual(["a", "b", "nyu/rgb"]);
    expect(items[0]).toEqual({ id: "a", source: join(dir, "a.jpg"), ref: "a.jpg", depth: { path: join(dir, "a-depth.png"), unitsPerMetre: 5000 }, intrinsics: { fx: 500, fy: 500, cx: 320, cy: 240 } });
    expect(items[1]).toMatchObject({ source: "https://example.com/photos/b.png?x=1", ref: "https://example.com/photos/b.png?x=1" });
  });

  it("reads a list of URLs and paths, with stable, unique ids", async () => {
    const dir = await dirWith({ "list.txt": "# photos\nhttps://x.org/a/img.jpg\nhttps://y.org/img.jpg\nlocal/img.png\nftp://z/q.jpg\nnotes.txt\n" });
    const { items, problems } = await readInputs(join(dir, "list.txt"), join(dir, "out"));
    expect(items.map((i) => i.id)).toEqual(["img", "img-2", "local/img"]);
    expect(problems.map((p) => p.line)).toEqual([5, 6]);
  });

  it("pairs a directory's images with their depth, intrinsics and objects, skipping --out", async () => {
    const dir = await dirWith({
      "nyu/rgb.jpg": "x", "nyu/depth.png": "x", "nyu/intrinsics.json": JSON.stringify({ fx: 500, fy: 501, cx: 1, cy: 2 }),
      "scene-1.png": "x", "scene-1-depth.png": "x", "scene-1.objects.json": "{}", "scene-1.mask-0.png": "x",
      "plain.webp": "x", "notes.md": "x", "out/scene-9.png": "x", ".hidden/h.png": "x",
    });
    const { items, problems } = await readInputs(dir, join(dir, "out"));
    expect(problems).toEqual([]);
    expect(items.map((i) => i.id)).toEqual(["nyu/rgb", "plain", "scene-1"]);
    expect(items[0]).toMatchObject({ ref: "nyu/rgb.jpg", depth: { path: join(dir, "nyu/depth.png"), unitsPerMetre: 1000 }, intrinsics: { fx: 500, fy: 501, cx: 1, cy: 2 } });
    expect(items[1].depth).toBeUndefined();
    expect(items[2]).toMatchObject({ depth: { path: join(dir, "scene-1-depth.png") }, objects: join(dir, "scene-1.objects.json") });
  });

  it("refuses an input that does not exist", async () => {
    await expect(readInputs("/no/such/input", "/tmp/out")).rejects.toMatchObject({ code: "usage" });
  });

  it("derives ids from references", () => {
    expect(idFromRef("https://a.b/c/d.jpeg")).toBe("d");
    expect(idFromRef("kitchen/img-3.jpg")).toBe("kitchen/img-3");
    expect(idFromRef("/data/set/nyu/rgb.jpg", "/work/here")).toBe("nyu/rgb");
  });
});
