import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
} from 'onnx-buf';
import type { AttrValue, DType, GraphInitializer, GraphIR, GraphValueInfo } from './graph-ir.js';

/** ONNX opset and IR version we emit: opset 18 needs IR version 8. */
export const OPSET_VERSION = 18;
const IR_VERSION = 8n;

function dataType(dtype: DType): TensorProto_DataType {
  return dtype === 'float32' ? TensorProto_DataType.FLOAT : TensorProto_DataType.INT64;
}

function attribute(name: string, attr: AttrValue) {
  switch (attr.kind) {
    case 'int':
      return create(AttributeProtoSchema, {
        name,
        type: AttributeProto_AttributeType.INT,
        i: BigInt(attr.value),
      });
    case 'ints':
      return create(AttributeProtoSchema, {
        name,
        type: AttributeProto_AttributeType.INTS,
        ints: attr.value.map((v) => BigInt(v)),
      });
    case 'float':
      return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOAT, f: attr.value });
    case 'floats':
      return create(AttributeProtoSchema, {
        name,
        type: AttributeProto_AttributeType.FLOATS,
        floats: [...attr.value],
      });
    case 'string':
      return create(AttributeProtoSchema, {
        name,
        type: AttributeProto_AttributeType.STRING,
        s: new TextEncoder().encode(attr.value),
      });
  }
}

function valueInfo(info: GraphValueInfo) {
  const dim = info.shape.map((d) =>
    create(TensorShapeProto_DimensionSchema, {
      value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d },
    }),
  );
  return create(ValueInfoProtoSchema, {
    name: info.name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, {
          elemType: dataType(info.dtype),
          shape: create(TensorShapeProtoSchema, { dim }),
        }),
      },
    }),
  });
}

function tensor(init: GraphInitializer) {
  // raw_data is little-endian; every platform Node runs on is little-endian.
  const bytes = new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength);
  return create(TensorProtoSchema, {
    name: init.name,
    dataType: dataType(init.dtype),
    dims: init.shape.map((d) => BigInt(d)),
    rawData: new Uint8Array(bytes),
  });
}

/** Serialises a GraphIR into ONNX protobuf bytes. */
export function toOnnxBytes(ir: GraphIR, docString = ''): Uint8Array {
  const graph = create(GraphProtoSchema, {
    name: ir.name,
    input: ir.inputs.map(valueInfo),
    output: ir.outputs.map(valueInfo),
    initializer: ir.initializers.map(tensor),
    node: ir.nodes.map((n, i) =>
      create(NodeProtoSchema, {
        name: `${n.opType}_${i}`,
        opType: n.opType,
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attrs).map(([k, v]) => attribute(k, v)),
      }),
    ),
  });
  const model = create(ModelProtoSchema, {
    irVersion: IR_VERSION,
    producerName: 'liif-upscaler',
    producerVersion: '0.1.0',
    docString,
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(OPSET_VERSION) })],
    graph,
  });
  return toBinary(ModelProtoSchema, model);
}
