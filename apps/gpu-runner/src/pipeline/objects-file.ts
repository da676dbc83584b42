// The caller's own objects instead of detection (`--objects <json>`, DESIGN.md):
// { "objects": [ { "label", "box2d": [x1, y1, x2, y2], "mask"?: "<PNG path relative to the JSON file; non-zero = object>" } ] }
// Boxes are image pixels (x right, y down) and must lie inside the image; masks must be the
// image's size. Every problem is an InputError naming the object and what to fix.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import sharp from "sharp";
import { z } from "zod";
import type { ObjectObservation } from "@spatial/shared";
import { InputError } from "../image/errors.js";

export const ObjectsFile = z.object({
  objects: z.array(
    z.object({
      label: z.string().trim().min(1, "label must not be empty"),
      box2d: z.tuple([z.number(), z.number(), z.number(), z.number()]),
      mask: z.string().min(1).optional(),
      score: z.number().min(0).max(1).optional(),
    }),
  ),
});
export type ObjectsFile = z.infer<typeof ObjectsFile>;

/** Where a pixel box may reach: [0, width] × [0, height], x2 > x1, y2 > y1. */
function checkBox(box: readonly number[], width: number, height: number, where: string): void {
  const [x1, y1, x2, y2] = box;
  if (!box.every(Number.isFinite)) throw new InputError("objects_invalid", `${where}: box2d must be four finite numbers, got [${box.join(", ")}]`);
  if (x1 < 0 || y1 < 0 || x2 > width || y2 > height) {
    throw new InputError("objects_box_outside", `${where}: box2d [${box.join(", ")}] reaches outside the ${width}×${height} image`);
  }
  if (!(x2 > x1 && y2 > y1)) throw new InputError("objects_invalid", `${where}: box2d [${box.join(", ")}] must have x2 > x1 and y2 > y1`);
}

async function loadMask(path: string, width: number, height: number, where: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new InputError("objects_mask_not_found", `${where}: mask file ${path} does not exist or cannot be read`);
  }
  let decoded: { data: Buffer; info: sharp.OutputInfo };
  try {
    decoded = await sharp(bytes).removeAlpha().toColourspace("b-w").raw().toBuffer({ resolveWithObject: true });
  } catch {
    throw new InputError("objects_mask_invalid", `${where}: mask ${path} is not a readable image (use a PNG, non-zero = object)`);
  }
  if (decoded.info.width !== width || decoded.info.height !== height) {
    throw new InputError("objects_mask_size", `${where}: mask ${path} is ${decoded.info.width}×${decoded.info.height} but the image is ${width}×${height}`);
  }
  const mask = new Uint8Array(width * height);
  let any = false;
  for (let i = 0; i < mask.length; i++) if (decoded.data[i * decoded.info.channels] !== 0) { mask[i] = 1; any = true; }
  if (!any) throw new InputError("objects_mask_empty", `${where}: mask ${path} has no non-zero pixel`);
  return mask;
}

/** Reads and validates an objects file for an image of the given size. */
export async function loadObjectsFile(path: string, image: { width: number; height: number }): Promise<ObjectObservation[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new InputError("objects_not_found", `objects file ${path} does not exist or cannot be read`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError("objects_invalid", `objects file ${path} is not valid JSON (${(e as Error).message})`);
  }
  const parsed = ObjectsFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError("objects_invalid", `objects file ${path}: ${issue.path.join(".") || "(top level)"}: ${issue.message}; expected { "objects": [ { "label", "box2d": [x1, y1, x2, y2], "mask"? } ] }`);
  }
  const base = dirname(resolve(path));
  return Promise.all(
    parsed.data.objects.map(async (o, i) => {
      const where = `objects[${i}] ("${o.label}")`;
      checkBox(o.box2d, image.width, image.height, where);
      const mask = o.mask ? await loadMask(resolve(base, o.mask), image.width, image.height, where) : undefined;
      return { label: o.label.toLowerCase(), score: o.score ?? 1, box2d: o.box2d, ...(mask ? { mask } : {}) };
    }),
  );
}
