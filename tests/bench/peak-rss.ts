/**
 * Peak memory of a whole upscale (read, tiled LIIF, write) for 2, 8 and 32 megapixel outputs under
 * one memory budget: each size runs in its own process and reports its peak RSS. Flat numbers
 * (beyond the output buffer itself) show that memory follows the budget, not the image.
 *
 *   npx tsx tests/bench/peak-rss.ts [--arch edsr|narrow] [--budget MB] [--sizes 2,8,32]
 *
 * `narrow` keeps the real 256-wide codes and hidden layers (what dominates memory per chunk) but
 * one hidden layer and a 1-block encoder, so the 32 MP run takes seconds instead of an hour on CPU.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { buildModelFiles, LiifEngine } from '../../electron/core/infer/liif-engine.js';
import { upscaleFile } from '../../electron/core/jobs/upscale-file.js';
import { EDSR_BASELINE_LIIF, type LiifArchitecture } from '../../electron/core/model/architecture.js';
import { randomWeights } from '../../electron/core/model/random-weights.js';

const ARCHS: Record<string, LiifArchitecture> = {
  edsr: EDSR_BASELINE_LIIF,
  narrow: { features: 16, resBlocks: 1, hidden: 256, hiddenLayers: 1 },
};

const { values } = parseArgs({
  options: {
    arch: { type: 'string', default: 'narrow' },
    budget: { type: 'string', default: '1536' },
    sizes: { type: 'string', default: '2,8,32' },
    child: { type: 'string' },
  },
});

async function child(megapixels: number): Promise<void> {
  const arch = ARCHS[values.arch ?? 'narrow'];
  const dir = await mkdtemp(join(tmpdir(), 'liif-rss-'));
  // 4x upscale of a smooth gradient photo-like input of a quarter of the target's side.
  const side = Math.round(Math.sqrt(megapixels * 1e6) / 4);
  const input = join(dir, 'input.png');
  const gradient = Buffer.alloc(side * side * 3);
  for (let i = 0; i < side * side; i++) {
    gradient[3 * i] = (i % side) & 255;
    gradient[3 * i + 1] = Math.floor(i / side) & 255;
    gradient[3 * i + 2] = 128;
  }
  await sharp(gradient, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toFile(input);
  const baseline = process.resourceUsage().maxRSS;
  const engine = await LiifEngine.open(buildModelFiles('rss', arch, randomWeights(arch, 1)), 'cpu');
  const started = performance.now();
  const result = await upscaleFile(engine, {
    input,
    size: { kind: 'scale', scale: 4 },
    output: { dir, format: 'png' },
    memoryBudgetMB: Number(values.budget),
  });
  await engine.release();
  await rm(dir, { recursive: true, force: true });
  if (result.status !== 'done') throw new Error(result.error);
  const outputBufferMB = ((result.width ?? 0) * (result.height ?? 0) * 3) / 2 ** 20;
  console.log(
    JSON.stringify({
      megapixels: ((result.width ?? 0) * (result.height ?? 0)) / 1e6,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      rssBeforeModelMB: baseline / 1024,
      outputBufferMB,
      seconds: (performance.now() - started) / 1000,
    }),
  );
}

if (values.child) {
  await child(Number(values.child));
} else {
  console.log(`arch ${values.arch}, budget ${values.budget} MB, x4 upscales, one process per size`);
  for (const mp of (values.sizes ?? '').split(',').map(Number)) {
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        import.meta.filename,
        '--child',
        String(mp),
        '--arch',
        values.arch ?? 'narrow',
        '--budget',
        values.budget ?? '1536',
      ],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    );
    const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
    console.log(
      `${r.megapixels.toFixed(1)} MP output: peak RSS ${r.peakRssMB.toFixed(0)} MB ` +
        `(output buffer ${r.outputBufferMB.toFixed(0)} MB, peak minus buffer ${(r.peakRssMB - r.outputBufferMB).toFixed(0)} MB), ${r.seconds.toFixed(0)} s`,
    );
  }
}
