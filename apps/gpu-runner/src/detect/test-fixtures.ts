// Test-only: the real models and images the detection and segmentation tests run on. The models come
// from ../shared/models next to the repository (override with SPATIAL_TEST_MODELS_DIR) until the
// model store installs them; a missing file fails the test with its path, it is never skipped.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import type { DepthImage } from "@spatial/shared/geometry";
import type { RgbImage } from "../image/rgb-image.js";
import { ModelManifest, type ModelEntry } from "../models/manifest.js";
import manifestJson from "../models/models.json";

export const TEST_MODELS_DIR = process.env.SPATIAL_TEST_MODELS_DIR ?? fileURLToPath(new URL("../../../../../shared/models/", import.meta.url));
export const TEST_FIXTURES_DIR = fileURLToPath(new URL("../../../../../shared/fixtures/rgbd/", import.meta.url));

/** The built-in manifest entry and the model file's path; throws naming the file when it is absent. */
export function realModel(name: string): { path: string; entry: ModelEntry } {
  const entry = ModelManifest.parse(manifestJson).models.find((m) => m.name === name);
  if (!entry) throw new Error(`no built-in model "${name}" in models.json`);
  const path = join(TEST_MODELS_DIR, entry.files.model.file);
  if (!existsSync(path)) throw new Error(`model file missing: ${path} (set SPATIAL_TEST_MODELS_DIR to the folder holding ${entry.files.model.file})`);
  return { path, entry };
}

/** Decodes a fixture image (path relative to the RGB-D fixtures folder) to RGB; throws naming a missing file. */
export async function fixtureImage(relativePath: string): Promise<RgbImage> {
  const path = join(TEST_FIXTURES_DIR, relativePath);
  if (!existsSync(path)) throw new Error(`fixture image missing: ${path}`);
  const { data, info } = await sharp(path).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`fixture image ${path} decoded to ${info.channels} channels, expected 3`);
  return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Decodes a fixture's 16-bit depth PNG (relative path) with the given units per metre. */
export async function fixtureDepth(relativePath: string, unitsPerMetre: number): Promise<DepthImage> {
  const path = join(TEST_FIXTURES_DIR, relativePath);
  if (!existsSync(path)) throw new Error(`fixture depth missing: ${path}`);
  const { data, info } = await sharp(path).toColourspace("grey16").raw({ depth: "ushort" }).toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint16Array(data.buffer, data.byteOffset, data.length / 2), unitsPerMetre };
}
