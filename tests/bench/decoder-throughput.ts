/**
 * `npm run bench`: LIIF decoder throughput on this machine's CPU provider, as ratios measured in one
 * run (timings on a shared host are noisy; compare the ratios, not the seconds).
 * - output megapixels per second of the decoder (factorised, the shipped form, and plain);
 * - achieved GFLOP/s as a fraction of the matmul peak measured in the same run;
 * - factorised vs plain speed-up; encoder cost per LR megapixel for context.
 */

import { pixelCentre } from '../../electron/core/infer/coordinates.js';
import { buildModelFiles, LiifEngine } from '../../electron/core/infer/liif-engine.js';
import { EDSR_BASELINE_LIIF, type LiifArchitecture } from '../../electron/core/model/architecture.js';
import type { CodeLayout } from '../../electron/core/model/encoder-graph.js';
import { randomWeights } from '../../electron/core/model/random-weights.js';
import { measureMatmulPeak, timeMedian } from './bench-utils.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LR = 64;
const SCALE = 4;
const OUT = LR * SCALE;
const CHUNK = 65536; // 256 x 256 output pixels per decoder call

/** Multiply-adds per query (x2 for FLOPs): four ensemble members through the MLP. */
function decoderFlopsPerPixel(arch: LiifArchitecture, layout: CodeLayout): number {
  const h = arch.hidden;
  const first = layout === 'factorised' ? 4 * h + h : (9 * arch.features + 4) * h;
  const hidden = (arch.hiddenLayers - 1) * h * h;
  return 4 * 2 * (first + hidden + h * 3);
}

async function benchLayout(layout: CodeLayout) {
  const arch = EDSR_BASELINE_LIIF;
  const engine = await LiifEngine.open(buildModelFiles('bench', arch, randomWeights(arch, 1), layout), 'cpu');
  const image = Float32Array.from({ length: 3 * LR * LR }, (_, i) => (Math.sin(i * 0.013) + 1) / 2);
  const codes = await engine.encode(image, LR, LR);
  const coord = new Float32Array(CHUNK * 2);
  const cell = new Float32Array(CHUNK * 2).fill(2 / OUT);
  for (let i = 0; i < CHUNK; i++) {
    coord[2 * i] = pixelCentre(Math.floor(i / OUT), OUT);
    coord[2 * i + 1] = pixelCentre(i % OUT, OUT);
  }
  const decodeSeconds = await timeMedian(RUNS, () => engine.decode(codes, coord, cell, [0, 0, LR, LR]));
  const encodeSeconds = await timeMedian(RUNS, () => engine.encode(image, LR, LR));
  await engine.release();
  const flops = decoderFlopsPerPixel(arch, layout) * CHUNK;
  return {
    layout,
    decodeSeconds,
    outputMPps: CHUNK / decodeSeconds / 1e6,
    gflops: flops / decodeSeconds / 1e9,
    encodeSecondsPerLrMP: encodeSeconds / ((LR * LR) / 1e6),
  };
}

const peak = await measureMatmulPeak(RUNS);
const factorised = await benchLayout('factorised');
const plain = await benchLayout('plain');
const rows = [factorised, plain].map((r) => ({
  layout: r.layout,
  'output MP/s': r.outputMPps.toFixed(4),
  'GFLOP/s': r.gflops.toFixed(1),
  'of matmul peak': `${((100 * r.gflops) / peak).toFixed(0)}%`,
  'encoder s per LR MP': r.encodeSecondsPerLrMP.toFixed(1),
}));
console.log(`matmul peak (ORT CPU, measured now): ${peak.toFixed(1)} GFLOP/s; median of ${RUNS} runs each`);
console.table(rows);
console.log(
  `factorised vs plain decoder speed-up: ${(plain.decodeSeconds / factorised.decodeSeconds).toFixed(2)}x`,
);
console.log(
  JSON.stringify({
    matmulPeakGflops: peak,
    factorised,
    plain,
    speedup: plain.decodeSeconds / factorised.decodeSeconds,
  }),
);
