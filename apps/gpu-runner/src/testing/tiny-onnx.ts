// Builds small ONNX models in memory, for tests of adapters whose real weights cannot be had here:
// the same loading, pre- and post-processing code runs on a graph with the real model's tensor
// names and shapes, whose arithmetic the test knows.
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

export type ElemType = "float32" | "int64" | "int32" | "bool";
const ELEM: Record<ElemType, number> = { float32: 1, int32: 6, int64: 7, bool: 9 };

export interface TinyValue {
  name: string;
  type: ElemType;
  /** Numbers for fixed dimensions, strings for symbolic ones ("batch", "height"). */
  shape: (number | string)[];
}

export interface TinyNode {
  op: string;
  inputs: string[];
  outputs: string[];
  /** Attribute values: number → int (or float when not an integer or `floats` lists), number[] → ints, string → string. */
  attrs?: Record<string, number | number[] | string | { float: number } | { floats: number[] }>;
}

export interface TinyInitializer {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array | Int32Array;
}

export interface TinyModel {
  inputs: TinyValue[];
  outputs: TinyValue[];
  nodes: TinyNode[];
  initializers?: TinyInitializer[];
  opset?: number;
}

function attribute(name: string, value: NonNullable<TinyNode["attrs"]>[string]): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === "string") return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if (typeof value === "object" && "floats" in value) return { name, type: T.FLOATS, floats: value.floats };
  if (typeof value === "object") return { name, type: T.FLOAT, f: value.float };
  return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
}

function valueInfo(v: TinyValue): onnxProto.onnx.IValueInfoProto {
  return {
    name: v.name,
    type: { tensorType: { elemType: ELEM[v.type], shape: { dim: v.shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) } } },
  };
}

function initializer(t: TinyInitializer): onnxProto.onnx.ITensorProto {
  if (t.data instanceof Float32Array) return { name: t.name, dims: t.dims, dataType: ELEM.float32, rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) };
  if (t.data instanceof Int32Array) return { name: t.name, dims: t.dims, dataType: ELEM.int32, rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) };
  return { name: t.name, dims: t.dims, dataType: ELEM.int64, rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) };
}

/** Serialises a model to ONNX bytes (opset 17 by default), ready for `createSession`. */
export function buildOnnxModel(model: TinyModel): Uint8Array {
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "spatial-tests",
    opsetImport: [{ domain: "", version: model.opset ?? 17 }],
    graph: {
      name: "tiny",
      node: model.nodes.map((n, i) => ({ name: `${n.op}_${i}`, opType: n.op, input: n.inputs, output: n.outputs, attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)) })),
      input: model.inputs.map(valueInfo),
      output: model.outputs.map(valueInfo),
      initializer: (model.initializers ?? []).map(initializer),
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}
