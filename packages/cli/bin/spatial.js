#!/usr/bin/env node
// The `spatial` CLI. The sources are TypeScript run through tsx, so the CLI always runs exactly
// the code in the repository (no stale build).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));
