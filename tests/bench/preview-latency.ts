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
async function seconds(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await run();
    times.push((performance.now() - t) / 1000);
  }
  return median(times);
}

for (const scale of [2, 4]) {
  const region = { x: 700, y: 500, width: 512, height: 512 };
  const full = await seconds(() => upscalePixels(engine, photo, { kind: 'scale', scale }, { region }));
  // The app's quick look: the same picture at 1/4 of the target resolution (every 4th pixel).
  const k = 4;
  const coarse = {
    kind: 'exact',
    width: Math.round((w * scale) / k),
    height: Math.round((h * scale) / k),
  } as const;
  const quickRegion = {
    x: region.x / k,
    y: region.y / k,
    width: region.width / k,
    height: region.height / k,
  };
  const quick = await seconds(() => upscalePixels(engine, photo, coarse, { region: quickRegion }));
  console.log(
    `x${scale}: 512x512 preview ${full.toFixed(2)} s, quick look ${quick.toFixed(2)} s (medians of 3)`,
  );
}
await engine.release();
