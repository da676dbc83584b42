import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BlobRef } from "@spatial/shared/protocol";
import { BlobFetchError, blobUrl, fetchBlob } from "./blobs.js";
import { StandInHub } from "./test-hub.js";

let hub: StandInHub;
let ref: BlobRef;
const bytes = Buffer.from("0123456789".repeat(100));

beforeAll(async () => {
  hub = await StandInHub.start();
  ref = hub.addBlob("images/a b/c.png", bytes, "image/png");
});
afterAll(() => hub.close());

describe("blobUrl", () => {
  it("puts the key in one path segment under the edge's base URL", () => {
    expect(blobUrl("http://127.0.0.1:8787", "img/ab")).toBe("http://127.0.0.1:8787/v1/runner/blobs/img%2Fab");
    expect(blobUrl("https://edge.dev/base/", "x y")).toBe("https://edge.dev/base/v1/runner/blobs/x%20y");
  });
});

describe("fetchBlob", () => {
  const options = () => ({ edgeUrl: hub.url, token: "test-token" });

  it("fetches the bytes with the bearer token and checks size and sha256", async () => {
    expect(await fetchBlob(ref, options())).toEqual(bytes);
    expect(await fetchBlob({ ...ref, sha256: undefined }, options())).toEqual(bytes);
  });

  it.each([
    ["a wrong token", (r: BlobRef) => r, { token: "nope" }, /HTTP 401/],
    ["a missing key", (r: BlobRef) => ({ ...r, key: "nope" }), {}, /HTTP 404/],
    ["a wrong sha256", (r: BlobRef) => ({ ...r, sha256: "f".repeat(64) }), {}, /does not match its sha256/],
    ["a wrong size", (r: BlobRef) => ({ ...r, bytes: 999 }), {}, /has 1000 bytes, its reference says 999/],
    ["a blob over the limit (declared)", (r: BlobRef) => r, { maxBytes: 999 }, /over the runner's limit of 999/],
    ["a blob over the limit (sent)", (r: BlobRef) => ({ ...r, bytes: 10 }), { maxBytes: 999 }, /larger than the runner's limit of 999 bytes/],
  ])("refuses %s with a BlobFetchError that says why", async (_what, change, extra, message) => {
    const error = await fetchBlob(change(ref), { ...options(), ...extra }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobFetchError);
    expect((error as Error).message).toMatch(message);
  });

  it("says it cannot reach an edge that is not there", async () => {
    await expect(fetchBlob(ref, { edgeUrl: "http://127.0.0.1:9", token: "t" })).rejects.toThrow(/cannot fetch blob images\/a b\/c\.png from http:\/\/127\.0\.0\.1:9\//);
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("cancelled"));
    await expect(fetchBlob(ref, { ...options(), signal: controller.signal })).rejects.toThrow("cancelled");
  });
});

describe("fetchBlob timeout", () => {
  it("gives up on a blob that does not come in time", async () => {
    const slow = await StandInHub.start({ blobDelayMs: 1_000 });
    try {
      const r = slow.addBlob("k", Buffer.from("x"), "text/plain");
      await expect(fetchBlob(r, { edgeUrl: slow.url, token: "test-token", timeoutMs: 100 })).rejects.toThrow(/cannot fetch blob k from .*: timed out after 100 ms/);
    } finally {
      await slow.close();
    }
  });
});
