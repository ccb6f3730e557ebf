/**
 * `npx tsx tests/bench/cpu-threads.ts [trials]`: ONNX Runtime CPU sessions with 1 intra-op thread
 * (what ORT chose by itself here) against cpuThreads() (one per physical core), for one training step
 * (EDSR-baseline LIIF, batch 8, 48x48 LR, 2304 queries) and one region preview (340 x 340 view at
 * x4 of a 1000 x 750 photo). Trials alternate between the settings so a busy neighbour slows both;
 * reports medians and the ratio. Random weights: speed does not depend on their values.
 */
import { availableParallelism } from 'node:os';
import { toOnnxBytes } from '../../electron/core/graph/onnx-export.js';
import { buildModelFiles, LiifEngine } from '../../electron/core/infer/liif-engine.js';
import { cpuThreads, type FloatTensor, openSession } from '../../electron/core/infer/onnx-runtime.js';
import { allParams, EDSR_BASELINE_LIIF } from '../../electron/core/model/architecture.js';
import { randomWeights, seededRandom } from '../../electron/core/model/random-weights.js';
import { gradName } from '../../electron/core/train/autodiff.js';
import { buildLiifTrainingGraph, trainableParams } from '../../electron/core/train/training-graph.js';
import { previewPixels } from '../../electron/service/preview-pixels.js';
import { benchPhoto, median, seconds } from './bench-utils.js';

const TRIALS = Number(process.argv[2] ?? 3);
const arch = EDSR_BASELINE_LIIF;
const weights = randomWeights(arch, 1);
const rand = seededRandom(2);
const filled = (n: number, f: () => number) => Float32Array.from({ length: n }, f);

const [B, S, Q] = [8, 48, 2304];
const feeds: Record<string, FloatTensor> = {
  lr: { data: filled(B * 3 * S * S, rand), dims: [B, 3, S, S] },
  coord: { data: filled(B * Q * 2, () => rand() * 2 - 1), dims: [B, Q, 2] },
  cell: { data: new Float32Array(B * Q * 2).fill(2 / 120), dims: [B, Q, 2] },
  gt: { data: filled(B * Q * 3, rand), dims: [B, Q, 3] },
};
const shapes = new Map(allParams(arch).map((p) => [p.name, p.shape]));
const trainable = trainableParams(arch, 'full');
for (const name of trainable) feeds[name] = { data: weights.get(name)!, dims: shapes.get(name)! };
const trainingGraph = toOnnxBytes(
  buildLiifTrainingGraph(arch, weights, { layout: 'factorised', mode: 'full' }),
);

const photo = benchPhoto(1000, 750);
const view = { x: 1830, y: 1330, width: 340, height: 340 };

const settings = [1, cpuThreads() ?? availableParallelism()];
const sessions = await Promise.all(settings.map((threads) => openSession(trainingGraph, 'cpu', { threads })));
const files = buildModelFiles('bench', arch, weights);
const engines = await Promise.all(settings.map((threads) => LiifEngine.open(files, 'cpu', { threads })));
const step = (i: number) => sessions[i].run(feeds, ['loss', ...trainable.map(gradName)]);
const preview = (i: number) =>
  previewPixels(engines[i], photo, { size: { kind: 'scale', scale: 4 }, region: view, coarse: 1 });

const times = { step: [[], []] as number[][], preview: [[], []] as number[][] };
for (const i of [0, 1]) {
  // Warm-up: ORT's first runs allocate and pre-pack.
  await step(i);
  await step(i);
  await preview(i);
}
for (let t = 0; t < TRIALS; t++) {
  for (const i of [0, 1]) {
    times.step[i].push(await seconds(() => step(i)));
    times.preview[i].push(await seconds(() => preview(i)));
  }
}
console.log(`ORT CPU intra-op threads 1 vs ${settings[1]}, medians of ${TRIALS} trials (seconds)`);
for (const [name, [one, all]] of Object.entries(times)) {
  const [a, b] = [median(one), median(all)];
  console.log(
    `${name.padEnd(8)} 1 thread ${a.toFixed(2)}   ${settings[1]} threads ${b.toFixed(2)}   speed-up x${(a / b).toFixed(2)}`,
  );
}
