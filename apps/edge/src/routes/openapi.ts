import { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { openApiDocument } from "../openapi/document.js";

export const openapi = new Hono<AppEnv>().get("/openapi.json", (c) => c.json(openApiDocument()));
