// Scene graphs in R2, content-addressed (scene/<sha256 of the JSON>): a re-run or a cache hit that
// produces the same graph writes nothing new, and a stored graph never changes under a job.
import { SceneGraph } from "@spatial/shared/spatial";
import { sha256Hex } from "../auth/crypto.js";

export async function putScene(blobs: R2Bucket, graph: SceneGraph): Promise<string> {
  const json = JSON.stringify(graph);
  const key = `scene/${await sha256Hex(json)}`;
  if (!(await blobs.head(key))) await blobs.put(key, json, { httpMetadata: { contentType: "application/json" } });
  return key;
}

export async function getScene(blobs: R2Bucket, key: string): Promise<SceneGraph | null> {
  const obj = await blobs.get(key);
  if (!obj) return null;
  const parsed = SceneGraph.safeParse(await obj.json());
  return parsed.success ? parsed.data : null;
}
