// Operator views (admin token): a pool's runners, queue and leases.
import { Hono } from "hono";
import { requireAdmin } from "../auth/middleware.js";
import type { AppEnv } from "../env.js";
import { parseOr400 } from "../http/errors.js";
import { PoolName } from "../http/schemas.js";
import { hubOf } from "../jobs/create.js";

export const admin = new Hono<AppEnv>()
  .use(requireAdmin())
  .get("/pools/:pool", async (c) => c.json(await hubOf(c.env, parseOr400(PoolName, c.req.param("pool"), "pool")).snapshot()));
