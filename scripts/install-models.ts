// Run by `npm install` (postinstall) and `npm run models:pull`: installs the default models from
// the mirror (SPATIAL_MODEL_MIRROR, or ../shared/models beside the checkout) or from upstream.
import { defaultMirror, formatPullResult, modelDir, pullCommand } from "../apps/gpu-runner/src/index.js";

try {
  const rows = await pullCommand([]);
  console.log(formatPullResult(rows));
} catch (error) {
  const mirror = defaultMirror();
  console.error(`spatial: could not install the default models into ${modelDir()}: ${(error as Error).message}`);
  console.error(mirror ? `spatial: the mirror was ${mirror}` : "spatial: no mirror was found; set SPATIAL_MODEL_MIRROR=<dir with the .onnx files> and run `npm run models:pull`, or make the upstream URLs reachable");
  process.exitCode = 1;
}
