import { describe, expect, it } from "vitest";
import { parseRunnerArgs, RunnerUsageError } from "./args.js";

describe("parseRunnerArgs", () => {
  it("reads flags, with defaults for the rest", () => {
    expect(parseRunnerArgs(["--edge", "http://127.0.0.1:8787", "--token", "T"], {})).toEqual({
      edgeUrl: "http://127.0.0.1:8787", token: "T", pool: "default", concurrency: 1, device: "cpu", graceMs: 10_000, answerBackends: {}, help: false,
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

  it("configures the optional planner and VLM from flags or SPATIAL_* env, keys from the env only", () => {
    const base = ["--edge", "http://e", "--token", "t"];
    expect(parseRunnerArgs([...base, "--vlm-url", "http://127.0.0.1:8000/v1", "--vlm-model", "SpaceQwen2.5-VL-3B-Instruct", "--vlm-timeout-ms", "5000"], { SPATIAL_VLM_API_KEY: "vk" }).answerBackends).toEqual({
      vlm: { baseUrl: "http://127.0.0.1:8000/v1", model: "SpaceQwen2.5-VL-3B-Instruct", apiKey: "vk", timeoutMs: 5000, maxTokens: 512 },
    });
    const env = { SPATIAL_PLANNER_URL: "http://localhost:11434/v1", SPATIAL_PLANNER_MODEL: "qwen2.5:7b", SPATIAL_PLANNER_API_KEY: "pk" };
    expect(parseRunnerArgs(base, env).answerBackends).toEqual({ planner: { baseUrl: "http://localhost:11434/v1", model: "qwen2.5:7b", apiKey: "pk", timeoutMs: 20_000 } });
    expect(parseRunnerArgs([...base, "--planner-model", "other"], env).answerBackends.planner?.model).toBe("other");
  });

  it.each([
    [["--vlm-url", "http://v/v1"], /--vlm-url needs --vlm-model/],
    [["--planner-model", "m"], /--planner-model needs --planner-url/],
    [["--vlm-url", "ftp://v", "--vlm-model", "m"], /--vlm-url must be an http\(s\) URL/],
    [["--vlm-url", "http://v/v1", "--vlm-model", "m", "--vlm-max-tokens", "0"], /--vlm-max-tokens must be an integer from 1 to 8192/],
  ])("refuses backend flags %j", (args, message) => {
    expect(() => parseRunnerArgs(["--edge", "http://e", "--token", "t", ...args], {})).toThrow(message);
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
