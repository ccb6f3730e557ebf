/** Per-op shape rules of shape-inference.ts for the ops that are not elementwise. */
import type { Dim, GraphNode } from './graph-ir.js';

/** Slice ends at or beyond this mean "to the end" (torch and ONNX exporters write INT64_MAX). */
const TO_END = 2 ** 31 - 1;

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

export const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

export function intAttr(node: GraphNode, name: string, fallback: number): number {
  const a = node.attrs[name];
  return a?.kind === 'int' ? a.value : fallback;
}

export function intsAttr(node: GraphNode, name: string): readonly number[] | undefined {
  const a = node.attrs[name];
  return a?.kind === 'ints' ? a.value : undefined;
}

/** An output shape, and its contents when it is a small int tensor whose values are known. */
export type ShapeResult = [readonly Dim[], (readonly Dim[] | undefined)?];

export interface ShapeContext {
  shapeOf(name: string): readonly Dim[];
  /** Known numeric contents of an int tensor. */
  ints(name: string | undefined): number[] | undefined;
  /** Known contents, numbers or symbols. */
  knownValue(name: string): readonly Dim[] | undefined;
  /** A new symbol for a size only known at run time. */
  fresh(): Dim;
}

/** Output shape of the ops that are neither elementwise nor Shape/Size. */
export function inferOpShape(node: GraphNode, ctx: ShapeContext): ShapeResult {
  const { shapeOf, ints, knownValue, fresh } = ctx;
  const [x, ...rest] = node.inputs;
  const xs = shapeOf(x);
  switch (node.opType) {
    case 'Gather': {
      const axis = normAxis(intAttr(node, 'axis', 0), xs.length);
      const idx = shapeOf(rest[0]);
      const dataValue = knownValue(x);
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
          const clampIdx = (v: number, lo: number, hi: number) =>
            Math.min(hi, Math.max(lo, v < 0 ? v + d : v));
          const [s1, e1] =
            step > 0
              ? [clampIdx(s, 0, d), clampIdx(e, 0, d)]
              : [clampIdx(s, -1, d - 1), clampIdx(e, -1, d - 1)];
          out[axis] = Math.max(0, Math.ceil((e1 - s1) / step));
        } else if (step === 1 && s === 0 && e !== undefined && e >= TO_END) out[axis] = d;
        else out[axis] = fresh();
      });
      const v = knownValue(x);
      const value =
        v && xs.length === 1 && typeof xs[0] === 'number' && starts && ends && (steps ?? [1])[0] === 1
          ? v.slice(
              Math.max(0, starts[0] < 0 ? starts[0] + v.length : starts[0]),
              ends[0] < 0 ? ends[0] + v.length : ends[0],
            )
          : undefined;
      return [out, value];
    }
    case 'Concat': {
      const parts = node.inputs.map(shapeOf);
      const axis = normAxis(intAttr(node, 'axis', 0), xs.length);
      const out = [...xs];
      out[axis] = parts.reduce<Dim>(
        (a, s) => (typeof a === 'number' && typeof s[axis] === 'number' ? a + (s[axis] as number) : fresh()),
        0,
      );
      const vals = node.inputs.map(knownValue);
      const value =
        xs.length === 1 && vals.every((v) => v !== undefined)
          ? vals.flatMap((v) => [...(v ?? [])])
          : undefined;
      return [out, value];
    }
    case 'Unsqueeze': {
      const rank = xs.length + (ints(rest[0])?.length ?? 0);
      const axes = (ints(rest[0]) ?? []).map((a) => normAxis(a, rank));
      const out: Dim[] = [];
      let j = 0;
      for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : xs[j++]);
      return [out, knownValue(x)];
    }
    case 'Squeeze': {
      const axes = (ints(rest[0]) ?? xs.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) =>
        normAxis(a, xs.length),
      );
      return [xs.filter((_, i) => !axes.includes(i)), knownValue(x)];
    }
    case 'Reshape': {
      const target = knownValue(rest[0]);
      if (!target) {
        const len = shapeOf(rest[0])[0];
        if (typeof len !== 'number')
          throw new Error(`shape inference: Reshape ${node.outputs[0]} has unknown rank`);
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
      return [out, knownValue(x)];
    }
    case 'Transpose': {
      const perm = intsAttr(node, 'perm') ?? xs.map((_, i) => xs.length - 1 - i);
      return [perm.map((p) => xs[p])];
    }
    case 'Expand': {
      const target = knownValue(rest[0]) ?? Array.from({ length: shapeOf(rest[0])[0] as number }, fresh);
      return [broadcastShapes([xs, target])];
    }
    case 'ConstantOfShape':
      return [knownValue(x) ?? Array.from({ length: xs[0] as number }, fresh)];
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
      return [
        xs.map((d, i) => {
          const p = pads[i] + pads[r + i];
          return p === 0 ? d : typeof d === 'number' ? d + p : fresh();
        }),
      ];
    }
    case 'ReduceSum':
    case 'ReduceMean':
    case 'ReduceMax':
    case 'ReduceProd': {
      const keep = intAttr(node, 'keepdims', 1) === 1;
      const given = ints(rest[0]);
      const axes = (given && given.length > 0 ? given : xs.map((_, i) => i)).map((a) =>
        normAxis(a, xs.length),
      );
      const out = keep
        ? xs.map((d, i) => (axes.includes(i) ? 1 : d))
        : xs.filter((_, i) => !axes.includes(i));
      const v = knownValue(x);
      const prod =
        node.opType === 'ReduceProd' && v && xs.length === 1 && !keep
          ? [v.reduce<Dim>((a, b) => (typeof a === 'number' && typeof b === 'number' ? a * b : fresh()), 1)]
          : undefined;
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
