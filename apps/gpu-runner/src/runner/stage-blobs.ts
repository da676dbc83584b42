// A stage's big arrays — the depth map, the masks, each object's point cloud — go to the edge's
// blob store under the attempt's outputs prefix before the events that reference them, so a
// subscriber never sees an event whose blob is not there yet.
import type { BlobRef } from "@spatial/shared/protocol";
import type { Stage } from "../pipeline/perception.js";
import { putBlob, type FetchBlobOptions } from "./blobs.js";
import type { StageBlobs, StagePartial } from "./job-events.js";
import { depthPng, labelPng, POINTS_CONTENT_TYPE } from "./outputs.js";

/** `outputs`: the attempt's key prefix, `out/<jobId>/<attempt>`. */
export async function putStageBlobs(stage: Stage, partial: StagePartial, imageSize: { width: number; height: number } | undefined, outputs: string, blobOptions: FetchBlobOptions): Promise<StageBlobs> {
  const blobs: StageBlobs = {};
  if (stage === "depth" && partial.depth) blobs.depth = await putBlob(`${outputs}/depth.png`, await depthPng(partial.depth), "image/png", blobOptions);
  if (stage === "segment" && partial.observations && imageSize && partial.observations.some((o) => o.mask)) {
    blobs.masks = await putBlob(`${outputs}/masks.png`, await labelPng(partial.observations.map((o) => o.mask), imageSize.width, imageSize.height), "image/png", blobOptions);
  }
  if (stage === "lift" && partial.pointsWorld) {
    const clouds = new Map<string, BlobRef>();
    for (const [objectId, points] of partial.pointsWorld) {
      clouds.set(objectId, await putBlob(`${outputs}/points/${objectId}.f32`, new Uint8Array(points.buffer, points.byteOffset, points.byteLength), POINTS_CONTENT_TYPE, blobOptions));
    }
    blobs.pointClouds = clouds;
  }
  return blobs;
}
