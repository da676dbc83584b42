// The one module that touches onnxruntime-node: device names → execution providers, sessions,
// tensors. Everything else speaks in plain typed arrays.
import * as ort from "onnxruntime-node";
import { z } from "zod";

export const DeviceName = z.enum(["cpu", "cuda"]);
export type DeviceName = z.infer<typeof DeviceName>;

export class DeviceUnavailableError extends Error {
  readonly code = "device_unavailable";
  constructor(message: string) {
    super(message);
    this.name = "DeviceUnavailableError";
  }
}

/** Devices this process can run on: CPU always; CUDA when onnxruntime's CUDA provider is installed. */
export function availableDevices(): DeviceName[] {
  const backends = ort.listSupportedBackends();
  return DeviceName.options.filter((d) => backends.some((b) => b.name === d && (d === "cpu" || b.bundled !== false || cudaProviderInstalled())));
}

function cudaProviderInstalled(): boolean {
  // onnxruntime-node ships the CPU provider only; its install step fetches CUDA's on GPU hosts.
  return process.env.SPATIAL_CUDA_PROVIDER === "1";
}

/** Parses a user's `--device` value into a device name, or throws an error naming the valid ones. */
export function parseDevice(value: string): DeviceName {
  const parsed = DeviceName.safeParse(value.toLowerCase());
  const available = availableDevices();
  if (!parsed.success) throw new DeviceUnavailableError(`unknown device "${value}"; valid devices: ${DeviceName.options.join(", ")} (available here: ${available.join(", ")})`);
  if (!available.includes(parsed.data)) {
    throw new DeviceUnavailableError(`device "${value}" is not available here (available: ${available.join(", ")}); CUDA needs onnxruntime-node's CUDA provider installed (npm install with ONNXRUNTIME_NODE_INSTALL_CUDA=v12) and SPATIAL_CUDA_PROVIDER=1`);
  }
  return parsed.data;
}

export interface SessionOptions {
  device?: DeviceName;
  /** Intra-op threads; default lets onnxruntime pick. */
  threads?: number;
}

export type Session = ort.InferenceSession;

/** Opens a model file on the chosen device (CUDA falls back to CPU for ops it lacks). */
export async function createSession(modelPath: string | Uint8Array, options: SessionOptions = {}): Promise<Session> {
  const device = options.device ?? "cpu";
  const executionProviders = device === "cuda" ? ["cuda", "cpu"] : ["cpu"];
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders,
    graphOptimizationLevel: "all",
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
  };
  return typeof modelPath === "string" ? ort.InferenceSession.create(modelPath, sessionOptions) : ort.InferenceSession.create(modelPath, sessionOptions);
}

export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array;

export function tensor(data: TensorData, dims: readonly number[]): ort.Tensor {
  if (data instanceof Float32Array) return new ort.Tensor("float32", data, dims);
  if (data instanceof Int32Array) return new ort.Tensor("int32", data, dims);
  if (data instanceof BigInt64Array) return new ort.Tensor("int64", data, dims);
  return new ort.Tensor("uint8", data, dims);
}

export interface OutputTensor {
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array;
  dims: readonly number[];
}

/** Runs a session and returns the named outputs as typed arrays with their shapes. */
export async function run(session: Session, feeds: Record<string, ort.Tensor>): Promise<Record<string, OutputTensor>> {
  const results = await session.run(feeds);
  const out: Record<string, OutputTensor> = {};
  for (const [name, value] of Object.entries(results)) out[name] = { data: value.data as OutputTensor["data"], dims: value.dims };
  return out;
}

/** Releases a session's native memory. */
export async function releaseSession(session: Session): Promise<void> {
  await session.release();
}
