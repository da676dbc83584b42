import { describe, expect, it } from "vitest";
import { createSession, parseDevice, run, tensor, availableDevices } from "../runtime/onnx.js";
import { buildOnnxModel } from "./tiny-onnx.js";

describe("buildOnnxModel", () => {
  it("builds a graph onnxruntime runs: y = mean over channels of x, times 2", async () => {
    const bytes = buildOnnxModel({
      inputs: [{ name: "pixel_values", type: "float32", shape: [1, 3, "h", "w"] }],
      outputs: [{ name: "predicted_depth", type: "float32", shape: [1, "h", "w"] }],
      initializers: [{ name: "two", dims: [], data: new Float32Array([2]) }, { name: "axes", dims: [1], data: new BigInt64Array([1n]) }],
      nodes: [
        { op: "ReduceMean", inputs: ["pixel_values", "axes"], outputs: ["m"], attrs: { keepdims: 0 } },
        { op: "Mul", inputs: ["m", "two"], outputs: ["predicted_depth"] },
      ],
      opset: 18,
    });
    const session = await createSession(bytes);
    const x = new Float32Array([1, 2, 3, 4, 5, 6]); // [1,3,1,2]
    const out = await run(session, { pixel_values: tensor(x, [1, 3, 1, 2]) });
    expect(out.predicted_depth.dims).toEqual([1, 1, 2]);
    expect(Array.from(out.predicted_depth.data as Float32Array)).toEqual([6, 8]);
  });
});

describe("devices", () => {
  it("always has the CPU and rejects unknown names with the valid list", () => {
    expect(availableDevices()).toContain("cpu");
    expect(parseDevice("CPU")).toBe("cpu");
    expect(() => parseDevice("tpu")).toThrow(/valid devices: cpu, cuda/);
  });
});
