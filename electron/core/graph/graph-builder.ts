import {
  type AttrValue,
  type Dim,
  type DType,
  type GraphInitializer,
  type GraphIR,
  type GraphNode,
  type GraphValueInfo,
  int,
  ints,
  type Value,
} from './graph-ir.js';

/**
 * Builds a GraphIR with typed helpers for the small set of standard ops our models use.
 * Names are made unique by a per-prefix counter so graphs stay readable in Netron.
 */
export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly inputs: GraphValueInfo[] = [];
  private readonly outputs: GraphValueInfo[] = [];
  private readonly initializers: GraphInitializer[] = [];
  private readonly constCache = new Map<string, Value>();
  private readonly params = new Set<string>();
  private readonly counters = new Map<string, number>();

  /**
   * @param namePrefix prepended to every generated name, so a second builder can emit nodes that
   *   join an existing graph without name clashes (the gradient graph's nodes join the forward's).
   */
  constructor(
    private readonly graphName: string,
    private readonly namePrefix = '',
  ) {}

  private fresh(prefix: string): string {
    const n = this.counters.get(prefix) ?? 0;
    this.counters.set(prefix, n + 1);
    return `${this.namePrefix}${prefix}_${n}`;
  }

  input(name: string, dtype: DType, shape: readonly Dim[]): Value {
    this.inputs.push({ name, dtype, shape });
    return { name };
  }

  output(value: Value, dtype: DType, shape: readonly Dim[]): void {
    this.outputs.push({ name: value.name, dtype, shape });
  }

  /**
   * A learned parameter, stored as an initializer under its state_dict name. Adding the same name
   * twice returns the same value, so one parameter can feed several subgraphs (the first MLP layer
   * feeds both the code projection and the query decoder).
   */
  param(name: string, shape: readonly number[], data: Float32Array): Value {
    if (this.params.has(name)) return { name };
    this.params.add(name);
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size)
      throw new Error(`parameter ${name}: expected ${size} values, got ${data.length}`);
    this.initializers.push({ name, dtype: 'float32', shape, data, trainable: true });
    return { name };
  }

  /** A fixed float constant (deduplicated by value). */
  constFloat(values: readonly number[] | number, shape?: readonly number[]): Value {
    const arr = typeof values === 'number' ? [values] : values;
    const dims = shape ?? (typeof values === 'number' ? [] : [arr.length]);
    const key = `f:${dims.join('x')}:${arr.join(',')}`;
    return this.cachedConst(key, 'float32', dims, () => Float32Array.from(arr));
  }

  /** A fixed int64 constant (shapes, axes, indices). */
  constInt(values: readonly number[] | number, shape?: readonly number[]): Value {
    const arr = typeof values === 'number' ? [values] : values;
    const dims = shape ?? (typeof values === 'number' ? [] : [arr.length]);
    const key = `i:${dims.join('x')}:${arr.join(',')}`;
    return this.cachedConst(key, 'int64', dims, () => BigInt64Array.from(arr.map((v) => BigInt(v))));
  }

  private cachedConst(
    key: string,
    dtype: DType,
    shape: readonly number[],
    make: () => Float32Array | BigInt64Array,
  ): Value {
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = this.fresh('const');
    this.initializers.push({ name, dtype, shape, data: make(), trainable: false });
    const value = { name };
    this.constCache.set(key, value);
    return value;
  }

  /** Emits one node and returns its outputs. */
  node(
    opType: string,
    inputs: readonly Value[],
    attrs: Record<string, AttrValue> = {},
    outputCount = 1,
  ): Value[] {
    const outputs = Array.from({ length: outputCount }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({ opType, inputs: inputs.map((v) => v.name), outputs, attrs });
    return outputs.map((name) => ({ name }));
  }

  /** Gives a value a fixed public name (graph outputs), through an Identity node. */
  named(x: Value, name: string): Value {
    this.nodes.push({ opType: 'Identity', inputs: [x.name], outputs: [name], attrs: {} });
    return { name };
  }

  private unary(opType: string, x: Value, attrs: Record<string, AttrValue> = {}): Value {
    return this.node(opType, [x], attrs)[0];
  }

  private binary(opType: string, a: Value, b: Value): Value {
    return this.node(opType, [a, b])[0];
  }

  add = (a: Value, b: Value): Value => this.binary('Add', a, b);
  sub = (a: Value, b: Value): Value => this.binary('Sub', a, b);
  mul = (a: Value, b: Value): Value => this.binary('Mul', a, b);
  div = (a: Value, b: Value): Value => this.binary('Div', a, b);
  matmul = (a: Value, b: Value): Value => this.binary('MatMul', a, b);
  relu = (x: Value): Value => this.unary('Relu', x);
  abs = (x: Value): Value => this.unary('Abs', x);
  min = (a: Value, b: Value): Value => this.binary('Min', a, b);
  max = (a: Value, b: Value): Value => this.binary('Max', a, b);
  floor = (x: Value): Value => this.unary('Floor', x);
  shape = (x: Value): Value => this.unary('Shape', x);

  /** 2-D convolution, stride 1, symmetric padding. */
  conv(x: Value, weight: Value, bias: Value | undefined, pad: number): Value {
    const inputs = bias ? [x, weight, bias] : [x, weight];
    return this.node('Conv', inputs, { pads: ints([pad, pad, pad, pad]), strides: ints([1, 1]) })[0];
  }

  transpose(x: Value, perm: readonly number[]): Value {
    return this.unary('Transpose', x, { perm: ints(perm) });
  }

  reshape(x: Value, shape: Value | readonly number[]): Value {
    const s = Array.isArray(shape) ? this.constInt(shape as readonly number[]) : (shape as Value);
    return this.binary('Reshape', x, s);
  }

  unsqueeze(x: Value, axes: readonly number[]): Value {
    return this.binary('Unsqueeze', x, this.constInt(axes));
  }

  concat(values: readonly Value[], axis: number): Value {
    return this.node('Concat', values, { axis: int(axis) })[0];
  }

  /** Slice along the given axes with constant bounds (step 1). */
  slice(x: Value, starts: readonly number[], ends: readonly number[], axes: readonly number[]): Value {
    return this.node('Slice', [x, this.constInt(starts), this.constInt(ends), this.constInt(axes)])[0];
  }

  gather(data: Value, indices: Value, axis: number): Value {
    return this.node('Gather', [data, indices], { axis: int(axis) })[0];
  }

  clip(x: Value, min: number, max: number): Value {
    return this.node('Clip', [x, this.constFloat(min), this.constFloat(max)])[0];
  }

  cast(x: Value, to: DType): Value {
    return this.unary('Cast', x, { to: int(to === 'float32' ? 1 : 7) });
  }

  reduceSum(x: Value, axes: readonly number[], keepdims: boolean): Value {
    return this.node('ReduceSum', [x, this.constInt(axes)], { keepdims: int(keepdims ? 1 : 0) })[0];
  }

  expand = (x: Value, shape: Value): Value => this.binary('Expand', x, shape);

  /** Range(start, limit, delta) over scalars. */
  range(start: Value, limit: Value, delta: Value): Value {
    return this.node('Range', [start, limit, delta])[0];
  }

  reduceProd(x: Value): Value {
    return this.node('ReduceProd', [x], { keepdims: int(1) })[0];
  }

  pad(x: Value, pads: readonly number[]): Value {
    return this.node('Pad', [x, this.constInt(pads)], {})[0];
  }

  /** Linear layer in PyTorch convention: y = x W^T + b, weight [out, in]. */
  linear(x: Value, weight: Value, bias: Value): Value {
    return this.add(this.matmul(x, this.transpose(weight, [1, 0])), bias);
  }

  build(): GraphIR {
    return {
      name: this.graphName,
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      initializers: [...this.initializers],
      nodes: [...this.nodes],
    };
  }
}
