// Test-only: where the shared fixtures and models live (../shared beside the repository, see
// shared/fixtures/rgbd/README.md and shared/models/MODELS.md) and small readers for them. A missing
// file fails the test with its path; nothing is ever skipped silently.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import type { DepthImage, Intrinsics } from "@spatial/shared/geometry";
import type { RgbImage } from "../image/rgb-image.js";
import { ModelManifest, type ModelEntry } from "../models/manifest.js";
import manifestJson from "../models/models.json";

export const TEST_MODELS_DIR = process.env.SPATIAL_TEST_MODELS_DIR ?? fileURLToPath(new URL("../../../../../shared/models/", import.meta.url));
export const RGBD_FIXTURES = fileURLToPath(new URL("../../../../../shared/fixtures/rgbd/", import.meta.url));

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
  const path = join(RGBD_FIXTURES, relativePath);
  if (!existsSync(path)) throw new Error(`fixture image missing: ${path}`);
  const { data, info } = await sharp(path).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`fixture image ${path} decoded to ${info.channels} channels, expected 3`);
  return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Decodes a fixture's 16-bit depth PNG (relative path) with the given units per metre. */
export async function fixtureDepth(relativePath: string, unitsPerMetre: number): Promise<DepthImage> {
  const path = join(RGBD_FIXTURES, relativePath);
  if (!existsSync(path)) throw new Error(`fixture depth missing: ${path}`);
  const { data, info } = await sharp(path).toColourspace("grey16").raw({ depth: "ushort" }).toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint16Array(data.buffer, data.byteOffset, data.length / 2), unitsPerMetre };
}

const haveRgbdFixtures = existsSync(join(RGBD_FIXTURES, "nyu_00000", "depth.png"));

/** Call in a beforeAll: the fixture tests fail, saying why, when ../shared is absent (never skip silently). */
export function requireRgbdFixtures(): void {
  if (!haveRgbdFixtures) throw new Error(`these tests need the RGB-D fixtures in ../shared/fixtures/rgbd (looked in ${RGBD_FIXTURES}); it is missing`);
}

export function fixturePath(...parts: string[]): string {
  return join(RGBD_FIXTURES, ...parts);
}

export function fixtureIntrinsics(name: string): Intrinsics {
  return JSON.parse(readFileSync(fixturePath(name, "intrinsics.json"), "utf8")) as Intrinsics;
}
