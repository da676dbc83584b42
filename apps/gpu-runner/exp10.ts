import { readFileSync } from "node:fs";
import { loadDepthMap } from "./src/depth/input-depth.js";
import { estimatePriorsDepth, type PriorsDetection } from "./src/depth/priors-depth.js";
import { evaluateDepthAgainstReference } from "./src/depth/evaluate.js";
const F = "/work/shared/fixtures/rgbd/";
const det = (label: string, box2d: [number, number, number, number]): PriorsDetection => ({ label, score: 0.9, box2d });
const cases = [
  { name: "kitti_000008", w: 1242, h: 375, depth: "kitti_000008/depth.png", scale: 1000, k: JSON.parse(readFileSync(F + "kitti_000008/intrinsics.json", "utf8")), dets: [
    det("car", [0, 195, 386, 375]), det("car", [349, 181, 611, 348]), det("car", [606, 179, 717, 261]), det("car", [739, 170, 787, 207]),
    det("car", [785, 173, 803, 200]), det("car", [804, 166, 824, 184]), det("car", [862, 175, 888, 193]), det("car", [888, 182, 953, 238]), det("car", [948, 210, 1242, 375]) ] },
  { name: "unidepth_demo", w: 640, h: 480, depth: "unidepth_demo/depth.png", scale: 1000, k: JSON.parse(readFileSync(F + "unidepth_demo/intrinsics.json", "utf8")), dets: [
    det("couch", [287, 217, 632, 360]), det("armchair", [8, 232, 238, 400]), det("ottoman", [25, 375, 235, 472]), det("ottoman", [197, 325, 348, 468]), det("coffee table", [362, 338, 632, 472]) ] },
  { name: "sunrgbd_000017", w: 730, h: 530, depth: "sunrgbd_000017/depth.png", scale: 1000, k: JSON.parse(readFileSync(F + "sunrgbd_000017/intrinsics.json", "utf8")), dets: [
    det("bed", [178, 148, 640, 517]), det("nightstand", [55, 235, 187, 360]), det("cabinet", [588, 150, 692, 280]) ] },
  { name: "tum", w: 640, h: 480, depth: "open3d_pairs/TUM_depth.png", scale: 5000, k: { fx: 525, fy: 525, cx: 319.5, cy: 239.5 }, dets: [
    det("chair", [3, 255, 240, 476]), det("chair", [372, 232, 532, 436]), det("desk", [28, 170, 632, 375]),
    det("bottle", [338, 118, 356, 192]), det("bottle", [362, 133, 382, 190]), det("bottle", [386, 140, 402, 185]), det("bottle", [428, 138, 448, 183]),
    det("bottle", [160, 28, 185, 105]), det("bottle", [182, 33, 210, 107]), det("bottle", [287, 24, 313, 107]),
    det("cup", [453, 158, 473, 180]), det("cup", [531, 199, 553, 226]), det("cup", [476, 197, 505, 220]) ] },
  { name: "nyu_00000", w: 640, h: 480, depth: "nyu_00000/depth.png", scale: 1000, k: JSON.parse(readFileSync(F + "nyu_00000/intrinsics.json", "utf8")), dets: [
    det("cabinet", [168, 95, 357, 362]), det("chair", [467, 168, 510, 253]), det("chair", [510, 168, 555, 257]), det("dining table", [447, 180, 582, 256]),
    det("bottle", [387, 277, 412, 322]), det("chair", [592, 335, 640, 475]) ] },
];
for (const c of cases) {
  const ref = await loadDepthMap(F + c.depth, { imageWidth: c.w, imageHeight: c.h, unitsPerMetre: c.scale });
  const res = estimatePriorsDepth({ width: c.w, height: c.h, intrinsics: c.k, detections: c.dets });
  const e = evaluateDepthAgainstReference(res.depth, ref);
  // objects-only: ref restricted to boxes
  const inBox = new Float32Array(c.w * c.h);
  const objRef = { ...ref, data: new Float32Array(ref.data.length) };
  c.dets.forEach((d, j) => { for (let y = d.box2d[1]; y < d.box2d[3]; y++) for (let x = d.box2d[0]; x < d.box2d[2]; x++) objRef.data[y * c.w + x] = ref.data[y * c.w + x]; });
  const eo = evaluateDepthAgainstReference(res.depth, objRef);
  console.log(c.name, "cam", res.cameraHeightM.toFixed(2), (res.pitchRad * 57.3).toFixed(1), "used", res.usedObjects.length, "| all: absRel", e.absRel.toFixed(3), "rmse", e.rmseM.toFixed(2), "d1", e.delta125.toFixed(3), "cov", e.coverage.toFixed(2), "n", e.comparedPixels, "| boxes: absRel", eo.absRel.toFixed(3), "d1", eo.delta125.toFixed(3), "cov", eo.coverage.toFixed(2));
  c.dets.forEach((d, j) => {
    const vals: number[] = [];
    for (let y = d.box2d[1]; y < d.box2d[3]; y++) for (let x = d.box2d[0]; x < d.box2d[2]; x++) { const v = ref.data[y * c.w + x]; if (v > 0) vals.push(v / ref.unitsPerMetre); }
    vals.sort((a, b) => a - b);
    console.log("   ", d.label, d.box2d.join(","), "est", res.objectDepthsM[j]?.toFixed(2), "ref p10/med", vals[Math.floor(vals.length * 0.1)]?.toFixed(2), vals[vals.length >> 1]?.toFixed(2), "n", vals.length);
  });
}
