import { describe, expect, it } from "vitest";
import { describeError, errorCode, isDisconnect } from "./log.js";

describe("describeError", () => {
  it("keeps the reason of a D1 error but never the statement or its parameters", () => {
    const payload = "x".repeat(5_000_000);
    const err = new Error(`D1_ERROR: string or blob too big: SQLITE_TOOBIG: INSERT INTO jobs (id, options) VALUES ('job_1', '${payload}')`);
    const text = describeError(err);
    expect(text.length).toBeLessThan(300);
    expect(text).toContain("SQLITE_TOOBIG");
    expect(text).not.toContain("xxxx");
    expect(errorCode(err)).toBe("too_large");
  });
  it("clips long messages and describes non-errors by type", () => {
    expect(describeError(new TypeError("y".repeat(1000)))).toMatch(/^TypeError: y{200}… \(1000 chars\)$/);
    expect(describeError({ secret: "payload" })).toBe("object");
  });
  it("tells a client that went away from a fault", () => {
    expect(isDisconnect(new Error("Network connection lost."))).toBe(true);
    expect(isDisconnect(new Error("write EPIPE: broken pipe"))).toBe(true);
    expect(isDisconnect(new Error("D1_ERROR: no such table"))).toBe(false);
  });
});
