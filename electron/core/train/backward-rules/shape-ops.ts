/** Backward rules of ops that move data without arithmetic: reshapes, slices, pads, concatenation. */
import { int, type Value } from '../../graph/graph-ir.js';
import {
  type BackwardRule,
  gradOut,
  inputOf,
  intAttr,
  intsAttr,
  normAxis,
  requireConstInts,
  reshapeLike,
  unbroadcast,
  value,
} from './rule.js';

/** Same elements, new shape: the gradient is reshaped back. */
const reshapeBack: BackwardRule = {
  differentiable: [0],
  backward: (ctx) => [reshapeLike(ctx, gradOut(ctx), ctx.node.inputs[0])],
};

const transpose: BackwardRule = {
  differentiable: [0],
  backward: (ctx) => {
    const rank = ctx.shape(ctx.node.inputs[0]).length;
    const perm = intsAttr(ctx, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [ctx.g.transpose(gradOut(ctx), inverse)];
  },
};

const expand: BackwardRule = {
  differentiable: [0],
  backward: (ctx) => [unbroadcast(ctx, gradOut(ctx), ctx.node.inputs[0])],
};

/** Concat: the gradient is split back into the pieces' sizes along the axis (static or measured). */
const concat: BackwardRule = {
  differentiable: 'all',
  backward: (ctx) => {
    const { g, node } = ctx;
    const rank = ctx.shape(node.inputs[0]).length;
    const axis = normAxis(intAttr(ctx, 'axis', 0), rank);
    const sizes = node.inputs.map((name) => ctx.shape(name)[axis]);
    const split = sizes.every((d) => typeof d === 'number')
      ? g.constInt(sizes as number[])
      : g.concat(
          node.inputs.map((name) => g.slice(g.shape(value(name)), [axis], [axis + 1], [0])),
          0,
        );
    return g.node('Split', [gradOut(ctx), split], { axis: int(axis) }, node.inputs.length);
  },
};

/**
 * Slice (step 1): the gradient is zero-padded back to the input's size. Pads come from the
 * clamped starts and ends; when a bound or a dimension is only known at run time they are
 * computed in-graph with ONNX's own normalisation (negative = from the end, clamp to [0, dim]).
 */
const slice: BackwardRule = {
  differentiable: [0],
  backward: (ctx) => {
    const { g, node } = ctx;
    const x = node.inputs[0];
    const shape = ctx.shape(x);
    const rank = shape.length;
    const starts = ctx.constInts(node.inputs[1]);
    const ends = ctx.constInts(node.inputs[2]);
    const count = starts?.length ?? ends?.length ?? (ctx.shape(node.inputs[1])[0] as number);
    const axes = (
      node.inputs[3] ? requireConstInts(ctx, 3, 'axes') : Array.from({ length: count }, (_, i) => i)
    ).map((a) => normAxis(a, rank));
    if (node.inputs[4] && !requireConstInts(ctx, 4, 'steps').every((s) => s === 1))
      throw new Error('Slice backward: only step 1 is supported');

    const dims = axes.map((a) => shape[a]);
    if (starts && ends && dims.every((d) => typeof d === 'number')) {
      const pads = Array<number>(2 * rank).fill(0);
      axes.forEach((axis, i) => {
        const d = dims[i] as number;
        const clamp = (v: number) => Math.min(d, Math.max(0, v < 0 ? v + d : v));
        pads[axis] = clamp(starts[i]);
        pads[rank + axis] = d - Math.max(clamp(starts[i]), clamp(ends[i]));
      });
      return [g.pad(gradOut(ctx), pads)];
    }
    const dimsV = g.gather(g.shape(value(x)), g.constInt(axes), 0);
    const zero = g.constInt(0);
    const normalise = (v: Value) => {
      const wrapped = g.node('Where', [g.node('Less', [v, zero])[0], g.add(v, dimsV), v])[0];
      return g.min(g.max(wrapped, zero), dimsV);
    };
    const before = normalise(inputOf(ctx, 1));
    const after = g.sub(dimsV, g.max(normalise(inputOf(ctx, 2)), before));
    const pick = (v: Value, axis: number) => {
      const i = axes.indexOf(axis);
      return i < 0 ? g.constInt([0]) : g.slice(v, [i], [i + 1], [0]);
    };
    const range = Array.from({ length: rank }, (_, a) => a);
    const pads = g.concat([...range.map((a) => pick(before, a)), ...range.map((a) => pick(after, a))], 0);
    return [g.node('Pad', [gradOut(ctx), pads])[0]];
  },
};

/** Pad (constant mode, non-negative pads): the gradient is the unpadded window of the output gradient. */
const pad: BackwardRule = {
  differentiable: [0],
  backward: (ctx) => {
    const { g, node } = ctx;
    const mode = node.attrs['mode'];
    if ((mode && !(mode.kind === 'string' && mode.value === 'constant')) || node.inputs[3])
      throw new Error('Pad backward: only constant mode over all axes is supported');
    const pads = requireConstInts(ctx, 1, 'pads');
    const shape = ctx.shape(node.inputs[0]);
    if (pads.some((p) => p < 0)) throw new Error('Pad backward: negative pads are not supported');
    const begins = pads.slice(0, shape.length);
    const ends = shape.every((d) => typeof d === 'number')
      ? g.constInt(shape.map((d, i) => (d as number) + begins[i]))
      : g.add(g.shape(inputOf(ctx, 0)), g.constInt(begins));
    const axes = g.constInt(shape.map((_, i) => i));
    return [g.node('Slice', [gradOut(ctx), g.constInt(begins), ends, axes])[0]];
  },
};

export const SHAPE_RULES: Record<string, BackwardRule> = {
  Reshape: reshapeBack,
  Unsqueeze: reshapeBack,
  Squeeze: reshapeBack,
  Flatten: reshapeBack,
  Transpose: transpose,
  Expand: expand,
  Concat: concat,
  Slice: slice,
  Pad: pad,
};
