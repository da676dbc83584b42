import { floorMisfit, fitGroundCamera, rowOf, floorDepthAtRow, forwardDistance } from "./src/depth/ground-plane.js";
import { sizePriorFor } from "./src/depth/size-priors.js";
const cases: Record<string, any> = {
  tum: { k: { fx: 525, fy: 525, cx: 319.5, cy: 239.5 }, cam: { heightM: 1.681, pitchRad: 25.2 / 57.3 }, dets: [["chair", [3, 255, 240, 476]], ["chair", [372, 232, 532, 436]], ["desk", [28, 170, 632, 375]]] },
  nyu: { k: { fx: 518.8579, fy: 519.46961, cx: 325.58245, cy: 253.73617 }, cam: { heightM: 1.475, pitchRad: 13.9 / 57.3 }, dets: [["cabinet", [168, 95, 357, 362]], ["chair", [467, 168, 510, 253]], ["chair", [510, 168, 555, 257]], ["dining table", [447, 180, 582, 256]], ["chair", [592, 335, 640, 475]]] },
};
for (const [name, c] of Object.entries(cases)) {
  const obs = c.dets.map(([l, b]: any) => { const p = sizePriorFor(l)!; return { topRow: b[1] - 0.5, bottomRow: b[3] - 0.5, heightM: p.heightM!, depthExtentM: p.depthExtentM ?? 0, sigma: p.sigma }; });
  for (const [i, o] of obs.entries()) {
    const z = floorDepthAtRow(o.bottomRow, c.k, c.cam); const d = forwardDistance(o.bottomRow, z, c.k, c.cam);
    console.log(name, c.dets[i][0], "misfit@true", floorMisfit(o, c.k, c.cam)?.toFixed(2), "contact z", z.toFixed(2), "front top row", rowOf(d, o.heightM, c.k, c.cam).toFixed(1), "back top row", rowOf(d + o.depthExtentM, o.heightM, c.k, c.cam).toFixed(1), "obs top", o.topRow);
  }
  const f = fitGroundCamera(obs, c.k);
  console.log(name, "fit", f.heightM.toFixed(2), (f.pitchRad * 57.3).toFixed(1), f.inliers, "misfits@fit", obs.map((o: any) => floorMisfit(o, c.k, f)?.toFixed(2)).join(" "));
}
