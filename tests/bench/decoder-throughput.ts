/**
 * `npm run bench`: LIIF decoder throughput on this machine's CPU provider, as ratios measured in one
 * run (timings on a shared host are noisy; compare the ratios, not the seconds).
 * - the exact decoder (LIIF's MLP; factorised, the shipped form, and plain): output megapixels per
 *   second and achieved GFLOP/s as a fraction of the matmul peak measured in the same run;
 * - the LMF decoder (latent MLP per code, 16-wide render MLP per query): output MP/s at x2, x4, x8;
 * - the whole upscale (encode + decode, through upscalePixels as the app runs it) LMF vs exact at x4.
 * EDSR-baseline encoder and random weights: speed does not depend on their values.
 */

import { pixelCentre } from '../../electron/core/infer/coordinates.js';
import { buildModelFiles, LiifEngine } from '../../electron/core/infer/liif-engine.js';
import { upscalePixels } from '../../electron/core/infer/upscale-pixels.js';
import {
  EDSR_BASELINE_LIIF,
  EDSR_BASELINE_LMF,
  type LiifArchitecture,
} from '../../electron/core/model/architecture.js';
import type { CodeLayout } from '../../electron/core/model/encoder-graph.js';
import { randomWeights } from '../../electron/core/model/random-weights.js';
import { benchPhoto, measureMatmulPeak, timeMedian } from './bench-utils.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LR = 64;
const CHUNK = 65536; // output pixels per decoder call

/** Multiply-adds per query (x2 for FLOPs): four ensemble members through the exact MLP. */
function exactFlopsPerPixel(arch: LiifArchitecture, layout: CodeLayout): number {
  const h = arch.hidden;
  const first = layout === 'factorised' ? 4 * h + h : (9 * arch.features + 4) * h;
  const hidden = (arch.hiddenLayers - 1) * h * h;
  return 4 * 2 * (first + hidden + h * 3);
}

const image = Float32Array.from({ length: 3 * LR * LR }, (_, i) => (Math.sin(i * 0.013) + 1) / 2);

/** Queries of the first CHUNK output pixels of an LR x scale target, row-major. */
function queries(scale: number): { coord: Float32Array; cell: Float32Array } {
  const out = LR * scale;
  const coord = new Float32Array(CHUNK * 2);
  const cell = new Float32Array(CHUNK * 2).fill(2 / out);
  for (let i = 0; i < CHUNK; i++) {
    coord[2 * i] = pixelCentre(Math.floor(i / out) % out, out);
    coord[2 * i + 1] = pixelCentre(i % out, out);
  }
  return { coord, cell };
}

async function openEngine(arch: LiifArchitecture, layout: CodeLayout = 'factorised'): Promise<LiifEngine> {
  return LiifEngine.open(buildModelFiles('bench', arch, randomWeights(arch, 1), layout), 'cpu');
}

async function decodeSeconds(engine: LiifEngine, scale: number): Promise<number> {
  const codes = await engine.encode(image, LR, LR);
  const { coord, cell } = queries(scale);
  return timeMedian(RUNS, () => engine.decode(codes, coord, cell, [0, 0, LR, LR]));
}

async function benchExact(layout: CodeLayout) {
  const engine = await openEngine(EDSR_BASELINE_LIIF, layout);
  const seconds = await decodeSeconds(engine, 4);
  const encodeSeconds = await timeMedian(RUNS, () => engine.encode(image, LR, LR));
  await engine.release();
  const flops = exactFlopsPerPixel(EDSR_BASELINE_LIIF, layout) * CHUNK;
  return {
    decoder: `exact ${layout}`,
    decodeSeconds: seconds,
    outputMPps: CHUNK / seconds / 1e6,
    gflops: flops / seconds / 1e9,
    encodeSecondsPerLrMP: encodeSeconds / ((LR * LR) / 1e6),
  };
}

const peak = await measureMatmulPeak(RUNS);
const factorised = await benchExact('factorised');
const plain = await benchExact('plain');
console.log(`matmul peak (ORT CPU, measured now): ${peak.toFixed(1)} GFLOP/s; median of ${RUNS} runs each`);
console.table(
  [factorised, plain].map((r) => ({
    decoder: r.decoder,
    'output MP/s': r.outputMPps.toFixed(4),
    'GFLOP/s': r.gflops.toFixed(1),
    'of matmul peak': `${((100 * r.gflops) / peak).toFixed(0)}%`,
    'encoder s per LR MP': r.encodeSecondsPerLrMP.toFixed(1),
  })),
);
console.log(
  `factorised vs plain decoder speed-up: ${(plain.decodeSeconds / factorised.decodeSeconds).toFixed(2)}x`,
);

// LMF: the per-code latent MLP runs in the encoding pass, so decode-only figures are per query.
const lmfEngine = await openEngine(EDSR_BASELINE_LMF);
const lmf: Record<string, number> = {};
for (const scale of [2, 4, 8]) lmf[`x${scale}`] = CHUNK / (await decodeSeconds(lmfEngine, scale)) / 1e6;
console.table(
  Object.entries(lmf).map(([scale, mpps]) => ({
    scale,
    'LMF output MP/s': mpps.toFixed(3),
    'vs exact factorised (x4)': `${(mpps / factorised.outputMPps).toFixed(0)}x`,
  })),
);

// The whole upscale as the app runs it: a 96 x 96 photo to 384 x 384.
const photo = benchPhoto(96, 96);
const spec = { kind: 'scale', scale: 4 } as const;
const exactEngine = await openEngine(EDSR_BASELINE_LIIF);
const whole = {
  exact: await timeMedian(RUNS, () => upscalePixels(exactEngine, photo, spec)),
  lmf: await timeMedian(RUNS, () => upscalePixels(lmfEngine, photo, spec)),
};
await exactEngine.release();
await lmfEngine.release();
const encodeShare = (factorised.encodeSecondsPerLrMP * (96 * 96)) / 1e6 / whole.exact;
console.log(
  `whole upscale 96x96 -> 384x384 (encode + decode): LMF ${(whole.exact / whole.lmf).toFixed(1)}x faster than exact (median of ${RUNS}); ` +
    `the encoder alone is ~${(100 * encodeShare).toFixed(0)}% of the exact upscale, so no decoder can make it more than ~${(1 / encodeShare).toFixed(0)}x faster`,
);
console.log(
  JSON.stringify({
    matmulPeakGflops: peak,
    factorised,
    plain,
    speedup: plain.decodeSeconds / factorised.decodeSeconds,
    lmfOutputMPps: lmf,
    wholeUpscaleX4Seconds: whole,
    wholeUpscaleX4Speedup: whole.exact / whole.lmf,
    encoderShareOfExactUpscale: encodeShare,
  }),
);
