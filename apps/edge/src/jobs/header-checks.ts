// What the edge can tell from the files' headers alone, checked before a job exists so a client
// gets its 4xx at once instead of a job that fails seconds later on a runner: decompression bombs,
// intrinsics that no camera has for this image size, caller boxes outside the image, and depth maps
// whose shape cannot be registered to the image.
//
// Headers give the stored pixel grid; EXIF orientations 5–8 (JPEG, WebP) swap it for the upright
// picture the runner works on. Reading EXIF here would duplicate the decoder, so each check passes
// when it passes for either orientation; the runner checks the exact upright size again.
import { boxesProblem, intrinsicsProblem } from "@spatial/shared/protocol";
import { ApiError } from "../http/errors.js";
import type { ResolvedIntake } from "./intake.js";
import { IMAGE_MAX_PIXELS } from "./limits.js";
import type { ImageSize } from "./sniff.js";

/** Same tolerance as the runner's depth loader: a map of the image's aspect ratio is resampled, any other is refused. */
const ASPECT_TOLERANCE = 0.01;

const orientations = ({ width, height }: ImageSize): ImageSize[] => (width === height ? [{ width, height }] : [{ width, height }, { width: height, height: width }]);

/** What the checks read: the files' sizes from their headers and the options that refer to pixels. */
export interface HeaderFacts {
  image: { size: ImageSize };
  depth?: { size: ImageSize };
  options: Pick<ResolvedIntake["options"], "intrinsics" | "objects">;
}

/** Throws the 4xx for the first problem found. */
export function checkAgainstHeaders({ image, depth, options }: HeaderFacts): void {
  const { width, height } = image.size;
  if (width * height > IMAGE_MAX_PIXELS) {
    throw new ApiError(413, "image_too_large", `image is ${width}×${height} (${(width * height / 1e6).toFixed(1)} MP), over the ${IMAGE_MAX_PIXELS / 1e6} MP limit: downscale it`);
  }
  const upright = orientations(image.size);
  const firstProblem = (problem: (s: ImageSize) => string | null) => {
    const problems = upright.map(problem);
    return problems.every((p) => p !== null) ? problems[0] : null;
  };
  if (options.intrinsics) {
    const problem = firstProblem((s) => intrinsicsProblem(options.intrinsics!, s.width, s.height));
    if (problem) throw new ApiError(400, "intrinsics_invalid", `options.intrinsics: ${problem}`);
  }
  if (options.objects?.length) {
    const problem = firstProblem((s) => boxesProblem(options.objects!, s.width, s.height));
    if (problem) throw new ApiError(400, "objects_box_outside", `options.${problem}`);
  }
  if (depth) {
    const d = depth.size;
    if (d.width * d.height > IMAGE_MAX_PIXELS) throw new ApiError(413, "depth_too_large", `depth map is ${d.width}×${d.height}, over the ${IMAGE_MAX_PIXELS / 1e6} MP limit`);
    const aspect = d.width / d.height;
    if (!upright.some((s) => Math.abs(aspect / (s.width / s.height) - 1) <= ASPECT_TOLERANCE)) {
      throw new ApiError(400, "depth_size_mismatch", `depth map is ${d.width}×${d.height} but the image is ${width}×${height}: send depth registered to the image, at its size or aspect ratio`);
    }
  }
}
