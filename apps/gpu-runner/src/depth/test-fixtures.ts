// Where the shared RGB-D fixtures live (../shared next to the repository, see
// shared/fixtures/rgbd/README.md), and small readers for them. Test-only.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Intrinsics } from "@spatial/shared/geometry";

export const RGBD_FIXTURES = fileURLToPath(new URL("../../../../../shared/fixtures/rgbd/", import.meta.url));
export const haveRgbdFixtures = existsSync(join(RGBD_FIXTURES, "nyu_00000", "depth.png"));

export function fixturePath(...parts: string[]): string {
  return join(RGBD_FIXTURES, ...parts);
}

export function fixtureIntrinsics(name: string): Intrinsics {
  return JSON.parse(readFileSync(fixturePath(name, "intrinsics.json"), "utf8")) as Intrinsics;
}
