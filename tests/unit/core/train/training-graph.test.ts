import { afterAll, describe, expect, it } from 'vitest';
import { toOnnxBytes } from '../../../../electron/core/graph/onnx-export.js';
import { type FloatTensor, openSession } from '../../../../electron/core/infer/onnx-runtime.js';
import {
  allParams,
  EDSR_BASELINE_LIIF,
  type LiifArchitecture,
  type Weights,
} from '../../../../electron/core/model/architecture.js';
import type { CodeLayout } from '../../../../electron/core/model/encoder-graph.js';
import { randomWeights, seededRandom } from '../../../../electron/core/model/random-weights.js';
import { gradName } from '../../../../electron/core/train/autodiff.js';
import {
  buildLiifTrainingGraph,
  TAIL_BLOCKS,
  type TrainingMode,
  trainableParams,
} from '../../../../electron/core/train/training-graph.js';
import { referenceEncoder, referenceQuery } from '../reference/liif-reference.js';

const TINY: LiifArchitecture = { features: 4, resBlocks: 1, hidden: 8, hiddenLayers: 4 };
const TINY_LMF: LiifArchitecture = {
  features: 4,
  resBlocks: 1,
  hidden: 5,
  hiddenLayers: 3,
  decoder: 'lmf',
  latentHidden: 12,
};
const [N, H, W, Q] = [2, 6, 5, 20];

interface Batch {
  lr: Float32Array;
  coord: Float32Array;
  cell: Float32Array;
  gt: Float32Array;
}

function randomBatch(seed: number): Batch {
  const rand = seededRandom(seed);
  const cell = new Float32Array(N * Q * 2);
  for (let i = 0; i < N * Q; i++) {
    const scale = 1 + 3 * rand();
    cell[2 * i] = 2 / (H * scale);
    cell[2 * i + 1] = 2 / (W * scale);
  }
  return {
    lr: Float32Array.from({ length: N * 3 * H * W }, rand),
    coord: Float32Array.from({ length: N * Q * 2 }, () => rand() * 1.98 - 0.99),
    cell,
    gt: Float32Array.from({ length: N * Q * 3 }, rand),
  };
}

/**
 * The training loss in float64 through the plain-loop reference: mean |pred - (gt - 0.5) / 0.5|,
 * pred = (rgb - 0.5) / 0.5 (the reference returns clamped rgb; the test keeps outputs off the clamp).
 */
function referenceLoss(
  arch: LiifArchitecture,
  weights: Weights,
  batch: Batch,
): { loss: number; clamped: boolean } {
  let sum = 0;
  let clamped = false;
  for (let n = 0; n < N; n++) {
    const planes = {
      channels: 3,
      height: H,
      width: W,
      data: Float64Array.from(batch.lr.subarray(n * 3 * H * W, (n + 1) * 3 * H * W)),
    };
    const feat = referenceEncoder(arch, weights, planes);
    for (let q = 0; q < Q; q++) {
      const i = n * Q + q;
      const rgb = referenceQuery(
        arch,
        weights,
        feat,
        [batch.coord[2 * i], batch.coord[2 * i + 1]],
        [batch.cell[2 * i], batch.cell[2 * i + 1]],
      );
      for (let c = 0; c < 3; c++) {
        if (rgb[c] <= 0 || rgb[c] >= 1) clamped = true;
        sum += Math.abs((rgb[c] - 0.5) / 0.5 - (batch.gt[3 * i + c] - 0.5) / 0.5);
      }
    }
  }
  return { loss: sum / (N * Q * 3), clamped };
}

async function analytic(
  arch: LiifArchitecture,
  weights: Weights,
  batch: Batch,
  layout: CodeLayout,
  mode: TrainingMode,
) {
  const session = await openSession(
    toOnnxBytes(buildLiifTrainingGraph(arch, weights, { layout, mode })),
    'cpu',
  );
  const names = trainableParams(arch, mode);
  const shapes = new Map(allParams(arch).map((p) => [p.name, p.shape]));
  const feeds: Record<string, FloatTensor> = {
    lr: { data: batch.lr, dims: [N, 3, H, W] },
    coord: { data: batch.coord, dims: [N, Q, 2] },
    cell: { data: batch.cell, dims: [N, Q, 2] },
    gt: { data: batch.gt, dims: [N, Q, 3] },
  };
  for (const name of names) feeds[name] = { data: weights.get(name)!, dims: shapes.get(name)! };
  const [loss, ...grads] = await session.run(feeds, ['loss', ...names.map(gradName)]);
  await session.release();
  return { loss: loss.data[0], grads: new Map(names.map((name, k) => [name, grads[k].data])) };
}

/**
 * d/deps L(theta + eps v) by central differences in float64. The reference reads weights by index,
 * so float64 arrays stand in for the Float32Array type to keep the perturbation exact.
 */
function directional(
  arch: LiifArchitecture,
  weights: Weights,
  batch: Batch,
  v: Map<string, Float64Array>,
  eps: number,
): number {
  const shifted = (sign: number): Weights => {
    const out = new Map<string, Float32Array>();
    for (const [name, w] of weights) {
      const dir = v.get(name);
      const data = Float64Array.from(w, (x, i) => x + (dir ? sign * eps * dir[i] : 0));
      out.set(name, data as unknown as Float32Array);
    }
    return out;
  };
  return (
    (referenceLoss(arch, shifted(1), batch).loss - referenceLoss(arch, shifted(-1), batch).loss) / (2 * eps)
  );
}

describe('LIIF training graph against finite differences of the float64 reference', () => {
  const report: string[] = [];
  afterAll(() => console.log(`directional derivative relative errors:\n${report.join('\n')}`));
  const batch = randomBatch(11);

  for (const arch of [TINY, TINY_LMF]) {
    const weights = randomWeights(arch, 5);
    const fanIn = new Map(allParams(arch).map((p) => [p.name, p.fanIn]));
    const decoder = arch.decoder ?? 'mlp';
    for (const layout of ['factorised', 'plain'] as const) {
      for (const mode of ['full', 'decoder-only'] as const) {
        it(`${decoder} decoder, ${layout} layout, ${mode}: loss and directional derivatives`, async () => {
          const { loss, grads } = await analytic(arch, weights, batch, layout, mode);
          const reference = referenceLoss(arch, weights, batch);
          expect(reference.clamped).toBe(false);
          expect(Math.abs(loss - reference.loss)).toBeLessThan(1e-5);

          const rand = seededRandom(23);
          for (let trial = 0; trial < 3; trial++) {
            // Random direction, scaled like each parameter's init range.
            const v = new Map(
              [...grads.keys()].map((name) => {
                const bound = 1 / Math.sqrt(fanIn.get(name)!);
                return [name, Float64Array.from(grads.get(name)!, () => (rand() * 2 - 1) * bound)];
              }),
            );
            let predicted = 0;
            for (const [name, g] of grads) {
              const dir = v.get(name)!;
              for (let i = 0; i < g.length; i++) predicted += g[i] * dir[i];
            }
            // Two step sizes must agree: a ReLU or L1 kink crossed inside the step would split them.
            const fd = directional(arch, weights, batch, v, 1e-6);
            const fdHalf = directional(arch, weights, batch, v, 5e-7);
            expect(Math.abs(fd - fdHalf) / Math.abs(fd)).toBeLessThan(1e-5);
            const error = Math.abs(predicted - fd) / Math.abs(fd);
            report.push(`${error.toExponential(2)}  ${decoder} ${layout} ${mode} direction ${trial}`);
            expect(error).toBeLessThanOrEqual(1e-4);
          }
        });
      }
    }

    // TINY has one residual block, so its tail is the whole body: only the head conv stays fixed.
    for (const [mode, trained] of [
      ['decoder-only', (name: string) => !name.startsWith('encoder.')],
      ['decoder-and-tail', (name: string) => !name.startsWith('encoder.head.')],
    ] as const) {
      it(`${decoder} decoder: ${mode} gradients equal the full graph gradients of the same parameters`, async () => {
        const full = await analytic(arch, weights, batch, 'factorised', 'full');
        const partial = await analytic(arch, weights, batch, 'factorised', mode);
        expect([...partial.grads.keys()]).toEqual([...full.grads.keys()].filter(trained));
        for (const [name, g] of partial.grads) {
          const other = full.grads.get(name)!;
          const scale = Math.max(...Array.from(g, Math.abs));
          const worst = Math.max(...Array.from(g, (x, i) => Math.abs(x - other[i])));
          expect(worst).toBeLessThanOrEqual(1e-5 * scale);
        }
      });
    }
  }

  it('decoder-and-tail trains the last TAIL_BLOCKS residual blocks of EDSR-baseline and its closing conv', () => {
    const encoder = trainableParams(EDSR_BASELINE_LIIF, 'decoder-and-tail').filter((n) =>
      n.startsWith('encoder.'),
    );
    const { resBlocks } = EDSR_BASELINE_LIIF;
    const blocks = Array.from({ length: TAIL_BLOCKS }, (_, i) => resBlocks - TAIL_BLOCKS + i);
    expect(encoder).toEqual([
      ...blocks.flatMap((i) =>
        ['body.0.weight', 'body.0.bias', 'body.2.weight', 'body.2.bias'].map((p) => `encoder.body.${i}.${p}`),
      ),
      `encoder.body.${resBlocks}.weight`,
      `encoder.body.${resBlocks}.bias`,
    ]);
  });
});
