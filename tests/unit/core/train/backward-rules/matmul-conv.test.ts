import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../../../electron/core/graph/graph-builder.js';
import { int, ints } from '../../../../../electron/core/graph/graph-ir.js';
import { toOnnxBytes } from '../../../../../electron/core/graph/onnx-export.js';
import { openSession } from '../../../../../electron/core/infer/onnx-runtime.js';
import { seededRandom } from '../../../../../electron/core/model/random-weights.js';
import {
  type DifferentiateOptions,
  differentiate,
  gradName,
} from '../../../../../electron/core/train/autodiff.js';

const [N, C, O, H, W] = [2, 8, 6, 9, 7];

/** Gradients of sum(conv(x) * r) for x (a dynamic-shape input), w and b, in one conv gradient form. */
async function convGradients(pads: readonly number[], form: DifferentiateOptions['convForm']) {
  const rand = seededRandom(3);
  const data = (n: number) => Float32Array.from({ length: n }, () => rand() * 2 - 1);
  const [x, w, b] = [data(N * C * H * W), data(O * C * 9), data(O)];
  const outH = H + pads[0] + pads[2] - 2;
  const outW = W + pads[1] + pads[3] - 2;
  const r = data(N * O * outH * outW);

  const g = new GraphBuilder('conv_grad');
  const xv = g.input('x', 'float32', ['n', C, 'h', 'w']);
  const y = g.node('Conv', [xv, g.param('w', [O, C, 3, 3], w), g.param('b', [O], b)], {
    pads: ints(pads),
    strides: ints([1, 1]),
  })[0];
  const weighted = g.mul(y, g.constFloat(Array.from(r), [N, O, outH, outW]));
  g.output(g.named(g.node('ReduceSum', [weighted], { keepdims: int(0) })[0], 'loss'), 'float32', []);
  const training = differentiate(g.build(), 'loss', ['x', 'w', 'b'], { convForm: form });
  const ops = new Set(training.nodes.map((node) => node.opType));

  const session = await openSession(toOnnxBytes(training), 'cpu');
  const grads = await session.run(
    { x: { data: x, dims: [N, C, H, W] }, w: { data: w, dims: [O, C, 3, 3] }, b: { data: b, dims: [O] } },
    ['x', 'w', 'b'].map(gradName),
  );
  await session.release();
  return { grads: grads.map((t) => t.data), ops };
}

describe('im2col-form conv gradients equal the naive (ConvTranspose / Conv-by-dY) form', () => {
  for (const pads of [
    [1, 1, 1, 1],
    [0, 0, 0, 0],
    [1, 0, 2, 1],
  ]) {
    it(`pads ${pads.join(',')}`, async () => {
      const fast = await convGradients(pads, 'im2col');
      const naive = await convGradients(pads, 'naive');
      expect(fast.ops.has('Gemm') && !fast.ops.has('ConvTranspose')).toBe(true);
      expect(naive.ops.has('ConvTranspose') && !naive.ops.has('Gemm')).toBe(true);
      fast.grads.forEach((g, k) => {
        const other = naive.grads[k];
        expect(g.length).toBe(other.length);
        const scale = Math.max(...Array.from(other, Math.abs));
        const worst = Math.max(...Array.from(g, (v, i) => Math.abs(v - other[i])));
        expect(worst).toBeLessThanOrEqual(1e-5 * scale);
      });
    });
  }
});
