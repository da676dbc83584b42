// drizzle-kit: `npx drizzle-kit generate` writes SQL migrations of the edge's D1 schema into
// migrations/, which wrangler applies (`npx wrangler d1 migrations apply DB --local|--remote`).
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./apps/edge/src/db/schema.ts",
  out: "./migrations",
});
