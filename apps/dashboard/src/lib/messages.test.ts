import { AuthenticationError, ConnectionError, JobFailedError, PayloadTooLargeError, UnsupportedMediaTypeError, errorFromResponse } from "@spatial/sdk";
import { describe, expect, it } from "vitest";
import { describeError } from "./messages.js";

const body = (code: string, message: string) => JSON.stringify({ error: { code, message } });

describe("error messages on the page", () => {
  it("say what happened in words, with the server's code and message", () => {
    expect(describeError(errorFromResponse(401, body("unauthorized", "missing, unknown or revoked credentials")))).toBe("The API key was refused (unauthorized): missing, unknown or revoked credentials. Sign in again with a valid key.");
    expect(describeError(errorFromResponse(413, body("payload_too_large", "image is over 25 MiB")))).toMatch(/^The upload is too large \(payload_too_large\): image is over 25 MiB$/);
    expect(describeError(errorFromResponse(415, body("unsupported_media_type", "not a JPEG, PNG or WebP image")))).toMatch(/not an image the service reads.*\(unsupported_media_type\): not a JPEG/);
    expect(describeError(new JobFailedError("job_1", "image_corrupt", "premature end of JPEG image"))).toBe("The job failed (image_corrupt): premature end of JPEG image");
    expect(describeError(new ConnectionError("cannot reach http://x: fetch failed"))).toMatch(/^The service cannot be reached/);
  });

  it("survive bodies that are not the API's JSON, and values that are not errors", () => {
    const proxyPage = errorFromResponse(502, "<html>Bad gateway</html>");
    expect(describeError(proxyPage)).toBe("The server refused the request (HTTP 502, http_error): HTTP 502");
    expect(describeError("plain text")).toBe("plain text");
    expect(describeError(new Error("boom"))).toBe("boom");
  });

  it("keep the typed classes the SDK promises", () => {
    expect(errorFromResponse(401, "")).toBeInstanceOf(AuthenticationError);
    expect(errorFromResponse(413, "")).toBeInstanceOf(PayloadTooLargeError);
    expect(errorFromResponse(415, "")).toBeInstanceOf(UnsupportedMediaTypeError);
  });
});
