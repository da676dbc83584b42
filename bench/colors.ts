// Colour names on real photos: objects of the RGB-D and real3d fixture frames, named by hand the
// way a person would ("the red car"; two names where people differ), against the pipeline's names.
// Each object is matched by label and 2D IoU ≥ 0.5 to what `spatial scene --local` perceives with
// the frame's depth; its mask is the one the pipeline used. Compared: `objectColor` (what the scene
// graph uses: the lit part, a gray that is black by its median pixel black) and the whole-mask
// mean it replaced.
// A small development set, named once from crops of the frames: read the misses, don't tune to it.
// Writes .reports/bench-colors.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { colorName, meanRgb, objectColor } from "../packages/shared/src/spatial/color-name.js";
import { PerceptionPipeline } from "../apps/gpu-runner/src/index.js";
import { BenchSetupError, REPO_ROOT } from "./geometry.js";
import { iou2d } from "./real3d.js";

interface NamedObject { frame: string; label: string; box2d: [number, number, number, number]; names: string[] }

const NAMED: NamedObject[] = [
  { frame: "rgbd/nyu_00000", label: "refrigerator", box2d: [163, 104, 322, 368], names: ["white"] },
  { frame: "rgbd/nyu_00000", label: "chair", box2d: [569, 148, 622, 255], names: ["red"] },
  { frame: "rgbd/nyu_00000", label: "chair", box2d: [588, 338, 638, 474], names: ["brown"] },
  { frame: "rgbd/nyu_00000", label: "chair", box2d: [513, 178, 558, 257], names: ["black"] },
  { frame: "rgbd/sunrgbd_000017", label: "tv", box2d: [0, 77, 58, 361], names: ["black"] },
  { frame: "rgbd/kitti_000008", label: "car", box2d: [948, 212, 1242, 372], names: ["black"] },
  { frame: "rgbd/kitti_000008", label: "car", box2d: [0, 200, 397, 375], names: ["red"] },
  { frame: "rgbd/kitti_000008", label: "car", box2d: [345, 178, 617, 354], names: ["gray"] },
  { frame: "rgbd/kitti_000008", label: "car", box2d: [883, 180, 954, 239], names: ["gray"] },
  { frame: "rgbd/kitti_000008", label: "car", box2d: [741, 169, 790, 208], names: ["black"] },
  { frame: "rgbd/kitti_000008", label: "car", box2d: [604, 176, 717, 262], names: ["white"] },
  { frame: "real3d/kitti_000002", label: "truck", box2d: [808, 181, 967, 328], names: ["black", "gray"] },
  { frame: "real3d/kitti_000002", label: "car", box2d: [658, 190, 703, 224], names: ["gray", "black"] },
  { frame: "real3d/kitti_000003", label: "car", box2d: [617, 185, 722, 285], names: ["gray"] },
  { frame: "real3d/kitti_000003", label: "car", box2d: [0, 240, 208, 375], names: ["black"] },
  { frame: "real3d/kitti_000004", label: "car", box2d: [282, 186, 341, 214], names: ["blue", "gray"] },
  { frame: "real3d/kitti_000004", label: "car", box2d: [366, 185, 404, 203], names: ["black", "gray"] },
  { frame: "real3d/kitti_000005", label: "person", box2d: [328, 180, 356, 237], names: ["white"] },
  { frame: "real3d/sunrgbd_000001", label: "suitcase", box2d: [353, 320, 637, 518], names: ["brown"] },
  { frame: "real3d/sunrgbd_000001", label: "suitcase", box2d: [356, 244, 681, 423], names: ["brown"] },
  { frame: "real3d/sunrgbd_000001", label: "suitcase", box2d: [0, 315, 171, 530], names: ["brown"] },
  { frame: "real3d/sunrgbd_000001", label: "suitcase", box2d: [28, 266, 175, 365], names: ["brown"] },
  { frame: "real3d/sunrgbd_000001", label: "suitcase", box2d: [36, 199, 185, 289], names: ["brown"] },
  { frame: "real3d/sunrgbd_000001", label: "suitcase", box2d: [49, 126, 190, 216], names: ["brown"] },
];

export async function runColorsBench(): Promise<{ objects: number; found: number; litCorrect: number; meanCorrect: number }> {
  const fixtures = join(REPO_ROOT, "../shared/fixtures");
  if (!existsSync(fixtures)) throw new BenchSetupError(`../shared/fixtures not found (looked in ${fixtures})`);
  const pipeline = await PerceptionPipeline.create();
  const rows: { frame: string; label: string; names: string[]; lit?: string; mean?: string }[] = [];
  try {
    for (const frame of [...new Set(NAMED.map((n) => n.frame))]) {
      const dir = join(fixtures, frame);
      const image = existsSync(join(dir, "rgb.png")) ? join(dir, "rgb.png") : join(dir, "rgb.jpg");
      const intrinsics = JSON.parse(readFileSync(join(dir, "intrinsics.json"), "utf8"));
      const result = await pipeline.perceive({ image, intrinsics, depth: { input: join(dir, "depth.png"), unitsPerMetre: 1000 } });
      const { rgb, width } = result.image;
      for (const named of NAMED.filter((n) => n.frame === frame)) {
        const hit = result.graph.objects
          .map((o) => ({ o, iou: o.label === named.label ? iou2d(o.box2d, named.box2d) : 0 }))
          .filter((c) => c.iou >= 0.5)
          .sort((a, b) => b.iou - a.iou)[0];
        if (!hit) { rows.push({ frame, label: named.label, names: named.names }); continue; }
        const mask = result.observations[Number(hit.o.id.slice(4))]?.mask;
        rows.push({
          frame, label: named.label, names: named.names,
          lit: objectColor(rgb, width, hit.o.box2d, mask)!.name,
          mean: colorName(meanRgb(rgb, width, hit.o.box2d, mask)!),
        });
      }
    }
  } finally {
    await pipeline.dispose();
  }
  const found = rows.filter((r) => r.lit);
  const litCorrect = found.filter((r) => r.names.includes(r.lit!)).length;
  const meanCorrect = found.filter((r) => r.names.includes(r.mean!)).length;
  console.log(`\ncolour names on real photos: ${NAMED.length} hand-named objects, ${found.length} found again (label, IoU ≥ 0.5)`);
  for (const r of rows) {
    const mark = (name?: string) => (name === undefined ? "—" : `${name}${r.names.includes(name) ? "" : " ✗"}`);
    console.log(`  ${r.frame.padEnd(22)} ${r.label.padEnd(12)} person: ${r.names.join("|").padEnd(12)} scene graph: ${mark(r.lit).padEnd(10)} whole-mask mean: ${mark(r.mean)}`);
  }
  console.log(`  named as a person would: scene graph (lit part, black by the median) ${litCorrect}/${found.length}, whole-mask mean ${meanCorrect}/${found.length}`);
  // Cost: one object of a million mask pixels (a big object in a 12 MP photo).
  const side = 1000, big = new Uint8Array(side * side * 3).map((_, i) => (i * 2654435761) >>> 24), ms: number[] = [];
  for (let run = 0; run < 7; run++) {
    const t0 = performance.now();
    objectColor(big, side, [0, 0, side, side]);
    ms.push(performance.now() - t0);
  }
  const namingMs = ms.sort((a, b) => a - b)[3];
  console.log(`  naming cost: ${namingMs.toFixed(1)} ms for one object of 1,000,000 pixels (median of 7)`);
  mkdirSync(join(REPO_ROOT, ".reports"), { recursive: true });
  writeFileSync(join(REPO_ROOT, ".reports/bench-colors.json"), JSON.stringify({ rows, litCorrect, meanCorrect, found: found.length, namingMs }, null, 2));
  return { objects: NAMED.length, found: found.length, litCorrect, meanCorrect };
}
