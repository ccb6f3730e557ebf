import type { GraphBuilder } from '../../graph/graph-builder.js';
import type { Dim, GraphNode, Value } from '../../graph/graph-ir.js';

/**
 * How Conv gradients are written. 'im2col': weight gradient as im2col (Pad + kh*kw Slices + Concat)
 * and one Gemm, input gradient as a Conv with the flipped, transposed kernel. 'naive': weight
 * gradient as a Conv of the input by the output gradient, input gradient as ConvTranspose. Both use
 * standard ops only. On ORT's CPU provider 'im2col' is the faster: a whole EDSR-baseline LIIF step
 * takes 5.2 s of CPU against 8.2 s, and one 64->64 layer's gradient graph 139 ms against 260 ms
 * with 2 threads, since the naive weight gradient (a Conv with an HxW kernel) barely parallelises
 * (tests/bench/train-step.ts).
 */
export type ConvGradForm = 'im2col' | 'naive';

/** What a backward rule sees of one forward node. */
export interface RuleContext {
  /** Emits the gradient nodes. */
  readonly g: GraphBuilder;
  readonly node: GraphNode;
  /** Gradient of each output; undefined where the loss does not depend on that output. */
  readonly gradOutputs: readonly (Value | undefined)[];
  /** Which inputs need a gradient (they depend on a parameter and carry one). */
  readonly needs: readonly boolean[];
  readonly convForm: ConvGradForm;
  /** Static shape of a forward value (numbers and symbols; see shape-inference.ts). */
  shape(name: string): readonly Dim[];
  /** Contents of a constant int64 input (axes, pads, starts), undefined if computed at run time. */
  constInts(name: string | undefined): number[] | undefined;
}

export interface BackwardRule {
  /** Input positions that can carry a gradient; the others are shapes, axes, indices or bounds. */
  readonly differentiable: readonly number[] | 'all';
  /** Gradients for the inputs, by position (undefined where not needed). */
  readonly backward: (ctx: RuleContext) => readonly (Value | undefined)[];
}

export const value = (name: string): Value => ({ name });

/** The node's i-th input as a Value. */
export const inputOf = (ctx: RuleContext, i: number): Value => value(ctx.node.inputs[i]);
export const outputOf = (ctx: RuleContext, i = 0): Value => value(ctx.node.outputs[i]);

/** The gradient of the node's single output (rules are only called when it exists). */
export function gradOut(ctx: RuleContext): Value {
  const grad = ctx.gradOutputs[0];
  if (!grad) throw new Error(`${ctx.node.opType}: no output gradient`);
  return grad;
}

/** Reshapes `x` to the run-time shape of forward value `like` (a constant when fully static). */
export function reshapeLike(ctx: RuleContext, x: Value, like: string): Value {
  const shape = ctx.shape(like);
  const isStatic = shape.every((d) => typeof d === 'number');
  return ctx.g.reshape(x, isStatic ? (shape as number[]) : ctx.g.shape(value(like)));
}

/**
 * Sums a gradient of the node's output (or of another broadcast result of shape `outShape`) back
 * to the shape of a broadcast input.
 *
 * Shapes are dynamic, but rank and which dimensions are 1 are known statically for our graphs
 * (shape-inference.ts), and that is all ONNX broadcasting depends on: the gradient is reduced
 * (ReduceSum, keepdims) over the leading axes the input lacks and over the axes where the input
 * has a static 1 and the output does not, then reshaped to the input's run-time shape. A symbolic
 * dimension is assumed not to be a broadcast 1; if that were wrong at run time the element counts
 * would differ and the final Reshape would fail loudly instead of yielding a wrong gradient.
 * Constant axes keep the graph runnable on providers that want static reduction axes.
 */
export function unbroadcast(
  ctx: RuleContext,
  grad: Value,
  input: string,
  outShape: readonly Dim[] = ctx.shape(ctx.node.outputs[0]),
): Value {
  const inShape = ctx.shape(input);
  const lead = outShape.length - inShape.length;
  const axes = Array.from({ length: lead }, (_, i) => i);
  inShape.forEach((d, i) => {
    if (d === 1 && outShape[lead + i] !== 1) axes.push(lead + i);
  });
  if (axes.length === 0) return grad;
  return reshapeLike(ctx, ctx.g.reduceSum(grad, axes, true), input);
}

/** Zeros with the run-time shape of a forward value. */
export function zerosLike(ctx: RuleContext, like: string): Value {
  const shape = ctx.shape(like);
  const isStatic = shape.every((d) => typeof d === 'number');
  const target = isStatic ? ctx.g.constInt(shape as number[]) : ctx.g.shape(value(like));
  return ctx.g.expand(ctx.g.constFloat(0), target);
}

export const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

export function intAttr(ctx: RuleContext, name: string, fallback: number): number {
  const a = ctx.node.attrs[name];
  return a?.kind === 'int' ? a.value : fallback;
}

export function intsAttr(ctx: RuleContext, name: string): readonly number[] | undefined {
  const a = ctx.node.attrs[name];
  return a?.kind === 'ints' ? a.value : undefined;
}

/** A constant int input the rule cannot do without. */
export function requireConstInts(ctx: RuleContext, i: number, what: string): number[] {
  const v = ctx.constInts(ctx.node.inputs[i]);
  if (!v)
    throw new Error(`${ctx.node.opType} ${ctx.node.outputs[0]}: ${what} must be constant to differentiate`);
  return v;
}
