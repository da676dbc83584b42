import { describe, expect, it } from "vitest";
import { parseRunnerArgs, RunnerUsageError } from "./args.js";

describe("parseRunnerArgs", () => {
  it("reads flags, with defaults for the rest", () => {
    expect(parseRunnerArgs(["--edge", "http://127.0.0.1:8787", "--token", "T"], {})).toEqual({
      edgeUrl: "http://127.0.0.1:8787", token: "T", pool: "default", concurrency: 1, device: "cpu", graceMs: 10_000, help: false,
    });
    expect(parseRunnerArgs(["--edge", "https://e.dev", "--token", "T", "--pool", "cuda-depth-large", "--concurrency", "4", "--runner-id", "gpu-7", "--model-dir", "/m", "--grace-ms", "0"], {})).toMatchObject({
      pool: "cuda-depth-large", concurrency: 4, runnerId: "gpu-7", modelDir: "/m", graceMs: 0,
    });
  });

  it("falls back to SPATIAL_EDGE_URL and SPATIAL_RUNNER_TOKEN; flags win", () => {
    const env = { SPATIAL_EDGE_URL: "http://env:1", SPATIAL_RUNNER_TOKEN: "env-token" };
    expect(parseRunnerArgs([], env)).toMatchObject({ edgeUrl: "http://env:1", token: "env-token" });
    expect(parseRunnerArgs(["--token", "flag"], env)).toMatchObject({ edgeUrl: "http://env:1", token: "flag" });
  });

  it("needs no edge or token for --help", () => {
    expect(parseRunnerArgs(["--help"], {}).help).toBe(true);
  });

  it.each([
    [["--edge", "http://e", "--token", "t", "--concurrency", "65"], /--concurrency must be an integer from 1 to 64/],
    [["--edge", "http://e", "--token", "t", "--concurrency", "1.5"], /--concurrency/],
    [["--edge", "http://e", "--token", "t", "--pool", "a b"], /--pool must be/],
    [["--edge", "http://e", "--token", "t", "--pool", "GPU_1"], /--pool must be lower-case letters, digits and "-"/],
    [["--edge", "http://e", "--token", "t", "extra"], /Unexpected argument 'extra'/],
    [["--edge", "not a url", "--token", "t"], /--edge must be an http\(s\) URL/],
    [["--edge", "http://e", "--token", "  "], /no runner token given/],
  ])("refuses %j", (args, message) => {
    expect(() => parseRunnerArgs(args, {})).toThrow(RunnerUsageError);
    expect(() => parseRunnerArgs(args, {})).toThrow(message);
  });
});
