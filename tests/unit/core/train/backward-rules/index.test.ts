import { afterAll, describe, expect, it } from 'vitest';
import { int, ints } from '../../../../../electron/core/graph/graph-ir.js';
import { addL1Loss } from '../../../../../electron/core/train/liif-loss.js';
import { checkGradient, type GradCase, offKinks } from '../grad-check.js';
import * as T from '../tensor64.js';

const positive = (u: number) => 0.5 + u;
const report: string[] = [];

/** Each case: one op (or a short chain) with broadcasting and dynamic shapes where the op has them. */
const CASES: Record<string, GradCase> = {
  'Add (broadcast [4], [3,1])': {
    wrt: {
      a: { shape: [2, 3, 4], symbolic: ['n', 3, 4] },
      b: { shape: [4], param: true },
      c: { shape: [3, 1], param: true },
    },
    build: (g, v) => g.add(g.add(v.a, v.b), v.c),
    reference: (v) => T.add(T.add(v.a, v.b), v.c),
  },
  'Sub (broadcast [2,1,4])': {
    wrt: { a: { shape: [3, 4], param: true }, b: { shape: [2, 1, 4], symbolic: ['n', 1, 4] } },
    build: (g, v) => g.sub(v.a, v.b),
    reference: (v) => T.sub(v.a, v.b),
  },
  'Mul (broadcast [3,1])': {
    wrt: { a: { shape: [2, 3, 4], symbolic: ['n', 'c', 4] }, b: { shape: [3, 1], param: true } },
    build: (g, v) => g.mul(v.a, v.b),
    reference: (v) => T.mul(v.a, v.b),
  },
  'Div (broadcast [1,4])': {
    wrt: {
      a: { shape: [2, 3, 4], symbolic: ['n', 3, 'w'] },
      b: { shape: [1, 4], param: true, draw: positive },
    },
    build: (g, v) => g.div(v.a, v.b),
    reference: (v) => T.div(v.a, v.b),
  },
  'Min and Max (broadcast)': {
    wrt: {
      a: { shape: [2, 3, 4], draw: offKinks(-1, 1, [0]) },
      b: { shape: [3, 4], param: true, draw: (u) => u * 0.005 },
    },
    build: (g, v) => g.add(g.min(v.a, v.b), g.max(v.a, g.mul(v.b, g.constFloat(3)))),
    reference: (v) => T.add(T.binary(v.a, v.b, Math.min), T.binary(v.a, T.mul(v.b, T.scalar(3)), Math.max)),
  },
  'MatMul (batched A, 2-D B: one Gemm)': {
    wrt: { a: { shape: [2, 3, 4, 5], symbolic: ['n', 3, 'q', 5] }, w: { shape: [6, 5], param: true } },
    build: (g, v) => g.matmul(v.a, g.transpose(v.w, [1, 0])),
    reference: (v) => T.matmul(v.a, T.transpose(v.w, [1, 0])),
  },
  'MatMul (both batched, B broadcast)': {
    wrt: { a: { shape: [2, 3, 4], symbolic: ['n', 3, 4] }, b: { shape: [1, 4, 5], param: true } },
    build: (g, v) => g.matmul(v.a, v.b),
    reference: (v) => T.matmul(v.a, v.b),
  },
  'Conv 3x3 pad 1 with bias (im2col)': {
    wrt: {
      x: { shape: [2, 3, 5, 4], symbolic: ['n', 3, 'h', 'w'] },
      w: { shape: [4, 3, 3, 3], param: true },
      b: { shape: [4], param: true },
    },
    build: (g, v) => g.conv(v.x, v.w, v.b, 1),
    reference: (v) => T.conv2d(v.x, v.w, v.b, [1, 1, 1, 1]),
  },
  'Conv 3x3 asymmetric pads, no bias, reshaped kernel (im2col)': {
    wrt: { x: { shape: [2, 2, 4, 5], symbolic: ['n', 2, 'h', 'w'] }, w: { shape: [3, 20], param: true } },
    build: (g, v) => {
      const kernel = g.reshape(g.slice(v.w, [0], [18], [1]), [3, 2, 3, 3]);
      return g.node('Conv', [v.x, kernel], { pads: ints([1, 0, 0, 1]), strides: ints([1, 1]) })[0];
    },
    reference: (v) =>
      T.conv2d(v.x, T.reshape(T.slice(v.w, [0], [18], [1]), [3, 2, 3, 3]), undefined, [1, 0, 0, 1]),
  },
  Relu: {
    wrt: { x: { shape: [2, 3, 4], param: true, draw: offKinks(-1, 1, [0]) } },
    build: (g, v) => g.relu(v.x),
    reference: (v) => T.unary(v.x, (x) => Math.max(0, x)),
  },
  'Abs, Neg, Identity': {
    wrt: { x: { shape: [3, 4], symbolic: ['a', 'b'], draw: offKinks(-1, 1, [0]) } },
    build: (g, v) => g.node('Neg', [g.node('Identity', [g.abs(v.x)])[0]])[0],
    reference: (v) => T.unary(v.x, (x) => -Math.abs(x)),
  },
  'Clip (pass-through inside the bounds)': {
    wrt: { x: { shape: [4, 5], param: true, draw: offKinks(-2, 2, [-1, 0.5]) } },
    build: (g, v) => g.clip(v.x, -1, 0.5),
    reference: (v) => T.unary(v.x, (x) => Math.min(0.5, Math.max(-1, x))),
  },
  'Gather axis 0, repeated indices from an index path (Round, Cast)': {
    wrt: { data: { shape: [5, 3], param: true } },
    fixed: { pos: { shape: [2, 4], symbolic: ['n', 'q'], draw: (u) => u * 4.8 - 0.4 } },
    build: (g, v) => {
      const index = g.cast(
        g.min(g.max(g.node('Round', [v.pos])[0], g.constFloat(0)), g.constFloat(4)),
        'int64',
      );
      return g.mul(g.gather(v.data, index, 0), g.unsqueeze(v.pos, [2]));
    },
    reference: (v) => {
      const index = Array.from(v.pos.data, (p) => Math.min(4, Math.max(0, Math.round(p))));
      return T.mul(T.gather(v.data, index, [2, 4], 0), T.reshape(v.pos, [2, 4, 1]));
    },
  },
  'Gather axis 1 (constant indices, some negative) and axis 2 (scalar index)': {
    wrt: { data: { shape: [2, 4, 3], symbolic: ['n', 4, 3] } },
    build: (g, v) => {
      const permuted = g.reshape(g.gather(v.data, g.constInt([3, -2, 1, 0, -3]), 1), [0, 15]);
      return g.concat([permuted, g.gather(v.data, g.constInt(2), 2)], 1);
    },
    reference: (v) =>
      T.concat(
        [T.reshape(T.gather(v.data, [3, 2, 1, 0, 1], [5], 1), [2, 15]), T.gather(v.data, [2], [], 2)],
        1,
      ),
  },
  'Gather axis 0, negative run-time indices': {
    wrt: { data: { shape: [4, 2], symbolic: ['m', 2] } },
    fixed: { pos: { shape: [3], draw: (u) => u * 3.6 - 0.3 } },
    build: (g, v) => g.gather(v.data, g.sub(g.cast(g.node('Round', [v.pos])[0], 'int64'), g.constInt(4)), 0),
    reference: (v) =>
      T.gather(
        v.data,
        Array.from(v.pos.data, (p) => Math.round(p)),
        [3],
        0,
      ),
  },
  'Concat (static and dynamic sizes)': {
    wrt: { a: { shape: [2, 3], symbolic: ['n', 'k'] }, b: { shape: [2, 2], param: true } },
    build: (g, v) => g.concat([v.a, v.b, v.a], 1),
    reference: (v) => T.concat([v.a, v.b, v.a], 1),
  },
  'Slice (constant bounds, negative start, end past the end)': {
    wrt: { x: { shape: [4, 6], param: true } },
    build: (g, v) => g.slice(v.x, [1, -4], [3, 100], [0, 1]),
    reference: (v) => T.slice(v.x, [1, -4], [3, 100], [0, 1]),
  },
  'Slice (end computed at run time)': {
    wrt: { x: { shape: [3, 6], symbolic: ['a', 'b'] } },
    build: (g, v) => {
      const end = g.sub(g.slice(g.shape(v.x), [1], [2], [0]), g.constInt([2]));
      return g.node('Slice', [v.x, g.constInt([1]), end, g.constInt([-1])])[0];
    },
    reference: (v) => T.slice(v.x, [1], [4], [1]),
  },
  'Reshape, Transpose, Unsqueeze, Expand': {
    wrt: { x: { shape: [2, 3, 4], symbolic: ['n', 3, 4] }, s: { shape: [3, 1], param: true } },
    build: (g, v) => {
      const moved = g.unsqueeze(g.reshape(g.transpose(v.x, [2, 0, 1]), [4, -1]), [1]); // [4,1,6]
      const spread = g.expand(g.reshape(v.s, [1, 1, 3, 1]), g.constInt([4, 1, 3, 2]));
      return g.add(moved, g.reshape(spread, [4, 1, 6]));
    },
    reference: (v) => {
      const moved = T.reshape(T.transpose(v.x, [2, 0, 1]), [4, 1, 6]);
      return T.add(moved, T.reshape(T.expand(T.reshape(v.s, [1, 1, 3, 1]), [4, 1, 3, 2]), [4, 1, 6]));
    },
  },
  'Pad (constant)': {
    wrt: { x: { shape: [2, 3], symbolic: ['a', 'b'] } },
    build: (g, v) => g.pad(v.x, [1, 0, 2, 1]),
    reference: (v) => T.pad(v.x, [1, 0, 2, 1]),
  },
  'ReduceSum and ReduceMean (kept and dropped axes, dynamic count)': {
    wrt: { x: { shape: [2, 3, 4], symbolic: ['n', 'c', 4] } },
    build: (g, v) => {
      const sum = g.reduceSum(v.x, [1], false); // [2,4]
      const mean = g.node('ReduceMean', [v.x, g.constInt([0, 2])], { keepdims: int(1) })[0]; // [1,3,1]
      const all = g.node('ReduceMean', [v.x], { keepdims: int(0) })[0];
      return g.add(g.add(g.unsqueeze(sum, [1]), mean), all);
    },
    reference: (v) =>
      T.add(
        T.add(T.reshape(T.reduceSum(v.x, [1], false), [2, 1, 4]), T.reduceMean(v.x, [0, 2], true)),
        T.reduceMean(v.x, [0, 1, 2], false),
      ),
  },
  'Reuse (x*x + x accumulates) and an unused parameter': {
    wrt: { x: { shape: [3, 2], param: true }, unused: { shape: [2], param: true } },
    build: (g, v) => g.add(g.mul(v.x, v.x), v.x),
    reference: (v) => T.add(T.mul(v.x, v.x), v.x),
  },
  'L1 loss (Abs, Sub, Div, ReduceMean)': {
    wrt: { pred: { shape: [2, 5, 3], symbolic: ['n', 'q', 3], draw: offKinks(-1, 1, [0]) } },
    fixed: { gt: { shape: [2, 5, 3], symbolic: ['n', 'q', 3], draw: () => 0.5 } },
    build: (g, v) => addL1Loss(g, v.pred, v.gt),
    reference: (v) => T.scalar(T.sumAll(T.unary(v.pred, Math.abs)) / 30),
  },
};

describe('backward rules against float64 finite differences', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(name, async () => {
      const { relError } = await checkGradient(c);
      report.push(`${relError.toExponential(2)}  ${name}`);
      expect(relError).toBeLessThanOrEqual(1e-4);
    });
  }
  it('Conv in the naive form (ConvTranspose + Conv by dY)', async () => {
    const { relError } = await checkGradient(CASES['Conv 3x3 pad 1 with bias (im2col)'], {
      convForm: 'naive',
    });
    report.push(`${relError.toExponential(2)}  Conv (naive form)`);
    expect(relError).toBeLessThanOrEqual(1e-4);
  });
  afterAll(() => console.log(`gradient relative errors:\n${report.join('\n')}`));
});
