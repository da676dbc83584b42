import { readFileSync } from "node:fs";
import { segmentPlane, unprojectDepth } from "@spatial/shared/geometry";
import { loadDepthMap } from "./src/depth/input-depth.js";
const F = "/work/shared/fixtures/rgbd/";
const cases = [
  ["kitti_000008", 1242, 375, "kitti_000008/depth.png", 1000, JSON.parse(readFileSync(F + "kitti_000008/intrinsics.json", "utf8")), [400, 300, 940, 375]],
  ["unidepth", 640, 480, "unidepth_demo/depth.png", 1000, JSON.parse(readFileSync(F + "unidepth_demo/intrinsics.json", "utf8")), [230, 440, 380, 472]],
  ["sun", 730, 530, "sunrgbd_000017/depth.png", 1000, JSON.parse(readFileSync(F + "sunrgbd_000017/intrinsics.json", "utf8")), [0, 420, 280, 530]],
  ["tum", 640, 480, "open3d_pairs/TUM_depth.png", 5000, { fx: 525, fy: 525, cx: 319.5, cy: 239.5 }, [250, 440, 640, 480]],
  ["nyu", 640, 480, "nyu_00000/depth.png", 1000, JSON.parse(readFileSync(F + "nyu_00000/intrinsics.json", "utf8")), [100, 400, 580, 470]],
] as const;
for (const [name, w, h, p, s, k, roi] of cases) {
  const d = await loadDepthMap(F + p, { imageWidth: w, imageHeight: h, unitsPerMetre: s });
  const mask = new Uint8Array(w * h);
  for (let y = roi[1]; y < roi[3]; y++) for (let x = roi[0]; x < roi[2]; x++) mask[y * w + x] = 1;
  const pts = unprojectDepth(d, k, { mask });
  const fit = segmentPlane(pts.pointsCam, { distanceM: 0.03, iterations: 500 });
  const n = fit.plane.normal; // plane n·p + off = 0, off>=0 => camera on positive side, normal points toward camera = up
  const pitch = Math.asin(-n[2]) ; // up_cam = (0,-cos,-sin) => n[2] = -sin θ
  console.log(name, "pts", pts.count, "inliers", fit.inliers.length, "camera height", fit.plane.offset.toFixed(3), "normal", n.map((v) => v.toFixed(3)).join(","), "pitch deg", (pitch * 57.3).toFixed(1), "roll deg", (Math.atan2(n[0], -n[1]) * 57.3).toFixed(1));
}
