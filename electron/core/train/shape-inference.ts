/**
 * Static shape inference over a forward GraphIR, from its declared input shapes.
 *
 * The backward rules need to know each forward value's rank and which of its dimensions are
 * statically 1 (to undo broadcasting, to unsqueeze reduced axes, to transpose matrices). Dimensions
 * are numbers or symbols: the graph inputs' named symbols ("N", "Q") or fresh ones ("?7") for sizes
 * computed at run time. Small int64 tensors (shape vectors, axes) also get their contents tracked
 * where they are known, as ONNX's data propagation does, so a Reshape to a shape assembled in-graph
 * from Shape/Slice/Concat still has a known rank and known unit dimensions.
 */
import type { Dim, GraphIR, GraphNode } from '../graph/graph-ir.js';

export interface InferredShapes {
  /** Shape of every value in the graph. */
  readonly shapes: ReadonlyMap<string, readonly Dim[]>;
  /** Contents of int64 tensors whose values are known (flattened). */
  readonly values: ReadonlyMap<string, readonly Dim[]>;
}

/** Slice ends at or beyond this mean "to the end" (torch and ONNX exporters write INT64_MAX). */
const TO_END = 2 ** 31 - 1;

// biome-ignore format: a list
const UNARY = new Set([
  'Identity', 'Relu', 'Abs', 'Neg', 'Sign', 'Round', 'Floor', 'Ceil', 'Sqrt', 'Exp', 'Log', 'Sigmoid',
  'Tanh', 'Cast', 'Clip', 'Not', 'Reciprocal',
]);
// biome-ignore format: a list
const BROADCASTING = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Min', 'Max', 'Pow', 'Equal', 'Less', 'Greater', 'LessOrEqual',
  'GreaterOrEqual', 'And', 'Or', 'Where',
]);

/** Broadcasts dims; two different symbols are assumed equal (a symbol only broadcasts if it is 1). */
function broadcastDim(a: Dim, b: Dim): Dim {
  if (a === b || b === 1) return a;
  if (a === 1) return b;
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return a.startsWith('?') ? b : a;
}

export function broadcastShapes(shapes: readonly (readonly Dim[])[]): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = Array(rank).fill(1);
  for (const s of shapes) {
    const lead = rank - s.length;
    s.forEach((d, i) => {
      out[lead + i] = broadcastDim(out[lead + i], d);
    });
  }
  return out;
}

const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

function intAttr(node: GraphNode, name: string, fallback: number): number {
  const a = node.attrs[name];
  return a?.kind === 'int' ? a.value : fallback;
}

function intsAttr(node: GraphNode, name: string): readonly number[] | undefined {
  const a = node.attrs[name];
  return a?.kind === 'ints' ? a.value : undefined;
}

export function inferShapes(ir: GraphIR): InferredShapes {
  const shapes = new Map<string, readonly Dim[]>();
  const values = new Map<string, readonly Dim[]>();
  let symbols = 0;
  const fresh = (): Dim => `?${symbols++}`;

  for (const input of ir.inputs) shapes.set(input.name, input.shape);
  for (const init of ir.initializers) {
    shapes.set(init.name, init.shape);
    if (init.dtype === 'int64' && init.data.length <= 64)
      values.set(init.name, Array.from(init.data as BigInt64Array, (v) => Number(v)));
  }

  const shapeOf = (name: string): readonly Dim[] => {
    const s = shapes.get(name);
    if (!s) throw new Error(`shape inference: unknown value ${name}`);
    return s;
  };
  /** Known numeric contents of a value, or undefined. */
  const ints = (name: string | undefined): number[] | undefined => {
    if (!name) return undefined;
    const v = values.get(name);
    return v?.every((d) => typeof d === 'number') ? (v as number[]) : undefined;
  };
  const arith = (op: string, a: Dim, b: Dim): Dim => {
    if (typeof a !== 'number' || typeof b !== 'number') {
      if (op === 'Mul' && (a === 1 || b === 1)) return a === 1 ? b : a;
      if ((op === 'Add' || op === 'Sub') && b === 0) return a;
      return fresh();
    }
    if (op === 'Add') return a + b;
    if (op === 'Sub') return a - b;
    if (op === 'Mul') return a * b;
    return Math.trunc(a / b);
  };

  for (const node of ir.nodes) {
    const [x, ...rest] = node.inputs;
    const out = node.outputs[0];
    const set = (shape: readonly Dim[], value?: readonly Dim[]) => {
      shapes.set(out, shape);
      if (value) values.set(out, value);
    };
    const op = node.opType;
    if (UNARY.has(op)) {
      set(shapeOf(x), op === 'Identity' || op === 'Cast' ? values.get(x) : undefined);
    } else if (BROADCASTING.has(op)) {
      const shape = broadcastShapes(node.inputs.map(shapeOf));
      const va = values.get(x);
      const vb = values.get(rest[0]);
      let value: Dim[] | undefined;
      if (va && vb && ['Add', 'Sub', 'Mul', 'Div'].includes(op) && shape.length <= 1) {
        const n = Math.max(va.length, vb.length);
        value = Array.from({ length: n }, (_, i) => arith(op, va[va.length === 1 ? 0 : i], vb[vb.length === 1 ? 0 : i]));
      }
      set(shape, value);
    } else if (op === 'Shape') {
      const s = shapeOf(x);
      const start = normAxis(intAttr(node, 'start', 0), s.length);
      const end = normAxis(intAttr(node, 'end', s.length), s.length);
      set([end - start], s.slice(start, end));
    } else if (op === 'Size') {
      const s = shapeOf(x);
      set([], [s.reduce<Dim>((a, b) => arith('Mul', a, b), 1)]);
    } else {
      set(...inferOther(node, shapeOf, ints, (n) => values.get(n), fresh));
    }
  }
  return { shapes, values };
}

type Result = [readonly Dim[], (readonly Dim[] | undefined)?];

function inferOther(
  node: GraphNode,
  shapeOf: (name: string) => readonly Dim[],
  ints: (name: string | undefined) => number[] | undefined,
  valueOf: (name: string) => readonly Dim[] | undefined,
  fresh: () => Dim,
): Result {
  const [x, ...rest] = node.inputs;
  const xs = shapeOf(x);
  switch (node.opType) {
    case 'Gather': {
      const axis = normAxis(intAttr(node, 'axis', 0), xs.length);
      const idx = shapeOf(rest[0]);
      const dataValue = valueOf(x);
      const indices = ints(rest[0]);
      const value =
        dataValue && indices && xs.length === 1
          ? indices.map((i) => dataValue[normAxis(i, dataValue.length)])
          : undefined;
      return [[...xs.slice(0, axis), ...idx, ...xs.slice(axis + 1)], value];
    }
    case 'Slice': {
      const [starts, ends, axesIn, steps] = [rest[0], rest[1], rest[2], rest[3]].map(ints);
      const axes = (axesIn ?? starts?.map((_, i) => i))?.map((a) => normAxis(a, xs.length));
      if (!axes) return [xs.map(fresh)];
      const out = [...xs];
      axes.forEach((axis, i) => {
        const d = xs[axis];
        const s = starts?.[i];
        const e = ends?.[i];
        const step = steps?.[i] ?? 1;
        if (typeof d === 'number' && s !== undefined && e !== undefined) {
          const clampIdx = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v < 0 ? v + d : v));
          const [s1, e1] = step > 0 ? [clampIdx(s, 0, d), clampIdx(e, 0, d)] : [clampIdx(s, -1, d - 1), clampIdx(e, -1, d - 1)];
          out[axis] = Math.max(0, Math.ceil((e1 - s1) / step));
        } else if (step === 1 && s === 0 && e !== undefined && e >= TO_END) out[axis] = d;
        else out[axis] = fresh();
      });
      const v = valueOf(x);
      const value =
        v && xs.length === 1 && typeof xs[0] === 'number' && starts && ends && (steps ?? [1])[0] === 1
          ? v.slice(Math.max(0, starts[0] < 0 ? starts[0] + v.length : starts[0]), ends[0] < 0 ? ends[0] + v.length : ends[0])
          : undefined;
      return [out, value];
    }
    case 'Concat': {
      const parts = node.inputs.map(shapeOf);
      const axis = normAxis(intAttr(node, 'axis', 0), xs.length);
      const out = [...xs];
      out[axis] = parts.reduce<Dim>((a, s) => (typeof a === 'number' && typeof s[axis] === 'number' ? a + (s[axis] as number) : fresh()), 0);
      const vals = node.inputs.map(valueOf);
      const value = xs.length === 1 && vals.every((v) => v !== undefined) ? vals.flatMap((v) => [...(v ?? [])]) : undefined;
      return [out, value];
    }
    case 'Unsqueeze': {
      const rank = xs.length + (ints(rest[0])?.length ?? 0);
      const axes = (ints(rest[0]) ?? []).map((a) => normAxis(a, rank));
      const out: Dim[] = [];
      let j = 0;
      for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : xs[j++]);
      return [out, valueOf(x)];
    }
    case 'Squeeze': {
      const axes = (ints(rest[0]) ?? xs.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => normAxis(a, xs.length));
      return [xs.filter((_, i) => !axes.includes(i)), valueOf(x)];
    }
    case 'Reshape': {
      const target = valueOf(rest[0]);
      if (!target) {
        const len = shapeOf(rest[0])[0];
        if (typeof len !== 'number') throw new Error(`shape inference: Reshape ${node.outputs[0]} has unknown rank`);
        return [Array.from({ length: len }, fresh)];
      }
      const out = target.map((d, i) => (d === 0 ? xs[i] : d));
      const inferred = out.indexOf(-1);
      if (inferred >= 0) {
        const known = out.filter((_, i) => i !== inferred);
        const all = [...xs, ...known];
        out[inferred] = all.every((d) => typeof d === 'number')
          ? (xs as number[]).reduce((a, b) => a * b, 1) / (known as number[]).reduce((a, b) => a * b, 1)
          : fresh();
      }
      return [out, valueOf(x)];
    }
    case 'Transpose': {
      const perm = intsAttr(node, 'perm') ?? xs.map((_, i) => xs.length - 1 - i);
      return [perm.map((p) => xs[p])];
    }
    case 'Expand': {
      const target = valueOf(rest[0]) ?? Array.from({ length: shapeOf(rest[0])[0] as number }, fresh);
      return [broadcastShapes([xs, target])];
    }
    case 'ConstantOfShape':
      return [valueOf(x) ?? Array.from({ length: xs[0] as number }, fresh)];
    case 'Conv':
    case 'ConvTranspose': {
      const w = shapeOf(rest[0]);
      const pads = intsAttr(node, 'pads') ?? [0, 0, 0, 0];
      const transposed = node.opType === 'ConvTranspose';
      const spatial = [0, 1].map((i) => {
        const d = xs[2 + i];
        const k = w[2 + i];
        if (typeof k !== 'number') return fresh();
        const padSum = pads[i] + pads[2 + i];
        const delta = transposed ? k - 1 - padSum : padSum - k + 1;
        if (delta === 0) return d;
        return typeof d === 'number' ? d + delta : fresh();
      });
      return [[xs[0], transposed ? w[1] : w[0], ...spatial]];
    }
    case 'MatMul': {
      const ys = shapeOf(rest[0]);
      const batch = broadcastShapes([xs.slice(0, -2), ys.slice(0, -2)]);
      return [[...batch, xs[xs.length - 2], ys[ys.length - 1]]];
    }
    case 'Gemm': {
      const ys = shapeOf(rest[0]);
      const m = intAttr(node, 'transA', 0) ? xs[1] : xs[0];
      const n = intAttr(node, 'transB', 0) ? ys[0] : ys[1];
      return [[m, n]];
    }
    case 'Pad': {
      const pads = ints(rest[0]);
      if (!pads) return [xs.map(fresh)];
      const r = xs.length;
      return [xs.map((d, i) => { const p = pads[i] + pads[r + i]; return p === 0 ? d : typeof d === 'number' ? d + p : fresh(); })];
    }
    case 'ReduceSum':
    case 'ReduceMean':
    case 'ReduceMax':
    case 'ReduceProd': {
      const keep = intAttr(node, 'keepdims', 1) === 1;
      const given = ints(rest[0]);
      const axes = (given && given.length > 0 ? given : xs.map((_, i) => i)).map((a) => normAxis(a, xs.length));
      const out = keep ? xs.map((d, i) => (axes.includes(i) ? 1 : d)) : xs.filter((_, i) => !axes.includes(i));
      const v = valueOf(x);
      const prod = node.opType === 'ReduceProd' && v && xs.length === 1 && !keep ? [v.reduce<Dim>((a, b) => (typeof a === 'number' && typeof b === 'number' ? a * b : fresh()), 1)] : undefined;
      return [out, prod];
    }
    case 'Range':
      return [[fresh()]];
    case 'ScatterND':
    case 'ScatterElements':
      return [xs];
    default:
      throw new Error(`shape inference: no rule for ${node.opType} (${node.outputs[0]})`);
  }
}
