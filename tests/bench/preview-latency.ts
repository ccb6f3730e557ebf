/**
 * Region-preview latency: decode a 512 x 512 window of a x4 target (what the app's preview does),
 * with the EDSR-baseline architecture (random weights: speed does not depend on their values).
 *   npx tsx tests/bench/preview-latency.ts
 */
import { buildModelFiles, LiifEngine } from '../../electron/core/infer/liif-engine.js';
import { upscalePixels } from '../../electron/core/infer/upscale-pixels.js';
import { EDSR_BASELINE_LIIF } from '../../electron/core/model/architecture.js';
import { randomWeights } from '../../electron/core/model/random-weights.js';
import { median } from './bench-utils.js';

const engine = await LiifEngine.open(
  buildModelFiles('bench', EDSR_BASELINE_LIIF, randomWeights(EDSR_BASELINE_LIIF, 1)),
  'cpu',
);
const [w, h] = [1000, 750];
const photo = {
  width: w,
  height: h,
  channels: 3 as const,
  bitDepth: 8 as const,
  data: Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 7) % 256),
};
for (const scale of [2, 4]) {
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    await upscalePixels(
      engine,
      photo,
      { kind: 'scale', scale },
      { region: { x: 700, y: 500, width: 512, height: 512 } },
    );
    times.push((performance.now() - t) / 1000);
  }
  console.log(`x${scale}: 512x512 preview ${median(times).toFixed(2)} s (median of 3)`);
}
await engine.release();
