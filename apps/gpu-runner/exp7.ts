import { randomScene, CATALOGUE } from "@spatial/shared/testing";
import { estimatePriorsDepth } from "./src/depth/priors-depth.js";
import { evaluateDepthAgainstReference } from "./src/depth/evaluate.js";
import type { SizePrior } from "./src/depth/size-priors.js";

const priors: Record<string, SizePrior> = {};
for (const e of CATALOGUE) {
  const h = e.kind === "sphere" ? e.width : e.height;
  const heightM = Math.sqrt(h[0] * h[1]);
  const sigma = Math.max(0.03, Math.log(h[1] / h[0]) / Math.sqrt(12));
  const ext = e.kind === "box" ? ((e.width[0] + e.width[1]) / 2 + (e.length[0] + e.length[1]) / 2) / 2 : (e.width[0] + e.width[1]) / 2;
  priors[e.label] = { heightM, sigma, depthExtentM: ext, support: e.label === "cup" ? "any" : "floor", ...(e.label === "table" ? { surfaceHeightM: heightM } : {}) };
}
const mode = process.argv[2] ?? "catalogue";
const rows: number[][] = [];
const objErr: number[] = [];
for (let seed = 1; seed <= 20; seed++) {
  const s = randomScene(seed);
  const r = s.render;
  const dets = r.objects.filter((o) => o.box2d).map((o) => ({ label: o.label, score: 1, box2d: o.box2d! }));
  const res = estimatePriorsDepth({ width: r.width, height: r.height, intrinsics: r.intrinsics, detections: dets, ...(mode === "catalogue" ? { priors } : {}) });
  const ref = { width: r.width, height: r.height, data: r.depthM, unitsPerMetre: 1 };
  const e = evaluateDepthAgainstReference(res.depth, ref);
  // object-only errors
  const objMask = new Float32Array(r.depthM.length);
  for (let i = 0; i < objMask.length; i++) objMask[i] = r.instance[i] >= 0 ? r.depthM[i] : 0;
  const eo = evaluateDepthAgainstReference(res.depth, { ...ref, data: objMask });
  const camH = s.scene.camera.position[2], pitch = s.scene.camera.pitchRad;
  // per-object: compare objectDepthsM with true z of the visible pixel at the box centre... use median true depth of object's pixels
  dets.forEach((d, j) => {
    const est = res.objectDepthsM[j];
    const idx = r.objects.filter((o) => o.box2d)[j].index;
    const zs: number[] = [];
    for (let i = 0; i < r.instance.length; i++) if (r.instance[i] === idx) zs.push(r.depthM[i]);
    zs.sort((a, b) => a - b);
    const med = zs[zs.length >> 1];
    if (est) objErr.push(Math.abs(est - med) / med);
  });
  rows.push([e.absRel, e.rmseM, e.delta125, e.coverage, eo.absRel, eo.coverage, Math.abs(res.cameraHeightM - camH), Math.abs(res.pitchRad - pitch) * 180 / Math.PI]);
  console.log(seed, dets.map((d) => d.label).join(","), "abs", e.absRel.toFixed(3), "rmse", e.rmseM.toFixed(2), "d1", e.delta125.toFixed(2), "cov", e.coverage.toFixed(2), "obj", eo.absRel.toFixed(3), "h", camH.toFixed(2), res.cameraHeightM.toFixed(2), "p", (pitch * 57.3).toFixed(1), (res.pitchRad * 57.3).toFixed(1), res.usedObjects.length);
}
const mean = (i: number) => rows.reduce((a, r) => a + r[i], 0) / rows.length;
const sorted = (i: number) => rows.map((r) => r[i]).sort((a, b) => a - b);
console.log("mean absRel", mean(0).toFixed(3), "median", sorted(0)[10].toFixed(3), "max", sorted(0)[19].toFixed(3), "rmse", mean(1).toFixed(2), "d1", mean(2).toFixed(3), "cov", mean(3).toFixed(2), "objAbsRel", mean(4).toFixed(3), "objcov", mean(5).toFixed(2), "dh", mean(6).toFixed(3), "dp", mean(7).toFixed(2));
objErr.sort((a, b) => a - b);
console.log("per-object depth rel err median", objErr[objErr.length >> 1].toFixed(3), "p90", objErr[Math.floor(objErr.length * 0.9)].toFixed(3), "n", objErr.length);
const valid = rows.filter((r) => Number.isFinite(r[0]));
console.log("scenes with estimates", valid.length, "/", rows.length, "mean absRel", (valid.reduce((a, r) => a + r[0], 0) / valid.length).toFixed(3), "median", valid.map((r) => r[0]).sort((a, b) => a - b)[valid.length >> 1].toFixed(3), "d1", (valid.reduce((a, r) => a + r[2], 0) / valid.length).toFixed(3), "cov", (rows.reduce((a, r) => a + r[3], 0) / rows.length).toFixed(2));
