import { randomScene, CATALOGUE } from "@spatial/shared/testing";
import { floorMisfit, fitGroundCamera } from "./src/depth/ground-plane.js";
const seed = Number(process.argv[2]);
const s = randomScene(seed); const r = s.render;
const cam = { heightM: s.scene.camera.position[2], pitchRad: s.scene.camera.pitchRad };
console.log("cam", cam, "focal", r.intrinsics.fx);
const obs = [];
for (const o of r.objects) {
  const spec = s.scene.objects[o.index] as any;
  const h = spec.kind === "sphere" ? 2 * spec.radiusM : spec.heightM;
  const e = CATALOGUE.find((c) => c.label === o.label)!;
  const hr = e.kind === "sphere" ? e.width : e.height;
  const ext = e.kind === "box" ? ((e.width[0] + e.width[1]) / 2 + (e.length[0] + e.length[1]) / 2) / 2 : (e.width[0] + e.width[1]) / 2;
  const ob = { topRow: o.box2d![1] - 0.5, bottomRow: o.box2d![3] - 0.5, heightM: Math.sqrt(hr[0] * hr[1]), depthExtentM: ext, sigma: Math.log(hr[1] / hr[0]) / Math.sqrt(12) };
  const obTrue = { ...ob, heightM: h, depthExtentM: spec.kind === "box" ? Math.max(spec.widthM, spec.lengthM) : 2 * spec.radiusM };
  console.log(o.label, o.box2d, "trueH", h.toFixed(2), "prior", ob.heightM.toFixed(2), "centerCam z", o.centerCam[2].toFixed(2), "misfit(true cam, prior)", floorMisfit(ob, r.intrinsics, cam)?.toFixed(2), "misfit(true cam,true size)", (floorMisfit(obTrue, r.intrinsics, cam)! * ob.sigma).toFixed(3), s.restsOn[o.index]);
  obs.push(ob);
}
console.log(fitGroundCamera(obs, r.intrinsics));
