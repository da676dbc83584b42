import { Hono } from "hono";
import { PIPELINE_VERSION } from "@spatial/shared/protocol";
import type { AppEnv } from "../env.js";
import type { HealthResponse } from "../http/schemas.js";

export const health = new Hono<AppEnv>().get("/health", (c) => c.json({ ok: true, pipelineVersion: PIPELINE_VERSION } satisfies HealthResponse));
