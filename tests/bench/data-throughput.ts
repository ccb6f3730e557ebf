/**
 * `npx tsx tests/bench/data-throughput.ts [--data DIR] [--batches N] [--batch B] [--cache-mb MB]
 *   [--synthetic SHARE]`
 *
 * Does the training data pipeline keep up with the optimiser? Measures, on the training photos
 * (default ../shared/data/train/photos):
 * - data-only seconds per batch with a cold cache (every draw decodes a full-size JPEG) and warm;
 * - the fraction of wall time a consumer spends waiting in next(), when each "step" is an ONNX
 *   Runtime forward of the full EDSR-baseline encoder on 16 x 48^2 LR pixels (run as one 192 x 192
 *   image): a lower bound on a real training step (which adds the decoder and the backward pass),
 *   using the same CPU cores, so the contention with decoding is real.
 */

import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildModelFiles, LiifEngine } from '../../electron/core/infer/liif-engine.js';
import { collectInputs } from '../../electron/core/jobs/collect-inputs.js';
import { EDSR_BASELINE_LIIF } from '../../electron/core/model/architecture.js';
import { randomWeights } from '../../electron/core/model/random-weights.js';
import { createSampler } from '../../electron/core/train/data/sampler.js';
import { median } from './bench-utils.js';

const { values } = parseArgs({
  options: {
    data: {
      type: 'string',
      default: fileURLToPath(new URL('../../../shared/data/train/photos', import.meta.url)),
    },
    batches: { type: 'string', default: '12' },
    batch: { type: 'string', default: '16' },
    'cache-mb': { type: 'string', default: '1500' },
    /** Share of draws rendered as synthetic structure (synthetic-scene.ts) instead of read. */
    synthetic: { type: 'string', default: '0' },
  },
});
const batches = Number(values.batches);
const batchSize = Number(values.batch);
const { files } = await collectInputs([values.data], false);
console.log(`${files.length} images in ${values.data}; batch ${batchSize}, ${batches} batches per phase`);
const options = {
  files,
  batchSize,
  seed: 1,
  cacheBytes: Number(values['cache-mb']) * 1e6,
  syntheticShare: Number(values.synthetic),
};

// 1. Data alone, no prefetch: cold cache (first epoch, every draw a new file), then warm.
const solo = await createSampler({ ...options, prefetch: 0 });
const cold: number[] = [];
for (let i = 0; i < batches; i++) {
  const t = performance.now();
  await solo.next();
  cold.push((performance.now() - t) / 1000);
}
console.log(
  `data only, cold cache: ${median(cold).toFixed(3)} s/batch median (${solo.report().cache.misses} decodes)`,
);

// 2. Consumer = full-size encoder forward; prefetch 1 batch; a fresh sampler so the cache starts cold.
const arch = EDSR_BASELINE_LIIF;
const engine = await LiifEngine.open(buildModelFiles('bench', arch, randomWeights(arch, 1)), 'cpu');
const side = 48 * Math.sqrt(batchSize);
const image = Float32Array.from({ length: 3 * side * side }, (_, i) => (Math.sin(i * 0.01) + 1) / 2);
const step = async () => {
  await engine.encode(image, side, side);
};
const stepTimes: number[] = [];
for (let i = 0; i < 2; i++) {
  const t = performance.now();
  await step();
  stepTimes.push((performance.now() - t) / 1000);
}
console.log(`consumer step alone (encoder forward, ${side}x${side}): ${median(stepTimes).toFixed(3)} s`);

// The same batches twice: the first pass decodes every image, the second finds them all cached.
const piped = await createSampler({ ...options, prefetch: 1 });
for (const phase of ['cold', 'warm'] as const) {
  piped.restore({ version: 1, seed: 1, cursor: 0, batches: 0 });
  const before = piped.report().waitMs;
  await piped.next(); // the very first batch cannot be prefetched: excluded
  const waitStart = piped.report().waitMs;
  const started = performance.now();
  for (let i = 1; i < batches; i++) {
    await step();
    await piped.next();
  }
  const wall = performance.now() - started;
  const waited = piped.report().waitMs - waitStart;
  const r = piped.report();
  console.log(
    `${phase} cache, prefetch 1: waiting for data ${((100 * waited) / wall).toFixed(1)} % of ${(wall / 1000).toFixed(1)} s ` +
      `(first batch ${((waitStart - before) / 1000).toFixed(2)} s; cache ${r.cache.entries} images, ` +
      `${(r.cache.bytes / 1e6).toFixed(0)} MB, ${r.cache.hits} hits / ${r.cache.misses} misses so far)`,
  );
}
solo.close();
piped.close();
await engine.release();
