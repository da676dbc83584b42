// With no browser, the dashboard's browser tests fail and say how to install one; they never skip.
import { describe, expect, it } from "vitest";
import { requireChromium } from "./dashboard-harness.js";

describe("the browser tests without a browser", () => {
  it("fail naming the install command", () => {
    expect(() => requireChromium("/nonexistent/chromium")).toThrow(/apt-get update && apt-get install -y chromium/);
  });
});
