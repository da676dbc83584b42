// Test typing: the worker's bindings plus the migrations vitest.config.ts adds, and the main
// module for `exports` from cloudflare:workers.
import type { EdgeEnv } from "../env.js";

declare global {
  namespace Cloudflare {
    interface Env extends EdgeEnv {
      TEST_MIGRATIONS: { name: string; queries: string[] }[];
    }
    interface GlobalProps {
      mainModule: typeof import("../index.js");
      durableNamespaces: "JobRoom" | "RunnerHub" | "RateLimiter";
    }
  }
}
