// GET /v1/openapi.json (the document) and GET /docs (Scalar's API reference page for it). The page
// loads Scalar's standalone bundle from the worker's own static assets (the dashboard build copies
// it there, apps/dashboard/vite.config.ts), never from a CDN: the docs work offline and on a
// network that blocks jsDelivr. Scalar's web fonts, telemetry and AI agent are off for the same reason.
import { Scalar } from "@scalar/hono-api-reference";
import { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { openApiDocument } from "../openapi/document.js";

/** Where the dashboard build puts @scalar/api-reference's browser/standalone.js (keep in step with vite.config.ts). */
export const DOCS_SCRIPT_PATH = "/docs/api-reference.js";

export const openapi = new Hono<AppEnv>().get("/openapi.json", (c) => c.json(openApiDocument()));

export const docsPage = Scalar({
  url: "/v1/openapi.json",
  pageTitle: "Spatial API",
  cdn: DOCS_SCRIPT_PATH,
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  showDeveloperTools: "never",
});
