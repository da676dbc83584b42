// Run by `npm install` (postinstall) and `npm run models:pull`: installs the default models into
// modelDir() from the mirror (SPATIAL_MODEL_MIRROR, or ../shared/models beside the checkout) or,
// failing that, from their upstream URLs. One line per model; on failure one line that says what to
// do, and a non-zero exit so `npm install` reports it. Imports the model store directly, not the
// runner's index, so it works before native packages (onnxruntime-node, sharp) are usable.
import { formatPullResult, pullCommand } from "../apps/gpu-runner/src/models/commands.js";
import { defaultMirror, ModelDownloadError, modelDir } from "../apps/gpu-runner/src/models/store.js";

try {
  await pullCommand([], { onModel: (files) => console.log(formatPullResult(files)) });
} catch (error) {
  let line: string;
  if (error instanceof ModelDownloadError) {
    const mirror = defaultMirror();
    line =
      `spatial: the default models could not be installed into ${modelDir()}: ` +
      (mirror
        ? `the mirror ${mirror} has no ${error.file} and downloading it failed`
        : `no model mirror was found (SPATIAL_MODEL_MIRROR is unset and ../shared/models does not exist) and downloading ${error.file} failed`) +
      ` (${error.reason}). To install them, run \`SPATIAL_MODEL_MIRROR=<directory with the model files> npm run models:pull\`, ` +
      "or `npx spatial models pull` where the network is reachable.";
  } else {
    line = `spatial: the default models could not be installed into ${modelDir()}: ${error instanceof Error ? error.message : String(error)}`;
  }
  console.error(line.replace(/\s+/g, " "));
  process.exitCode = 1;
}
