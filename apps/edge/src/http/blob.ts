// An R2 object as an HTTP response (its stored content type, size and ETag), or 404 `not_found`.
import { notFound } from "./errors.js";

export async function blobResponse(bucket: R2Bucket, key: string): Promise<Response> {
  const obj = await bucket.get(key);
  if (!obj) throw notFound("blob");
  const headers = new Headers({ ETag: obj.httpEtag, "Content-Length": String(obj.size) });
  obj.writeHttpMetadata(headers);
  return new Response(obj.body, { headers });
}
