// Setup file of the edge test project: D1 gets the drizzle-kit migrations (idempotent; setup files
// may run more than once).
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
