import { describe, expect, it } from "vitest";
import { signViewToken, verifyViewToken } from "./view-token.js";

describe("view tokens", () => {
  it("verify for their job until they expire", async () => {
    const token = await signViewToken("s3cret", { jobId: "job_1", tenantId: "tenant-a", keyId: "key_1" }, 2000);
    expect(await verifyViewToken("s3cret", token, "job_1", 1999)).toEqual({ jobId: "job_1", tenantId: "tenant-a", keyId: "key_1" });
    expect(await verifyViewToken("s3cret", token, "job_1", 2001)).toBeNull();
    expect(await verifyViewToken("s3cret", token, "job_2", 1999)).toBeNull();
    expect(await verifyViewToken("other", token, "job_1", 1999)).toBeNull();
  });

  it("refuse tampered, truncated and garbage tokens", async () => {
    const token = await signViewToken("s3cret", { jobId: "job_1", tenantId: "tenant-a", keyId: "key_1" }, 2000);
    const [payload, signature] = token.split(".");
    const forged = btoa(JSON.stringify({ j: "job_1", t: "tenant-b", k: "key_1", e: 2000 })).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    for (const bad of [`${forged}.${signature}`, payload, `${payload}.`, `${payload}.${signature}x`, "", "a.b.c", "!!.??"]) {
      expect(await verifyViewToken("s3cret", bad, "job_1", 1999), bad).toBeNull();
    }
    expect(await verifyViewToken("", token, "job_1", 1999)).toBeNull();
  });
});
