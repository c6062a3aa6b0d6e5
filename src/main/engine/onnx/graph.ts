/**
 * An ONNX model as the engine uses it: nodes with decoded attributes, weights as
 * typed arrays, the input and output declarations, and the model's metadata.
 */
import { EngineError } from '../errors';
import { int64, type RawAttribute, type RawModel, type RawTensor, type RawValueInfo } from './proto';

/** Element types (onnx.TensorProto.DataType) biascope reads. */
export const DATA_TYPE = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, DOUBLE: 11 } as const;

export interface Constant {
  dims: number[];
  /** float32 for floating types, plain numbers (exact up to 2^53) for integer ones. */
  data: Float32Array | number[];
  integer: boolean;
}

export type AttributeValue = number | string | number[] | string[] | Constant;

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, AttributeValue>;
  /** Module scopes the dynamo exporter records per node, when present. */
  scopes: string[] | null;
}

export interface ValueDecl {
  name: string;
  elemType: number;
  /** Dimensions: a number when fixed, a name (e.g. "batch") or null when dynamic. */
  dims: (number | string | null)[] | null;
}

export interface OnnxGraph {
  irVersion: number;
  opset: number;
  producer: string;
  nodes: OnnxNode[];
  initializers: Map<string, Constant>;
  /** Graph inputs that are not initializers: what a caller feeds. */
  inputs: ValueDecl[];
  outputs: ValueDecl[];
  metadata: Map<string, string>;
}

const decoder = new TextDecoder();

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndianFloats(bytes: Uint8Array, count: number, width: 4 | 8): Float32Array {
  // ONNX stores little-endian, as every machine biascope runs on: one copy, no loop.
  // (A copy into a fresh buffer: rawData may be a Buffer view into the whole file.)
  if (width === 4 && LITTLE_ENDIAN && bytes.byteLength === count * 4) return new Float32Array(new Uint8Array(bytes).buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = width === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
  return out;
}

function littleEndianIntegers(bytes: Uint8Array, count: number, type: number): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    if (type === DATA_TYPE.INT64) out[i] = Number(view.getBigInt64(i * 8, true));
    else if (type === DATA_TYPE.INT32) out[i] = view.getInt32(i * 4, true);
    else if (type === DATA_TYPE.INT8) out[i] = view.getInt8(i);
    else out[i] = view.getUint8(i);
  }
  return out;
}

const TYPE_NAMES: Record<number, string> = { 4: 'uint16', 5: 'int16', 8: 'string', 10: 'float16', 12: 'uint32', 13: 'uint64', 16: 'bfloat16' };

/** A TensorProto's values; `where` names it in errors. */
export function readTensor(tensor: RawTensor, where: string): Constant {
  const dims = (tensor.dims ?? []).map(int64);
  const count = dims.reduce((a, b) => a * b, 1);
  const type = tensor.dataType ?? 0;
  if (tensor.dataLocation === 1) {
    const file = tensor.externalData?.find((e) => e.key === 'location')?.value ?? '?';
    throw new EngineError(
      'model-invalid',
      `${where}: weights are stored outside the .onnx file (in "${file}"); biascope reads self-contained files: ` +
        'save the model with onnx.save(model, path, save_as_external_data=False)',
    );
  }
  const raw = tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : null;
  if (type === DATA_TYPE.FLOAT || type === DATA_TYPE.DOUBLE) {
    const width = type === DATA_TYPE.FLOAT ? 4 : 8;
    let data: Float32Array;
    if (raw) data = littleEndianFloats(raw, count, width);
    else data = Float32Array.from(type === DATA_TYPE.FLOAT ? (tensor.floatData ?? []) : (tensor.doubleData ?? []));
    if (data.length !== count) throw new EngineError('model-invalid', `${where}: holds ${data.length} values for shape [${dims.join(', ')}] (truncated file?)`);
    return { dims, data, integer: false };
  }
  if (type === DATA_TYPE.INT64 || type === DATA_TYPE.INT32 || type === DATA_TYPE.INT8 || type === DATA_TYPE.UINT8 || type === DATA_TYPE.BOOL) {
    let data: number[];
    if (raw) data = littleEndianIntegers(raw, count, type === DATA_TYPE.BOOL ? DATA_TYPE.UINT8 : type);
    else if (type === DATA_TYPE.INT64) data = (tensor.int64Data ?? []).map(int64);
    else data = [...(tensor.int32Data ?? [])];
    if (data.length !== count) throw new EngineError('model-invalid', `${where}: holds ${data.length} values for shape [${dims.join(', ')}] (truncated file?)`);
    return { dims, data, integer: true };
  }
  throw new EngineError('model-invalid', `${where}: element type ${TYPE_NAMES[type] ?? type} is not supported (float32, float64 and integers are)`);
}

function readAttribute(attribute: RawAttribute, where: string): AttributeValue {
  switch (attribute.type) {
    case 1:
      return attribute.f ?? 0;
    case 2:
      return int64(attribute.i);
    case 3:
      return decoder.decode(attribute.s ?? new Uint8Array());
    case 4:
      return readTensor(attribute.t ?? {}, `${where} attribute "${attribute.name}"`);
    case 6:
      return [...(attribute.floats ?? [])];
    case 7:
      return (attribute.ints ?? []).map(int64);
    case 8:
      return (attribute.strings ?? []).map((s) => decoder.decode(s));
    default:
      return [];
  }
}

function readDecl(info: RawValueInfo): ValueDecl {
  const tensorType = info.type?.tensorType;
  const dims = tensorType?.shape?.dim?.map((d) => (d.dimValue !== undefined && int64(d.dimValue) > 0 ? int64(d.dimValue) : (d.dimParam ?? null))) ?? null;
  return { name: info.name ?? '', elemType: tensorType?.elemType ?? 0, dims };
}

/**
 * The module scopes the dynamo exporter writes per node, as a Python list:
 * "['', 'model', 'model.blocks', 'model.blocks.0', 'relu_3']" — the root, the modules
 * outermost first (full paths), then the traced op's own name, which is dropped.
 */
export function parseScopes(text: string | undefined): string[] | null {
  if (!text) return null;
  const names = [...text.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2] ?? '');
  return names.slice(0, -1).filter((n) => n.length > 0);
}

/**
 * The graph of a decoded model. `weights: false` reads integer initializers (shape
 * arithmetic) but leaves float weights empty, checking only where they are stored:
 * enough to describe the model without copying its megabytes.
 */
export function toGraph(model: RawModel, source: string, { weights = true }: { weights?: boolean } = {}): OnnxGraph {
  const graph = model.graph;
  if (!graph || !graph.node || graph.node.length === 0) throw new EngineError('model-invalid', `${source}: the ONNX file holds no graph nodes`);
  const initializers = new Map<string, Constant>();
  for (const tensor of graph.initializer ?? []) {
    const where = `${source}: initializer "${tensor.name}"`;
    const floating = tensor.dataType === DATA_TYPE.FLOAT || tensor.dataType === DATA_TYPE.DOUBLE;
    const constant = weights || !floating || tensor.dataLocation === 1 ? readTensor(tensor, where) : { dims: (tensor.dims ?? []).map(int64), data: new Float32Array(0), integer: false };
    initializers.set(tensor.name ?? '', constant);
  }
  const nodes: OnnxNode[] = graph.node.map((node, i) => {
    const name = node.name || `${node.opType ?? 'node'}_${i}`;
    const attributes = new Map<string, AttributeValue>();
    for (const a of node.attribute ?? []) attributes.set(a.name ?? '', readAttribute(a, `${source}: node "${name}"`));
    const scopes = parseScopes(node.metadataProps?.find((p) => p.key === 'pkg.torch.onnx.name_scopes')?.value);
    return { name, opType: node.opType ?? '', domain: node.domain ?? '', inputs: node.input ?? [], outputs: node.output ?? [], attributes, scopes };
  });
  const opset = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return {
    irVersion: int64(model.irVersion),
    opset: opset ? int64(opset.version) : 0,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    nodes,
    initializers,
    inputs: (graph.input ?? []).filter((i) => !initializers.has(i.name ?? '')).map(readDecl),
    outputs: (graph.output ?? []).map(readDecl),
    metadata: new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
  };
}
