import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { toOnnxBytes } from './electron/core/graph/onnx-export.js';
import { allParams, EDSR_BASELINE_LIIF } from './electron/core/model/architecture.js';
import { randomWeights, seededRandom } from './electron/core/model/random-weights.js';
import { gradName } from './electron/core/train/autodiff.js';
import { buildLiifTrainingGraph, trainableParams } from './electron/core/train/training-graph.js';
const mode = (process.argv[2] ?? 'full') as 'full' | 'decoder-only';
const form = (process.argv[3] ?? 'im2col') as 'im2col' | 'naive';
const [N, LR, Q] = [16, 48, 2304];
const arch = EDSR_BASELINE_LIIF;
const weights = randomWeights(arch, 1);
const rand = seededRandom(2);
const T = (d: Float32Array, dims: number[]) => new ort.Tensor('float32', d, dims);
const f = (n: number, g: () => number) => Float32Array.from({ length: n }, g);
const feeds: Record<string, ort.Tensor> = {
  lr: T(f(N * 3 * LR * LR, rand), [N, 3, LR, LR]), coord: T(f(N * Q * 2, () => rand() * 2 - 1), [N, Q, 2]),
  cell: T(f(N * Q * 2, () => 0.016), [N, Q, 2]), gt: T(f(N * Q * 3, rand), [N, Q, 3]) };
const shapes = new Map(allParams(arch).map((p) => [p.name, p.shape]));
const names = trainableParams(arch, mode);
for (const n of names) feeds[n] = T(weights.get(n)!, [...shapes.get(n)!]);
const s = await ort.InferenceSession.create(toOnnxBytes(buildLiifTrainingGraph(arch, weights, { layout: 'factorised', mode, convForm: form })), { executionProviders: ['cpu'], graphOptimizationLevel: 'all', enableProfiling: true, profileFilePrefix: '/tmp/tw/prof' });
for (let i = 0; i < 3; i++) {
  const r0 = process.resourceUsage(); const t0 = performance.now();
  await s.run(feeds, ['loss', ...names.map(gradName)]);
  const r1 = process.resourceUsage();
  console.log('run', i, ((performance.now() - t0) / 1000).toFixed(2), 's; minor faults', r1.minorPageFault - r0.minorPageFault, 'user', ((r1.userCPUTime - r0.userCPUTime) / 1e6).toFixed(1), 'sys', ((r1.systemCPUTime - r0.systemCPUTime) / 1e6).toFixed(1));
}
s.endProfiling(); const { readdirSync } = await import('node:fs'); const file = '/tmp/tw/' + readdirSync('/tmp/tw').filter((x) => x.startsWith('prof_')).sort().pop();
const ev = JSON.parse(readFileSync(file, 'utf8')) as Array<{ cat: string; name: string; dur: number; args: { op_name?: string } }>;
const nodes = ev.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
const half = nodes.slice((2 * nodes.length) / 3);
const byOp = new Map<string, number>();
for (const e of half) byOp.set(e.args.op_name!, (byOp.get(e.args.op_name!) ?? 0) + e.dur / 1e6);
const total = [...byOp.values()].reduce((a, b) => a + b, 0);
console.log('total kernel s', total.toFixed(2));
for (const [op, t] of [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 18)) console.log(op.padEnd(20), t.toFixed(3));
const top = [...half].sort((a, b) => b.dur - a.dur).slice(0, 15);
for (const e of top) console.log((e.dur / 1e6).toFixed(3), e.args.op_name, e.name);
