/**
 * The ONNX file format, read with protobufjs. Only the messages and fields biascope
 * uses are declared (field numbers from onnx.proto, IR version 10); protobuf skips
 * the rest, so files from newer exporters still read.
 */
import protobuf from 'protobufjs';

const STRING_PAIR = { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } };

const ONNX_SCHEMA = {
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto: STRING_PAIR,
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            floatData: { rule: 'repeated', type: 'float', id: 4 },
            int32Data: { rule: 'repeated', type: 'int32', id: 5 },
            int64Data: { rule: 'repeated', type: 'int64', id: 7 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
            doubleData: { rule: 'repeated', type: 'double', id: 10 },
            externalData: { rule: 'repeated', type: 'StringStringEntryProto', id: 13 },
            dataLocation: { type: 'int32', id: 14 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            strings: { rule: 'repeated', type: 'bytes', id: 9 },
            type: { type: 'int32', id: 20 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
            metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 9 },
          },
        },
        Dimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } },
        TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
        TensorTypeProto: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
        TypeProto: { fields: { tensorType: { type: 'TensorTypeProto', id: 1 } } },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
            valueInfo: { rule: 'repeated', type: 'ValueInfoProto', id: 13 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
            functions: { rule: 'repeated', type: 'bytes', id: 25 },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(ONNX_SCHEMA);
const ModelProto = root.lookupType('onnx.ModelProto');

type Int64 = number | { toNumber(): number };

export interface RawTensor {
  name?: string;
  dims?: Int64[];
  dataType?: number;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: Int64[];
  doubleData?: number[];
  rawData?: Uint8Array;
  externalData?: { key?: string; value?: string }[];
  dataLocation?: number;
}

export interface RawAttribute {
  name?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: RawTensor;
  floats?: number[];
  ints?: Int64[];
  strings?: Uint8Array[];
}

export interface RawNode {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute?: RawAttribute[];
  metadataProps?: { key?: string; value?: string }[];
}

export interface RawValueInfo {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: { dimValue?: Int64; dimParam?: string }[] } } };
}

export interface RawModel {
  irVersion?: Int64;
  producerName?: string;
  producerVersion?: string;
  opsetImport?: { domain?: string; version?: Int64 }[];
  metadataProps?: { key?: string; value?: string }[];
  functions?: Uint8Array[];
  graph?: {
    node?: RawNode[];
    name?: string;
    initializer?: RawTensor[];
    input?: RawValueInfo[];
    output?: RawValueInfo[];
    valueInfo?: RawValueInfo[];
  };
}

/** Decodes ONNX protobuf bytes; throws protobufjs's error on malformed input. */
export function decodeModelProto(bytes: Uint8Array): RawModel {
  return ModelProto.decode(bytes) as unknown as RawModel;
}

/** int64 fields arrive as numbers or Long objects depending on size. */
export function int64(value: Int64 | undefined): number {
  if (value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

const Writer = protobuf.Writer;

const NodeProto = root.lookupType('onnx.NodeProto');
const ValueInfoProto = root.lookupType('onnx.ValueInfoProto');

/** What to add to a graph: nodes, inputs (with their types) and outputs (names). */
export interface GraphAdditions {
  nodes?: RawNode[];
  inputs?: RawValueInfo[];
  outputs?: readonly string[];
}

/**
 * The same model with more in its graph. Protobuf concatenates repeated fields, so the
 * new entries are appended inside the graph message and only the graph's length prefix
 * changes: every other byte, including fields this reader does not know, is kept as
 * it was. ONNX Runtime infers the added outputs' types.
 */
export function extendGraph(bytes: Uint8Array, additions: GraphAdditions): Uint8Array {
  const reader = protobuf.Reader.create(bytes);
  let graphStart = -1;
  let graphEnd = -1;
  let tagStart = 0;
  while (reader.pos < reader.len) {
    tagStart = reader.pos;
    const tag = reader.uint32();
    if (tag >>> 3 === 7 && (tag & 7) === 2) {
      const length = reader.uint32();
      graphStart = reader.pos;
      graphEnd = graphStart + length;
      break;
    }
    reader.skipType(tag & 7);
  }
  if (graphStart < 0) throw new Error('the model has no graph');
  const extra = Writer.create();
  const field = (id: number, message: Uint8Array) => extra.uint32((id << 3) | 2).bytes(message);
  for (const node of additions.nodes ?? []) field(1, NodeProto.encode(NodeProto.fromObject(node)).finish());
  for (const input of additions.inputs ?? []) field(11, ValueInfoProto.encode(ValueInfoProto.fromObject(input)).finish());
  for (const name of additions.outputs ?? []) field(12, ValueInfoProto.encode(ValueInfoProto.fromObject({ name })).finish());
  const extraBytes = extra.finish();
  const header = Writer.create().uint32((7 << 3) | 2).uint32(graphEnd - graphStart + extraBytes.length).finish();
  const out = new Uint8Array(tagStart + header.length + (graphEnd - graphStart) + extraBytes.length + (bytes.length - graphEnd));
  let at = 0;
  const put = (part: Uint8Array) => {
    out.set(part, at);
    at += part.length;
  };
  put(bytes.subarray(0, tagStart));
  put(header);
  put(bytes.subarray(graphStart, graphEnd));
  put(extraBytes);
  put(bytes.subarray(graphEnd));
  return out;
}

/** The same model with more graph outputs. */
export function withExtraOutputs(bytes: Uint8Array, names: readonly string[]): Uint8Array {
  return extendGraph(bytes, { outputs: names });
}

/** Encodes a model (tests build small graphs with it). */
export function encodeModelProto(model: RawModel): Uint8Array {
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}
