import { readFileSync } from "node:fs";
import { loadDepthMap } from "./src/depth/input-depth.js";
import { estimatePriorsDepth } from "./src/depth/priors-depth.js";
const F = "/work/shared/fixtures/rgbd/";
const k = JSON.parse(readFileSync(F + "kitti_000008/intrinsics.json", "utf8"));
const boxes: [number, number, number, number][] = [[0, 195, 386, 375], [349, 181, 611, 348], [606, 179, 717, 261], [739, 170, 787, 207], [785, 173, 803, 200], [804, 166, 824, 184], [862, 175, 888, 193], [888, 182, 953, 238], [948, 210, 1242, 375]];
const ref = await loadDepthMap(F + "kitti_000008/depth.png", { imageWidth: 1242, imageHeight: 375 });
const res = estimatePriorsDepth({ width: 1242, height: 375 }, k, boxes.map((b) => ({ label: "car", score: 1, box2d: b })));
console.log("horizon", res.horizonRow, "cam", res.cameraHeightM, res.pitchRad * 57.3, res.objectDepthsM.map((d) => d?.toFixed(1)));
const W = 1242;
const inBox = (x: number, y: number) => boxes.findIndex((b) => x >= b[0] && x < b[2] && y >= b[1] && y < b[3]);
const stats = new Map<string, { n: number; sum: number }>();
for (let y = 0; y < 375; y++) for (let x = 0; x < W; x++) {
  const r = ref.data[y * W + x] / 1000, e = res.depth.data[y * W + x];
  if (!(r > 0 && e > 0)) continue;
  const bi = inBox(x, y);
  const key = bi >= 0 ? "box" + bi : "floor row " + Math.floor(y / 25) * 25;
  const s = stats.get(key) ?? { n: 0, sum: 0 }; s.n++; s.sum += Math.abs(e - r) / r; stats.set(key, s);
}
for (const [key, s] of [...stats].sort()) console.log(key, s.n, (s.sum / s.n).toFixed(3), "contrib", (s.sum / 13627).toFixed(3));
