/**
 * Per-photo scores of several models at one scale, by the paper's protocol (LR by bicubic
 * downsampling, Y-PSNR with `scale` pixels shaved): for each photo, each model's Y-PSNR and its mean
 * Y error (bias, in levels of 255). A mean over a few photos hides which photo moved and why; the
 * bias tells a brightness shift from lost detail (models/README.md, fine-tuning on pop-os).
 *
 *   npx tsx tests/bench/per-photo.ts --scale 4 --model liif-edsr-baseline --model <tuned dir> <photo or folder>...
 *
 * Prints a markdown table, and the mean PSNR per model as the last row. Not a test: it measures.
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { lumaShaved, psnr } from '../../electron/core/eval/metrics.js';
import { upscaleFloat } from '../../electron/core/eval/model-upscale.js';
import { makeEvalPair, shaveFor } from '../../electron/core/eval/protocol.js';
import { toFloatRgb } from '../../electron/core/image/float-image.js';
import { readImage } from '../../electron/core/image/read-image.js';
import { openModel } from '../../electron/core/infer/open-model.js';
import { collectInputs } from '../../electron/core/jobs/collect-inputs.js';
import { defaultModelRoots } from '../../electron/core/model/model-registry.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { scale: { type: 'string', default: '4' }, model: { type: 'string', multiple: true } },
});
const scale = Number(values.scale);
const models = values.model ?? ['liif-edsr-baseline'];
if (positionals.length === 0) throw new Error('give photos or folders of photos to score');

/** Y-PSNR and the mean Y error in levels of 255 (positive: brighter than the ground truth). */
function scoreY(sr: Parameters<typeof psnr>[0], hr: Parameters<typeof psnr>[0], shave: number) {
  const ySr = lumaShaved(sr, shave);
  const yHr = lumaShaved(hr, shave);
  let sum = 0;
  for (let i = 0; i < ySr.length; i++) sum += ySr[i] - yHr[i];
  return { psnr: psnr(sr, hr, shave, 'y'), bias: (sum / ySr.length) * 255 };
}

const engines = await Promise.all(models.map((m) => openModel(m, 'cpu', defaultModelRoots())));
const totals = models.map(() => 0);
const { files, missing } = await collectInputs(positionals, false);
if (missing.length) throw new Error(missing.map((m) => `${m.path}: ${m.error}`).join('\n'));
console.log(`| photo (x${scale}) | ${models.map((m) => `${basename(m)}: Y-PSNR (bias)`).join(' | ')} |`);
console.log(`| --- | ${models.map(() => '---').join(' | ')} |`);
try {
  for (const file of files) {
    const { hr, lr } = makeEvalPair(toFloatRgb(await readImage(file)), scale);
    const cells: string[] = [];
    for (const [i, engine] of engines.entries()) {
      const sr = await upscaleFloat(engine, lr, hr.height, hr.width);
      const s = scoreY(sr, hr, shaveFor(scale));
      totals[i] += s.psnr;
      cells.push(`${s.psnr.toFixed(3)} (${s.bias >= 0 ? '+' : ''}${s.bias.toFixed(2)})`);
    }
    console.log(`| ${basename(file)} | ${cells.join(' | ')} |`);
  }
} finally {
  await Promise.all(engines.map((e) => e.release()));
}
console.log(`| mean of ${files.length} | ${totals.map((t) => (t / files.length).toFixed(3)).join(' | ')} |`);
