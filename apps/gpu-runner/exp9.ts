import { randomScene, CATALOGUE } from "@spatial/shared/testing";
import { estimatePriorsDepth } from "./src/depth/priors-depth.js";
import type { SizePrior } from "./src/depth/size-priors.js";
const priors: Record<string, SizePrior> = {};
for (const e of CATALOGUE) {
  const h = e.kind === "sphere" ? e.width : e.height;
  const heightM = Math.sqrt(h[0] * h[1]);
  const sigma = Math.max(0.03, Math.log(h[1] / h[0]) / Math.sqrt(12));
  const ext = e.kind === "box" ? ((e.width[0] + e.width[1]) / 2 + (e.length[0] + e.length[1]) / 2) / 2 : (e.width[0] + e.width[1]) / 2;
  priors[e.label] = { heightM, sigma, depthExtentM: ext, support: e.label === "cup" ? "any" : "floor", ...(e.label === "table" ? { surfaceHeightM: heightM } : {}) };
}
const s = randomScene(Number(process.argv[2])); const r = s.render;
const objs = r.objects.filter((o) => o.box2d);
const res = estimatePriorsDepth(r, r.intrinsics, objs.map((o) => ({ label: o.label, score: 1, box2d: o.box2d! })), { priors });
console.log("cam", s.scene.camera.position[2].toFixed(2), (s.scene.camera.pitchRad*57.3).toFixed(1), "fit", res.cameraHeightM.toFixed(2), (res.pitchRad*57.3).toFixed(1), "horizon", res.horizonRow.toFixed(0), res.usedObjects);
objs.forEach((o, j) => {
  const spec = s.scene.objects[o.index] as any;
  const zs: number[] = []; for (let i = 0; i < r.instance.length; i++) if (r.instance[i] === o.index) zs.push(r.depthM[i]); zs.sort((a,b)=>a-b);
  console.log(o.label, o.box2d, "H", (spec.heightM ?? 2*spec.radiusM).toFixed(2), "vis", o.visibleFraction.toFixed(2), "est", res.objectDepthsM[j]?.toFixed(2), "true med", zs[zs.length>>1].toFixed(2), "min", zs[0].toFixed(2), s.restsOn[o.index]);
});
