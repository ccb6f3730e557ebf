/**
 * WebGPU smoke test: a tiny hand-built ONNX model (Conv + Relu + MatMul + Add, then Gather, Abs, Clip,
 * Concat and ReduceSum) runs on onnxruntime-node's bundled WebGPU execution provider and matches the CPU EP.
 *
 * Without a GPU this needs a CPU Vulkan driver: Mesa >= 23 lavapipe (scripts/install-test-deps.sh installs it
 * on Debian). Where WebGPU is unavailable the test is skipped with the reason printed, never passed.
 * Set LIIF_REQUIRE_WEBGPU=1 to turn that skip into a failure.
 */
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
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, expect, it } from 'vitest';

const C = 3;
const K = 4;
const H = 8;
const W = 8;

function valueInfo(name: string, dims: number[]) {
  const shape = create(TensorShapeProtoSchema, {
    dim: dims.map((d) =>
      create(TensorShapeProto_DimensionSchema, { value: { case: 'dimValue', value: BigInt(d) } }),
    ),
  });
  const tensorType = create(TypeProto_TensorSchema, { elemType: TensorProto_DataType.FLOAT, shape });
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, { value: { case: 'tensorType', value: tensorType } }),
  });
}

function floats(name: string, dims: number[], data: ArrayLike<number>) {
  return create(TensorProtoSchema, {
    name,
    dims: dims.map(BigInt),
    dataType: TensorProto_DataType.FLOAT,
    floatData: Array.from(data),
  });
}

function int64s(name: string, dims: number[], data: number[]) {
  return create(TensorProtoSchema, {
    name,
    dims: dims.map(BigInt),
    dataType: TensorProto_DataType.INT64,
    int64Data: data.map(BigInt),
  });
}

function node(
  opType: string,
  input: string[],
  output: string,
  attrs: Record<string, number | number[]> = {},
) {
  const attribute = Object.entries(attrs).map(([name, v]) =>
    Array.isArray(v)
      ? create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: v.map(BigInt) })
      : create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(v) }),
  );
  return create(NodeProtoSchema, { opType, input, output: [output], name: output, attribute });
}

/** Deterministic values in [-0.5, 0.5). */
function pseudoRandom(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

function buildTinyModel(): Uint8Array {
  const graph = create(GraphProtoSchema, {
    name: 'webgpu-smoke',
    node: [
      node('Conv', ['x', 'conv_w', 'conv_b'], 'conv', { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
      node('Relu', ['conv'], 'relu'),
      node('MatMul', ['relu', 'mm_w'], 'mm'),
      node('Add', ['mm', 'mm_b'], 'y'),
      node('Gather', ['y', 'gather_idx'], 'gathered', { axis: 1 }),
      node('Abs', ['gathered'], 'abs'),
      node('Clip', ['abs', 'clip_min', 'clip_max'], 'clipped'),
      node('Concat', ['gathered', 'clipped'], 'cat', { axis: 1 }),
      node('ReduceSum', ['cat', 'reduce_axes'], 'z', { keepdims: 1 }),
    ],
    initializer: [
      floats('conv_w', [K, C, 3, 3], pseudoRandom(K * C * 9, 1)),
      floats('conv_b', [K], pseudoRandom(K, 2)),
      floats('mm_w', [W, W], pseudoRandom(W * W, 3)),
      floats('mm_b', [W], pseudoRandom(W, 4)),
      int64s('gather_idx', [2], [0, 2]),
      floats('clip_min', [], [0.05]),
      floats('clip_max', [], [0.25]),
      int64s('reduce_axes', [1], [3]),
    ],
    input: [valueInfo('x', [1, C, H, W])],
    output: [valueInfo('y', [1, K, H, W]), valueInfo('z', [1, 4, H, 1])],
  });
  const model = create(ModelProtoSchema, {
    irVersion: 8n,
    producerName: 'liif-webgpu-smoke',
    graph,
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 17n })],
  });
  return toBinary(ModelProtoSchema, model);
}

function maxAbsDiff(a: ort.Tensor, b: ort.Tensor): number {
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  expect(y.length).toBe(x.length);
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
  return max;
}

const model = buildTinyModel();
const input = () => ({ x: new ort.Tensor('float32', pseudoRandom(C * H * W, 9), [1, C, H, W]) });

let webgpu: ort.InferenceSession | undefined;
let unavailable: string | undefined;

beforeAll(async () => {
  const backend = ort.listSupportedBackends().find((b) => b.name === 'webgpu');
  if (!backend?.bundled) {
    unavailable = `onnxruntime-node on ${process.platform}/${process.arch} has no bundled WebGPU EP`;
    return;
  }
  const started = performance.now();
  try {
    webgpu = await ort.InferenceSession.create(model, { executionProviders: ['webgpu'] });
    console.log(`[webgpu-smoke] WebGPU session created in ${(performance.now() - started).toFixed(0)} ms`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    unavailable =
      `WebGPU session creation failed (no usable WebGPU adapter? On Linux without a GPU run ` +
      `scripts/install-test-deps.sh for Mesa lavapipe): ${message.split('\n')[0]}`;
  }
});

afterAll(async () => {
  await webgpu?.release();
});

it('runs a tiny Conv/MatMul model on the WebGPU EP and matches the CPU EP', async (ctx) => {
  const cpu = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  const expected = await cpu.run(input());
  await cpu.release();

  if (!webgpu) {
    const reason = unavailable ?? 'WebGPU session missing';
    if (process.env.LIIF_REQUIRE_WEBGPU === '1') throw new Error(reason);
    console.log(`[webgpu-smoke] SKIPPED: ${reason}`);
    ctx.skip(reason);
    return;
  }

  const started = performance.now();
  const actual = await webgpu.run(input());
  console.log(`[webgpu-smoke] first WebGPU run ${(performance.now() - started).toFixed(0)} ms`);

  expect(actual.y.dims).toEqual([1, K, H, W]);
  expect(actual.z.dims).toEqual([1, 4, H, 1]);
  expect(maxAbsDiff(expected.y, actual.y)).toBeLessThanOrEqual(1e-4);
  expect(maxAbsDiff(expected.z, actual.z)).toBeLessThanOrEqual(1e-4);
  // Sanity: the model is not trivially zero, so a match means something.
  const magnitude = (expected.y.data as Float32Array).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expect(magnitude).toBeGreaterThan(0.01);
});
