/** Backward rules of the contractions: MatMul (batched, broadcasting) and Conv (2-D, stride 1). */
import { int, ints, type Value } from '../../graph/graph-ir.js';
import {
  type BackwardRule,
  gradOut,
  inputOf,
  intAttr,
  intsAttr,
  type RuleContext,
  unbroadcast,
} from './rule.js';

const TO_END = Number.MAX_SAFE_INTEGER;

/** Swaps the last two axes of a rank-r value. */
function transposeLast(ctx: RuleContext, x: Value, rank: number): Value {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return ctx.g.transpose(x, perm);
}

/**
 * C = A B over the last two axes, batch axes broadcast. dA = dC B^T and dB = A^T dC, each summed
 * over the batch axes its operand was broadcast along. A 2-D B against a batched A (every linear
 * layer) gets its gradient as one Gemm over the flattened rows instead of a batched product and a
 * reduction.
 */
const matMul: BackwardRule = {
  differentiable: 'all',
  backward: (ctx) => {
    const { g } = ctx;
    const gy = gradOut(ctx);
    const [a, b] = [inputOf(ctx, 0), inputOf(ctx, 1)];
    const [sa, sb] = [ctx.shape(a.name), ctx.shape(b.name)];
    const sy = ctx.shape(ctx.node.outputs[0]);
    if (sa.length < 2 || sb.length < 2) throw new Error('MatMul backward: 1-D operands are not supported');
    let ga: Value | undefined;
    let gb: Value | undefined;
    if (ctx.needs[0]) {
      const product = g.matmul(gy, transposeLast(ctx, b, sb.length));
      ga = unbroadcast(ctx, product, a.name, [...sy.slice(0, -2), ...sa.slice(-2)]);
    }
    if (ctx.needs[1]) {
      const [k, n] = [sa[sa.length - 1], sy[sy.length - 1]];
      if (sb.length === 2 && typeof k === 'number' && typeof n === 'number') {
        const rowsA = g.reshape(a, [-1, k]);
        const rowsG = g.reshape(gy, [-1, n]);
        gb = g.node('Gemm', [rowsA, rowsG], { transA: int(1) })[0];
      } else {
        const product = g.matmul(transposeLast(ctx, a, sa.length), gy);
        gb = unbroadcast(ctx, product, b.name, [...sy.slice(0, -2), ...sb.slice(-2)]);
      }
    }
    return [ga, gb];
  },
};

interface ConvGeometry {
  /** [top, left, bottom, right] */
  readonly pads: readonly number[];
  readonly out: number;
  readonly cin: number;
  readonly kh: number;
  readonly kw: number;
}

function convGeometry(ctx: RuleContext): ConvGeometry {
  const unit = (name: string) => (intsAttr(ctx, name) ?? [1, 1]).every((v) => v === 1);
  const autoPad = ctx.node.attrs['auto_pad'];
  if (intAttr(ctx, 'group', 1) !== 1 || !unit('strides') || !unit('dilations') || autoPad)
    throw new Error('Conv backward: only group 1, stride 1, dilation 1 and explicit pads are supported');
  const [out, cin, kh, kw] = ctx.shape(ctx.node.inputs[1]);
  if (![out, cin, kh, kw].every((d) => typeof d === 'number'))
    throw new Error('Conv backward: the kernel shape must be static');
  const pads = intsAttr(ctx, 'pads') ?? [0, 0, 0, 0];
  return { pads, out, cin, kh, kw } as ConvGeometry;
}

const convAttrs = (pads: readonly number[]) => ({ pads: ints(pads), strides: ints([1, 1]) });

/** dX as a Conv of dY with the kernel transposed (in <-> out) and flipped in space. */
function inputGradConv(ctx: RuleContext, gy: Value, geo: ConvGeometry): Value {
  const { g } = ctx;
  const transposed = g.transpose(inputOf(ctx, 1), [1, 0, 2, 3]);
  const flip = [
    g.constInt([-1, -1]),
    g.constInt([-TO_END, -TO_END]),
    g.constInt([2, 3]),
    g.constInt([-1, -1]),
  ];
  const flipped = g.node('Slice', [transposed, ...flip])[0];
  const [t, l, b, r] = geo.pads;
  const pads = [geo.kh - 1 - t, geo.kw - 1 - l, geo.kh - 1 - b, geo.kw - 1 - r];
  if (pads.some((p) => p < 0)) throw new Error('Conv backward: padding wider than the kernel');
  return g.node('Conv', [gy, flipped], convAttrs(pads))[0];
}

/**
 * dW by im2col: the input, channels first ([C, N, H, W]), padded, cut into kh*kw shifted views
 * stacked as [C*kh*kw, N*H'*W'] (row c*kh*kw + ky*kw + kx, the kernel's own flattening), then one
 * Gemm with dY as [O, N*H'*W'] (B transposed, which the Gemm kernel reads directly).
 */
function weightGradIm2col(ctx: RuleContext, gy: Value, geo: ConvGeometry): Value {
  const { g } = ctx;
  const [t, l, b, r] = geo.pads;
  let x = g.transpose(inputOf(ctx, 0), [1, 0, 2, 3]);
  if (geo.pads.some((p) => p !== 0)) x = g.pad(x, [0, 0, t, l, 0, 0, b, r]);
  const views: Value[] = [];
  for (let ky = 0; ky < geo.kh; ky++) {
    for (let kx = 0; kx < geo.kw; kx++) {
      // View (ky, kx) ends kh-1-ky rows before the padded map's end: a negative end, or "to the end".
      const endY = ky === geo.kh - 1 ? TO_END : ky - (geo.kh - 1);
      const endX = kx === geo.kw - 1 ? TO_END : kx - (geo.kw - 1);
      views.push(g.unsqueeze(g.slice(x, [ky, kx], [endY, endX], [2, 3]), [1]));
    }
  }
  const cols = g.reshape(g.concat(views, 1), [geo.cin * geo.kh * geo.kw, -1]);
  const rows = g.reshape(g.transpose(gy, [1, 0, 2, 3]), [geo.out, -1]);
  const flat = g.node('Gemm', [rows, cols], { transB: int(1) })[0];
  return g.reshape(flat, [geo.out, geo.cin, geo.kh, geo.kw]);
}

/** dW as a Conv of the input (batch as channels) by dY (batch as channels) as the kernel. */
function weightGradConv(ctx: RuleContext, gy: Value, geo: ConvGeometry): Value {
  const { g } = ctx;
  const x = g.transpose(inputOf(ctx, 0), [1, 0, 2, 3]);
  const kernel = g.transpose(gy, [1, 0, 2, 3]);
  return g.transpose(g.node('Conv', [x, kernel], convAttrs(geo.pads))[0], [1, 0, 2, 3]);
}

const conv: BackwardRule = {
  differentiable: 'all',
  backward: (ctx) => {
    const geo = convGeometry(ctx);
    const gy = gradOut(ctx);
    const im2col = ctx.convForm === 'im2col';
    const gx = !ctx.needs[0]
      ? undefined
      : im2col
        ? inputGradConv(ctx, gy, geo)
        : ctx.g.node('ConvTranspose', [gy, inputOf(ctx, 1)], convAttrs(geo.pads))[0];
    const gw = !ctx.needs[1]
      ? undefined
      : im2col
        ? weightGradIm2col(ctx, gy, geo)
        : weightGradConv(ctx, gy, geo);
    const gb = ctx.needs[2] ? ctx.g.reduceSum(gy, [0, 2, 3], false) : undefined;
    return [gx, gw, gb];
  },
};

export const CONTRACTION_RULES: Record<string, BackwardRule> = { MatMul: matMul, Conv: conv };
