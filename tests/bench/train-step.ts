/**
 * `npx tsx tests/bench/train-step.ts`: one LIIF training step (forward + backward, one ONNX Runtime
 * CPU run of the training graph) at the paper's batch: 16 samples, 48x48 LR, 2304 queries each,
 * EDSR-baseline LIIF, factorised layout; and the two conv gradient forms on one encoder conv layer
 * (64 -> 64, 3x3, batch 16 at 48x48; backward = gradient graph minus forward graph).
 *
 * Reports the median wall time and the median process CPU time per run: on a shared host the wall
 * time depends on the neighbours, the CPU time less so (ORT's worker threads spin while waiting,
 * so contention still inflates it). Sessions keep the arena, as training does;
 * two warm-up runs, because the arena keeps growing (and page-faulting) through the first two.
 *
 * Measured 2026-11 on 2 shared EPYC cores, single-threaded CPU time per full step: 5.2 s im2col,
 * 8.2 s naive (x1.58); decoder-only 2.7 s. One conv layer's gradient graph (forward included),
 * ORT kernel time: 139 ms im2col against 260 ms naive with 2 threads (x1.87), even single-threaded
 * (108 vs 112 ms): the naive weight gradient, a Conv with a 48x48 kernel, barely parallelises.
 * 2026-12-01, wall per step with 2 threads: full 7.28 s, decoder-and-tail (fast mode) 5.63 s,
 * decoder-only 3.85 s.
 */
import { GraphBuilder } from '../../electron/core/graph/graph-builder.js';
import { type GraphIR, int } from '../../electron/core/graph/graph-ir.js';
import { toOnnxBytes } from '../../electron/core/graph/onnx-export.js';
import { type FloatTensor, openSession } from '../../electron/core/infer/onnx-runtime.js';
import {
  allParams,
  EDSR_BASELINE_LIIF,
  EDSR_BASELINE_LMF,
  type LiifArchitecture,
} from '../../electron/core/model/architecture.js';
import { randomWeights, seededRandom } from '../../electron/core/model/random-weights.js';
import { differentiate, gradName } from '../../electron/core/train/autodiff.js';
import type { ConvGradForm } from '../../electron/core/train/backward-rules/index.js';
import {
  buildLiifTrainingGraph,
  type TrainingMode,
  trainableParams,
} from '../../electron/core/train/training-graph.js';
import { median } from './bench-utils.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const [N, LR, Q] = [16, 48, 2304];
const arch = EDSR_BASELINE_LIIF;
const weights = randomWeights(arch, 1);
const rand = seededRandom(2);
const filled = (n: number, f: () => number) => Float32Array.from({ length: n }, f);

interface Timing {
  wall: number;
  cpu: number;
}

/** Median wall and CPU seconds of `runs` runs of a graph, after two warm-up runs. */
async function timeGraph(
  graph: GraphIR,
  feeds: Record<string, FloatTensor>,
  outputs: string[],
  runs: number,
) {
  const session = await openSession(toOnnxBytes(graph), 'cpu', { arena: true });
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await session.run(feeds, outputs);
    const used = process.cpuUsage(c);
    if (i < 2) continue;
    walls.push((performance.now() - t) / 1000);
    cpus.push((used.user + used.system) / 1e6);
  }
  await session.release();
  return { wall: median(walls), cpu: median(cpus) };
}

async function step(
  mode: TrainingMode,
  convForm: ConvGradForm,
  stepArch: LiifArchitecture = arch,
): Promise<Timing> {
  const stepWeights = stepArch === arch ? weights : randomWeights(stepArch, 1);
  const shapes = new Map(allParams(stepArch).map((p) => [p.name, p.shape]));
  const graph = buildLiifTrainingGraph(stepArch, stepWeights, { layout: 'factorised', mode, convForm });
  const names = trainableParams(stepArch, mode);
  const feeds: Record<string, FloatTensor> = {
    lr: { data: filled(N * 3 * LR * LR, rand), dims: [N, 3, LR, LR] },
    coord: { data: filled(N * Q * 2, () => rand() * 2 - 1), dims: [N, Q, 2] },
    cell: { data: filled(N * Q * 2, () => 2 / (LR * 2.5)), dims: [N, Q, 2] },
    gt: { data: filled(N * Q * 3, rand), dims: [N, Q, 3] },
  };
  for (const name of names) feeds[name] = { data: stepWeights.get(name)!, dims: shapes.get(name)! };
  return timeGraph(graph, feeds, ['loss', ...names.map(gradName)], RUNS);
}

/** One conv layer: forward only, or forward + gradients of input, weight and bias. */
async function convLayer(convForm: ConvGradForm | 'forward'): Promise<Timing> {
  const c = arch.features;
  const [w, b] = [weights.get('encoder.body.0.body.0.weight')!, weights.get('encoder.body.0.body.0.bias')!];
  const g = new GraphBuilder('conv_layer');
  const x = g.input('x', 'float32', ['N', c, 'H', 'W']);
  const y = g.conv(x, g.param('w', [c, c, 3, 3], w), g.param('b', [c], b), 1);
  g.output(g.named(g.node('ReduceSum', [g.mul(y, y)], { keepdims: int(0) })[0], 'loss'), 'float32', []);
  const feeds: Record<string, FloatTensor> = {
    x: { data: filled(N * c * LR * LR, rand), dims: [N, c, LR, LR] },
  };
  if (convForm === 'forward') return timeGraph(g.build(), feeds, ['loss'], 3 * RUNS);
  feeds.w = { data: w, dims: [c, c, 3, 3] };
  feeds.b = { data: b, dims: [c] };
  const graph = differentiate(g.build(), 'loss', ['x', 'w', 'b'], { convForm });
  return timeGraph(graph, feeds, ['loss', ...['x', 'w', 'b'].map(gradName)], 3 * RUNS);
}

const show = (t: Timing, unit: 's' | 'ms') => {
  const k = unit === 'ms' ? 1000 : 1;
  return `${(t.wall * k).toFixed(unit === 'ms' ? 0 : 2)} ${unit} wall, ${(t.cpu * k).toFixed(unit === 'ms' ? 0 : 2)} ${unit} CPU`;
};
const minus = (a: Timing, b: Timing): Timing => ({ wall: a.wall - b.wall, cpu: a.cpu - b.cpu });

// `npx tsx tests/bench/train-step.ts lmf`: the LMF decoder's step beside the exact one's, per mode.
if (process.argv.includes('lmf')) {
  for (const mode of ['full', 'decoder-and-tail', 'decoder-only'] as const) {
    const exact = await step(mode, 'im2col');
    const lmf = await step(mode, 'im2col', EDSR_BASELINE_LMF);
    console.log(
      `training step, ${mode}: exact ${show(exact, 's')}; LMF ${show(lmf, 's')}; exact / LMF ${(exact.wall / lmf.wall).toFixed(2)} wall`,
    );
  }
  process.exit(0);
}

const forward = await convLayer('forward');
const layerIm2col = minus(await convLayer('im2col'), forward);
const layerNaive = minus(await convLayer('naive'), forward);
console.log(`one conv layer: forward ${show(forward, 'ms')}`);
console.log(`  backward im2col ${show(layerIm2col, 'ms')}; naive ${show(layerNaive, 'ms')}`);
console.log(
  `  naive / im2col: ${(layerNaive.wall / layerIm2col.wall).toFixed(2)} wall, ${(layerNaive.cpu / layerIm2col.cpu).toFixed(2)} CPU`,
);
const im2col = await step('full', 'im2col');
console.log(`training step, full, im2col: ${show(im2col, 's')}`);
const naive = await step('full', 'naive');
console.log(`training step, full, naive:  ${show(naive, 's')}`);
console.log(
  `  naive / im2col: ${(naive.wall / im2col.wall).toFixed(2)} wall, ${(naive.cpu / im2col.cpu).toFixed(2)} CPU`,
);
const decoder = await step('decoder-only', 'im2col');
console.log(`training step, decoder-only: ${show(decoder, 's')}`);
const tail = await step('decoder-and-tail', 'im2col');
console.log(`training step, decoder-and-tail: ${show(tail, 's')}`);
console.log(
  `  full / decoder-and-tail: ${(im2col.wall / tail.wall).toFixed(2)} wall, ${(im2col.cpu / tail.cpu).toFixed(2)} CPU`,
);
