import * as ort from 'onnxruntime-node';
import { GraphBuilder } from './electron/core/graph/graph-builder.js';
import { type GraphIR, int } from './electron/core/graph/graph-ir.js';
import { toOnnxBytes } from './electron/core/graph/onnx-export.js';
import { allParams, EDSR_BASELINE_LIIF } from './electron/core/model/architecture.js';
import { randomWeights, seededRandom } from './electron/core/model/random-weights.js';
import { differentiate, gradName } from './electron/core/train/autodiff.js';
import { buildLiifTrainingGraph, trainableParams } from './electron/core/train/training-graph.js';
const which = process.argv[2];
const [N, LR, Q] = [16, 48, 2304];
const arch = EDSR_BASELINE_LIIF;
const weights = randomWeights(arch, 1);
const rand = seededRandom(2);
const f = (n: number, g: () => number) => Float32Array.from({ length: n }, g);
const T = (d: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', d, [...dims]);
const shapes = new Map(allParams(arch).map((p) => [p.name, p.shape]));
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
async function time(graph: GraphIR, feeds: Record<string, ort.Tensor>, outs: string[], runs: number) {
  const s = await ort.InferenceSession.create(toOnnxBytes(graph), { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1 });
  const w: number[] = [], c: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t = performance.now(); const u = process.cpuUsage();
    await s.run(feeds, outs);
    const d = process.cpuUsage(u);
    if (i >= 2) { w.push((performance.now() - t) / 1000); c.push((d.user + d.system) / 1e6); }
  }
  await s.release();
  return `wall ${med(w).toFixed(3)} cpu ${med(c).toFixed(3)} (cpu runs ${c.map((x) => x.toFixed(2)).join(' ')})`;
}
if (which.startsWith('conv')) {
  const c = 64;
  const [w, b] = [weights.get('encoder.body.0.body.0.weight')!, weights.get('encoder.body.0.body.0.bias')!];
  const g = new GraphBuilder('conv');
  const x = g.input('x', 'float32', ['N', c, 'H', 'W']);
  const y = g.conv(x, g.param('w', [c, c, 3, 3], w), g.param('b', [c], b), 1);
  g.output(g.named(g.node('ReduceSum', [g.mul(y, y)], { keepdims: int(0) })[0], 'loss'), 'float32', []);
  const feeds: Record<string, ort.Tensor> = { x: T(f(N * c * LR * LR, rand), [N, c, LR, LR]) };
  if (which === 'conv-forward') console.log(which, await time(g.build(), feeds, ['loss'], 7));
  else {
    feeds.w = T(w, [c, c, 3, 3]); feeds.b = T(b, [c]);
    const form = which === 'conv-im2col' ? 'im2col' : 'naive';
    console.log(which, await time(differentiate(g.build(), 'loss', ['x', 'w', 'b'], { convForm: form }), feeds, ['loss', ...['x', 'w', 'b'].map(gradName)], 7));
  }
} else {
  const [mode, form] = which === 'step-decoder' ? ['decoder-only', 'im2col'] as const : ['full', which === 'step-im2col' ? 'im2col' : 'naive'] as const;
  const names = trainableParams(arch, mode);
  const feeds: Record<string, ort.Tensor> = {
    lr: T(f(N * 3 * LR * LR, rand), [N, 3, LR, LR]), coord: T(f(N * Q * 2, () => rand() * 2 - 1), [N, Q, 2]),
    cell: T(f(N * Q * 2, () => 2 / (LR * 2.5)), [N, Q, 2]), gt: T(f(N * Q * 3, rand), [N, Q, 3]) };
  for (const n of names) feeds[n] = T(weights.get(n)!, shapes.get(n)!);
  console.log(which, await time(buildLiifTrainingGraph(arch, weights, { layout: 'factorised', mode, convForm: form }), feeds, ['loss', ...names.map(gradName)], 3));
}
