/**
 * `npm run bench:train`: seconds per training step at batch 16 (the paper's recipe: 48x48 LR, 2304
 * queries per sample, EDSR-baseline LIIF, factorised layout), split into waiting for data,
 * forward + backward (one ONNX Runtime run of the training graph) and the Adam update; and the
 * achieved GFLOP/s as a fraction of this machine's matmul peak, measured in the same run.
 * Medians over BENCH_STEPS steps after two warm-up steps (ORT's arena grows through the first two).
 *
 * Data: ../shared/data/train/photos when present, else small generated images (said in the output).
 */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { collectInputs } from '../../electron/core/jobs/collect-inputs.js';
import { EDSR_BASELINE_LIIF, type LiifArchitecture } from '../../electron/core/model/architecture.js';
import { randomWeights } from '../../electron/core/model/random-weights.js';
import { createSampler } from '../../electron/core/train/data/sampler.js';
import { adamStep, createAdamState } from '../../electron/core/train/optim/adam.js';
import { TrainStep } from '../../electron/core/train/train-step.js';
import { measureMatmulPeak, median } from './bench-utils.js';

const STEPS = Number(process.env.BENCH_STEPS ?? 5);
const BATCH = 16;
const LR_SIZE = 48;
const QUERIES = 2304;

/** Multiply-adds of one forward pass per sample; backward costs about twice the forward. */
function forwardMacsPerSample(arch: LiifArchitecture): number {
  const f = arch.features;
  const pixels = LR_SIZE * LR_SIZE;
  const convs = (3 * f + (2 * arch.resBlocks + 1) * f * f) * 9;
  const projection = f * 9 * arch.hidden; // the factorised first layer, once per code
  const mlp = 4 * arch.hidden + (arch.hiddenLayers - 1) * arch.hidden * arch.hidden + arch.hidden * 3;
  return pixels * (convs + projection) + QUERIES * 4 * mlp;
}

async function trainingFiles(): Promise<{ files: string[]; source: string }> {
  const shared = resolve('../shared/data/train/photos');
  if (existsSync(shared)) return { files: (await collectInputs([shared], true)).files, source: shared };
  const dir = await mkdtemp(join(tmpdir(), 'liif-bench-'));
  const files: string[] = [];
  for (let i = 0; i < 8; i++) {
    const file = join(dir, `g${i}.png`);
    await sharp({
      create: {
        width: 400,
        height: 300,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .png()
      .toFile(file);
    files.push(file);
  }
  return { files, source: `${files.length} generated noise images (../shared/data/train/photos is absent)` };
}

const arch = EDSR_BASELINE_LIIF;
const { files, source } = await trainingFiles();
const weights = randomWeights(arch, 1);
const step = await TrainStep.open(arch, weights, 'full', 'cpu');
const adam = createAdamState(weights, step.trainable);
const sampler = await createSampler({
  files,
  seed: 1,
  batchSize: BATCH,
  lrSize: LR_SIZE,
  samplesPerPatch: QUERIES,
});
const timings: Array<{ data: number; compute: number; optim: number }> = [];
for (let i = 0; i < STEPS + 2; i++) {
  const t0 = performance.now();
  const batch = await sampler.next();
  const t1 = performance.now();
  const { grads } = await step.run(batch, weights);
  const t2 = performance.now();
  adamStep(weights, grads, adam, 1e-4);
  const t3 = performance.now();
  if (i >= 2) timings.push({ data: (t1 - t0) / 1000, compute: (t2 - t1) / 1000, optim: (t3 - t2) / 1000 });
}
sampler.close();
await step.release();
const peak = await measureMatmulPeak(3);

const data = median(timings.map((t) => t.data));
const compute = median(timings.map((t) => t.compute));
const optim = median(timings.map((t) => t.optim));
const total = median(timings.map((t) => t.data + t.compute + t.optim));
const gflops = (3 * 2 * forwardMacsPerSample(arch) * BATCH) / compute / 1e9;
console.log(`data: ${source}`);
console.log(`batch ${BATCH}, ${LR_SIZE}x${LR_SIZE} LR, ${QUERIES} queries/sample; median of ${STEPS} steps`);
console.log(
  `seconds per step ${total.toFixed(2)}: data wait ${data.toFixed(3)}, forward+backward ${compute.toFixed(2)}, Adam ${optim.toFixed(3)}`,
);
console.log(
  `forward+backward ${gflops.toFixed(1)} GFLOP/s = ${((100 * gflops) / peak).toFixed(0)}% of the matmul peak (${peak.toFixed(1)} GFLOP/s, measured now)`,
);
console.log(
  JSON.stringify({ secondsPerStep: total, data, compute, optim, gflops, matmulPeakGflops: peak, source }),
);
