import { PIPELINE_VERSION } from "@spatial/shared/protocol";
import { describe, expect, it } from "vitest";
import { api } from "../testing/harness.js";

describe("GET /v1/health", () => {
  it("answers ok with the pipeline version", async () => {
    const res = await api("/v1/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, pipelineVersion: PIPELINE_VERSION });
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await api("/v1/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });
});
