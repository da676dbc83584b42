// A rendered scene written as the files a user hands `spatial synth` or `spatial ask --objects`:
// scene-<seed>.png, scene-<seed>-depth.png (16-bit, millimetres), one mask PNG per visible object
// and scene-<seed>.objects.json naming them (labels, boxes, mask paths relative to the JSON).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { maskOf, randomScene } from "../packages/shared/src/testing/index.js";

export async function writeRenderedScene(dir: string, seed: number): Promise<void> {
  const { render } = randomScene(seed);
  const name = `scene-${seed}`;
  await sharp(Buffer.from(render.rgb), { raw: { width: render.width, height: render.height, channels: 3 } }).png().toFile(join(dir, `${name}.png`));
  const mm = new Uint16Array(render.width * render.height);
  for (let i = 0; i < mm.length; i++) mm[i] = Math.round(render.depthM[i] * 1000);
  await sharp(mm, { raw: { width: render.width, height: render.height, channels: 1 } }).toColourspace("grey16").png().toFile(join(dir, `${name}-depth.png`));
  const objects = [];
  for (const o of render.objects.filter((x) => x.box2d)) {
    const mask = maskOf(render, o.index);
    await sharp(Buffer.from(mask.map((v) => (v ? 255 : 0))), { raw: { width: render.width, height: render.height, channels: 1 } }).png().toFile(join(dir, `${name}.mask-${o.index}.png`));
    objects.push({ label: o.label, box2d: o.box2d, mask: `${name}.mask-${o.index}.png` });
  }
  await writeFile(join(dir, `${name}.objects.json`), JSON.stringify({ objects }));
}
