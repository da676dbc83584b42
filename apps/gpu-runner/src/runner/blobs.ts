// A job's input bytes (image, depth map) from the edge: GET <edge>/v1/runner/blobs/<key> with the
// runner's bearer token. The key is one URL path segment (slashes encoded), the size is checked
// against the BlobRef and a cap, and the sha256 when the BlobRef has one.
import { createHash } from "node:crypto";
import type { BlobRef } from "@spatial/shared/protocol";

/** Larger than any image the decoder accepts; a blob past this is refused before it fills memory. */
export const MAX_BLOB_BYTES = 128 * 1024 * 1024;

export class BlobFetchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BlobFetchError";
  }
}

/** The blob's URL: `blobUrl("http://e:8787", "img/ab")` → `http://e:8787/v1/runner/blobs/img%2Fab`. */
export function blobUrl(edgeUrl: string, key: string): string {
  return new URL(`v1/runner/blobs/${encodeURIComponent(key)}`, edgeUrl.endsWith("/") ? edgeUrl : `${edgeUrl}/`).toString();
}

export interface FetchBlobOptions {
  edgeUrl: string;
  token: string;
  signal?: AbortSignal;
  maxBytes?: number;
  /** For the whole download, body included (default 60 s). */
  timeoutMs?: number;
}

export async function fetchBlob(ref: BlobRef, options: FetchBlobOptions): Promise<Buffer> {
  const url = blobUrl(options.edgeUrl, ref.key);
  const maxBytes = options.maxBytes ?? MAX_BLOB_BYTES;
  if (ref.bytes > maxBytes) throw new BlobFetchError(`blob ${ref.key} is ${ref.bytes} bytes, over the runner's limit of ${maxBytes}`);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const failed = (error: unknown): Error => {
    if (options.signal?.aborted) return options.signal.reason instanceof Error ? options.signal.reason : (error as Error);
    const why = timeout.aborted ? `timed out after ${timeoutMs} ms` : (error as Error).message;
    return new BlobFetchError(`cannot fetch blob ${ref.key} from ${url}: ${why}`, { cause: error });
  };
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${options.token}` }, signal });
  } catch (error) {
    throw failed(error);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new BlobFetchError(`fetching blob ${ref.key} from ${url} failed: HTTP ${response.status}`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body ?? []) {
      total += chunk.byteLength;
      if (total > maxBytes) break;
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    throw failed(error);
  }
  if (total > maxBytes) throw new BlobFetchError(`blob ${ref.key} is larger than the runner's limit of ${maxBytes} bytes`);
  const bytes = Buffer.concat(chunks, total);
  if (bytes.length !== ref.bytes) throw new BlobFetchError(`blob ${ref.key} has ${bytes.length} bytes, its reference says ${ref.bytes}`);
  if (ref.sha256) {
    const actual = createHash("sha256").update(bytes).digest("hex");
    if (actual !== ref.sha256) throw new BlobFetchError(`blob ${ref.key} does not match its sha256 (expected ${ref.sha256}, got ${actual})`);
  }
  return bytes;
}

/**
 * Stores one of a job's outputs at the edge (PUT <edge>/v1/runner/blobs/out/…) and returns the
 * reference its event carries. Big arrays travel this way, never inside JSON events.
 */
export async function putBlob(key: string, bytes: Uint8Array, contentType: string, options: Pick<FetchBlobOptions, "edgeUrl" | "token" | "signal" | "timeoutMs">): Promise<BlobRef> {
  const url = blobUrl(options.edgeUrl, key);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, { method: "PUT", body: bytes, headers: { authorization: `Bearer ${options.token}`, "content-type": contentType, "content-length": String(bytes.byteLength) }, signal });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new BlobFetchError(`cannot store blob ${key} at ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) throw new BlobFetchError(`storing blob ${key} at ${url} failed: HTTP ${response.status} ${await response.text().catch(() => "")}`.trim());
  await response.body?.cancel();
  return { key, contentType, bytes: bytes.byteLength, sha256: createHash("sha256").update(bytes).digest("hex") };
}
