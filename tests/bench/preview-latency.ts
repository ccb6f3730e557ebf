/**
 * Region-preview latency, the way the app renders it: the quick look (a coarse pass, factor k from
 * the renderer's quickLookFactor) and then the full preview, against the full preview alone; with
 * the quick look run as before (each pass encodes) and through the encoder-codes cache the app's
 * worker uses (the full pass decodes from the quick look's codes). Also a pan by a quarter view
 * (the arrow keys' step, beyond the cache's margin: a miss), quick look then full, through the
 * same cache. For the app's 340 x 340 view and a 512 x 512 view, at x2.5 and x4 of a 1000 x 750
 * photo, it reports the median times and their ratios to the full preview alone. Trials alternate
 * between the ways so that a busy machine slows all of them; every trial starts with an empty
 * cache. (A pan without the cache costs what the quick look and full preview without it cost.)
 * EDSR-baseline architecture with random weights: speed does not depend on their values; the exact
 * decoder by default, `lmf` for the latent-modulated one.
 *   npx tsx tests/bench/preview-latency.ts [trials] [mlp|lmf]
 */
import { CodesCache } from '../../electron/core/infer/codes-cache.js';
import { buildModelFiles, LiifEngine } from '../../electron/core/infer/liif-engine.js';
import { EDSR_BASELINE_LIIF, EDSR_BASELINE_LMF } from '../../electron/core/model/architecture.js';
import { randomWeights } from '../../electron/core/model/random-weights.js';
import { type PreviewPixels, previewPixels } from '../../electron/service/preview-pixels.js';
import { outputGeometry } from '../../electron/shared/size-spec.js';
import { quickLookFactor } from '../../renderer/src/lib/quick-look.js';
import { benchPhoto, median, seconds } from './bench-utils.js';

const TRIALS = Number(process.argv[2] ?? 3);
const arch = process.argv[3] === 'lmf' ? EDSR_BASELINE_LMF : EDSR_BASELINE_LIIF;

const engine = await LiifEngine.open(buildModelFiles('bench', arch, randomWeights(arch, 1)), 'cpu');
const [w, h] = [1000, 750];
const photo = benchPhoto(w, h);

// One untimed preview first: ORT's first runs allocate and pre-pack.
await previewPixels(engine, photo, {
  size: { kind: 'scale', scale: 2 },
  region: { x: 0, y: 0, width: 128, height: 128 },
  coarse: 1,
});

console.log(
  `Region preview of a ${w} x ${h} photo, ${arch.decoder ?? 'mlp'} decoder, CPU, medians of ${TRIALS} trials (seconds)`,
);
console.log(
  '                    full   quick look, no cache  quick look, cache   ratio of full to full only   pan, cache',
);
console.log(
  'view     target  k  only   first  full           first  full         no cache  cache            full  ratio',
);
let worstDiff = 0;
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
    // One arrow key: a quarter of the view to the right.
    const panned = { ...region, x: region.x + Math.round(view / 4) };
    const k = quickLookFactor(photo, target, region);
    if (!k) throw new Error(`no quick look at x${scale}: nothing to compare`);
    const pass = (r: typeof region, coarse: number, cache?: CodesCache) =>
      previewPixels(
        engine,
        photo,
        { size, region: r, coarse },
        cache && { codes: { cache, source: 'photo' } },
      );
    const times = { alone: [] as number[], first: [] as number[], full: [] as number[] };
    const cached = { first: [] as number[], full: [] as number[], pan: [] as number[] };
    for (let i = 0; i < TRIALS; i++) {
      let started = performance.now();
      const reference = await pass(region, 1);
      times.alone.push((performance.now() - started) / 1000);
      started = performance.now();
      times.first.push(await seconds(() => pass(region, k)));
      await pass(region, 1);
      times.full.push((performance.now() - started) / 1000);

      const cache = new CodesCache();
      started = performance.now();
      cached.first.push(await seconds(() => pass(region, k, cache)));
      const full = await pass(region, 1, cache);
      cached.full.push((performance.now() - started) / 1000);
      worstDiff = Math.max(worstDiff, maxDiff(reference, full));
      started = performance.now();
      await pass(panned, k, cache);
      await pass(panned, 1, cache);
      cached.pan.push((performance.now() - started) / 1000);
    }
    const a = median(times.alone);
    const [f, t] = [median(times.first), median(times.full)];
    const [cf, ct, cp] = [median(cached.first), median(cached.full), median(cached.pan)];
    console.log(
      [
        `${view}x${view}`.padEnd(8),
        `x${scale}`.padStart(6),
        String(k).padStart(2),
        a.toFixed(2).padStart(5),
        f.toFixed(2).padStart(6),
        t.toFixed(2).padStart(5),
        cf.toFixed(2).padStart(14),
        ct.toFixed(2).padStart(5),
        (t / a).toFixed(2).padStart(17),
        (ct / a).toFixed(2).padStart(6),
        cp.toFixed(2).padStart(16),
        (cp / a).toFixed(2).padStart(6),
      ].join(' '),
    );
  }
}
console.log(`Largest difference, cached vs uncached full preview: ${worstDiff} (8-bit levels)`);
await engine.release();

function maxDiff(a: PreviewPixels, b: PreviewPixels): number {
  let m = 0;
  for (let i = 0; i < a.pixels.data.length; i++)
    m = Math.max(m, Math.abs(a.pixels.data[i] - b.pixels.data[i]));
  return m;
}
