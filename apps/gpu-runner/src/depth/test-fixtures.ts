// Where the shared RGB-D fixtures live (../shared next to the repository, see
// shared/fixtures/rgbd/README.md), and small readers for them. Test-only.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Intrinsics } from "@spatial/shared/geometry";

export const RGBD_FIXTURES = fileURLToPath(new URL("../../../../../shared/fixtures/rgbd/", import.meta.url));
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
