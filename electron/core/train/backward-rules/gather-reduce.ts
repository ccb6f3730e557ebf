/** Backward rules of Gather (scatter-add) and of the reductions (broadcast back). */
import type { Dim, GraphNode, Value } from '../../graph/graph-ir.js';
import { type BackwardRule, gradOut, intAttr, normAxis, type RuleContext, value } from './rule.js';

/** Gather's indices with negative ones (counted from the end) wrapped, as ScatterND wants them. */
function wrappedIndices(ctx: RuleContext, dim: Dim, axis: number): Value {
  const { g, node } = ctx;
  const name = node.inputs[1];
  const constant = ctx.constInts(name);
  if (constant && !constant.some((i) => i < 0)) return value(name);
  if (constant && typeof dim === 'number')
    return g.constInt(
      constant.map((i) => (i < 0 ? i + dim : i)),
      ctx.shape(name) as number[],
    );
  const size = g.gather(g.shape(value(node.inputs[0])), g.constInt(axis), 0);
  const negative = g.node('Less', [value(name), g.constInt(0)])[0];
  return g.node('Where', [negative, g.add(value(name), size), value(name)])[0];
}

/**
 * Gather(data, indices, axis): every gathered row's gradient is added into a zero tensor of the
 * data's shape at its index, so repeated indices (many queries reading one latent code) accumulate.
 * ScatterND only scatters along leading axes, so for axis > 0 the gathered axis is moved to the
 * front (the index axes of dY to the front, the data's axis to the front of the zeros) and moved
 * back after. Negative indices are wrapped first: constant ones here, run-time ones in-graph (a few
 * ops on the int64 index tensor, cheap next to the scatter).
 */
const gather: BackwardRule = {
  differentiable: [0],
  backward: (ctx) => {
    const { g, node } = ctx;
    const data = node.inputs[0];
    const dataShape = ctx.shape(data);
    const rank = dataShape.length;
    const q = ctx.shape(node.inputs[1]).length;
    const axis = normAxis(intAttr(ctx, 'axis', 0), rank);
    let gy = gradOut(ctx);
    // dY is data[:axis] + indices + data[axis+1:]; bring the index axes to the front.
    const yPerm = [
      ...Array.from({ length: q }, (_, i) => axis + i),
      ...Array.from({ length: axis }, (_, i) => i),
      ...Array.from({ length: rank - 1 - axis }, (_, i) => axis + q + i),
    ];
    if (axis > 0) gy = g.transpose(gy, yPerm);
    const dataPerm = [axis, ...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis)];
    const target = dataShape.every((d) => typeof d === 'number')
      ? g.constInt(dataPerm.map((i) => dataShape[i] as number))
      : g.gather(g.shape(value(data)), g.constInt(dataPerm), 0);
    const zeros = g.expand(g.constFloat(0), target);
    const indices = g.unsqueeze(wrappedIndices(ctx, dataShape[axis], axis), [-1]);
    const scattered = g.node('ScatterND', [zeros, indices, gy], {
      reduction: { kind: 'string', value: 'add' },
    })[0];
    if (axis === 0) return [scattered];
    return [
      g.transpose(
        scattered,
        dataPerm.map((_, i) => dataPerm.indexOf(i)),
      ),
    ];
  },
};

/** Reduction axes of a Reduce* node (opset 18: an optional input), or undefined for "no-op". */
function reducedAxes(ctx: RuleContext, node: GraphNode, rank: number): number[] | undefined {
  const given = node.inputs[1] ? ctx.constInts(node.inputs[1]) : [];
  if (!given) throw new Error(`${node.opType} backward: axes must be constant`);
  if (given.length === 0) {
    if (intAttr(ctx, 'noop_with_empty_axes', 0) === 1) return undefined;
    return Array.from({ length: rank }, (_, i) => i);
  }
  return given.map((a) => normAxis(a, rank)).sort((a, b) => a - b);
}

/** dX = dY with the reduced axes put back (when not kept) and broadcast to X's shape. */
function broadcastBack(ctx: RuleContext): Value {
  const { g, node } = ctx;
  const x = node.inputs[0];
  const shape = ctx.shape(x);
  const axes = reducedAxes(ctx, node, shape.length);
  const gy = gradOut(ctx);
  if (!axes) return gy;
  const kept = intAttr(ctx, 'keepdims', 1) === 1 ? gy : g.unsqueeze(gy, axes);
  const target = shape.every((d) => typeof d === 'number')
    ? g.constInt(shape as number[])
    : g.shape(value(x));
  return g.expand(kept, target);
}

const reduceSum: BackwardRule = { differentiable: [0], backward: (ctx) => [broadcastBack(ctx)] };

/** ReduceMean: as ReduceSum, divided by the number of elements averaged (static or measured). */
const reduceMean: BackwardRule = {
  differentiable: [0],
  backward: (ctx) => {
    const { g, node } = ctx;
    const shape = ctx.shape(node.inputs[0]);
    const axes = reducedAxes(ctx, node, shape.length) ?? [];
    const dims = axes.map((a) => shape[a]);
    const spread = broadcastBack(ctx);
    if (dims.every((d) => typeof d === 'number')) {
      const count = (dims as number[]).reduce((a, b) => a * b, 1);
      return [g.mul(spread, g.constFloat(1 / count))];
    }
    const size = (name: string) => g.cast(g.node('Size', [value(name)])[0], 'float32');
    return [g.div(spread, g.div(size(node.inputs[0]), size(node.outputs[0])))];
  },
};

export const GATHER_REDUCE_RULES: Record<string, BackwardRule> = {
  Gather: gather,
  ReduceSum: reduceSum,
  ReduceMean: reduceMean,
};
