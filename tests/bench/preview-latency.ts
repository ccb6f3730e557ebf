/**
 * Region-preview latency, the way the app renders it: the quick look (a coarse pass, factor k from
 * the renderer's quickLookFactor) and then the full preview, against the full preview alone.
 * For the app's 340 x 340 view and a 512 x 512 view, at x2.5 and x4 of a 1000 x 750 photo, it
 * reports the median time to the first picture and to the full preview, and their ratios to the
 * full preview alone. Trials alternate between the two ways so that a busy machine slows both.
 * EDSR-baseline architecture with random weights: speed does not depend on their values.
 *   npx tsx tests/bench/preview-latency.ts [trials]
 */
import { buildModelFiles, LiifEngine } from '../../electron/core/infer/liif-engine.js';
import { outputGeometry } from '../../electron/core/infer/size-spec.js';
import { EDSR_BASELINE_LIIF } from '../../electron/core/model/architecture.js';
import { randomWeights } from '../../electron/core/model/random-weights.js';
import { previewPixels } from '../../electron/core/service/preview-pixels.js';
import { quickLookFactor } from '../../renderer/src/lib/quick-look.js';
import { median } from './bench-utils.js';

const TRIALS = Number(process.argv[2] ?? 3);

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
  const t = performance.now();
  await run();
  return (performance.now() - t) / 1000;
}

// One untimed preview first: ORT's first runs allocate and pre-pack.
await previewPixels(engine, photo, {
  size: { kind: 'scale', scale: 2 },
  region: { x: 0, y: 0, width: 128, height: 128 },
  coarse: 1,
});

console.log(`Region preview of a ${w} x ${h} photo, CPU, medians of ${TRIALS} trials`);
console.log('                     no quick look  with the quick look first     ratio to no quick look');
console.log('view     target  k   first = full  first picture  full preview  first picture  full preview');
for (const view of [340, 512]) {
  for (const scale of [2.5, 4]) {
    const size = { kind: 'scale', scale } as const;
    const target = outputGeometry(photo, size).window;
    // The centre of the target, as the app shows it first.
    const region = {
      x: Math.round((target.width - view) / 2),
      y: Math.round((target.height - view) / 2),
      width: view,
      height: view,
    };
    const k = quickLookFactor(photo, target, region);
    if (!k) throw new Error(`no quick look at x${scale}: nothing to compare`);
    const full = () => previewPixels(engine, photo, { size, region, coarse: 1 });
    const quick = () => previewPixels(engine, photo, { size, region, coarse: k });
    const alone: number[] = [];
    const first: number[] = [];
    const then: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      alone.push(await seconds(full));
      const started = performance.now();
      first.push(await seconds(quick));
      await full();
      then.push((performance.now() - started) / 1000);
    }
    const [a, f, t] = [median(alone), median(first), median(then)];
    console.log(
      [
        `${view}x${view}`.padEnd(8),
        `x${scale}`.padStart(6),
        String(k).padStart(2),
        `${a.toFixed(2)} s`.padStart(13),
        `${f.toFixed(2)} s`.padStart(13),
        `${t.toFixed(2)} s`.padStart(12),
        `${(f / a).toFixed(2)}`.padStart(13),
        `${(t / a).toFixed(2)}`.padStart(12),
      ].join('  '),
    );
  }
}
await engine.release();
