/**
 * Visual check of a model: for each scale, one crop of a benchmark image made by the
 * evaluation protocol (bicubic-downsampled LR), shown as  LR (nearest) | bicubic | LIIF | HR  side
 * by side in one PNG, so the model's output can be looked at, not only scored. With --model given
 * more than once (a base and a fine-tuned model), one LIIF panel per model, in that order.
 *
 *   npx tsx scripts/visual-check.ts --model models/liif-edsr-baseline [--model <tuned>] \
 *     [--image ../shared/data/bench/Set14/HR/zebra.png] [--scales 4,12] [--crop 192] [--out out/visual]
 *     [--degrade jpeg:75]
 *
 * --degrade degrades the LR as `liif eval --degrade` does (e.g. jpeg:75, noise:5+jpeg:80): every
 * panel then starts from the same compressed photo, to see blocks and ringing removed or sharpened.
 *
 * Prints the Y-PSNR of the crop for bicubic and each model beside each file it writes.
 */
import { mkdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { psnr } from '../electron/core/eval/metrics.js';
import { upscaleFloat } from '../electron/core/eval/model-upscale.js';
import { bicubicUpscale, makeEvalPair } from '../electron/core/eval/protocol.js';
import { degradeLr, parseDegradation } from '../electron/core/image/degrade.js';
import { type FloatImage, toFloatRgb } from '../electron/core/image/float-image.js';
import { readImage } from '../electron/core/image/read-image.js';
import { openModel } from '../electron/core/infer/open-model.js';
import { defaultModelRoots } from '../electron/core/model/model-registry.js';
import { seededRandom } from '../electron/core/model/random-weights.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', multiple: true, default: ['liif-edsr-baseline'] },
    image: { type: 'string', default: '../shared/data/bench/Set14/HR/zebra.png' },
    scales: { type: 'string', default: '4,12' },
    crop: { type: 'string', default: '192' },
    out: { type: 'string', default: 'out/visual' },
    degrade: { type: 'string', default: 'clean' },
  },
});
const GAP = 4;

/** A crop of a planar float image, `side` square around the centre (clipped to the image). */
function centreCrop(image: FloatImage, side: number): FloatImage {
  const h = Math.min(side, image.height);
  const w = Math.min(side, image.width);
  const y0 = (image.height - h) >> 1;
  const x0 = (image.width - w) >> 1;
  const data = new Float32Array(3 * h * w);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < h; y++) {
      const src = (c * image.height + y0 + y) * image.width + x0;
      data.set(image.data.subarray(src, src + w), (c * h + y) * w);
    }
  return { channels: 3, height: h, width: w, data };
}

/** Nearest-neighbour enlargement of the LR to the HR grid: what the model was given, unsmoothed. */
function nearest(lr: FloatImage, height: number, width: number): FloatImage {
  const data = new Float32Array(3 * height * width);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < height; y++) {
      const sy = Math.min(lr.height - 1, Math.floor((y * lr.height) / height));
      for (let x = 0; x < width; x++) {
        const sx = Math.min(lr.width - 1, Math.floor((x * lr.width) / width));
        data[(c * height + y) * width + x] = lr.data[(c * lr.height + sy) * lr.width + sx];
      }
    }
  return { channels: 3, height, width, data };
}

/** Panels side by side on a white strip, as interleaved 8-bit RGB. */
function sideBySide(panels: FloatImage[]): { data: Buffer; width: number; height: number } {
  const height = Math.max(...panels.map((p) => p.height));
  const width = panels.reduce((sum, p) => sum + p.width, 0) + GAP * (panels.length - 1);
  const data = Buffer.alloc(width * height * 3, 255);
  let left = 0;
  for (const p of panels) {
    const plane = p.height * p.width;
    for (let y = 0; y < p.height; y++)
      for (let x = 0; x < p.width; x++)
        for (let c = 0; c < 3; c++) {
          const v = p.data[c * plane + y * p.width + x];
          data[(y * width + left + x) * 3 + c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
        }
    left += p.width + GAP;
  }
  return { data, width, height };
}

const image = toFloatRgb(await readImage(resolve(values.image)));
const degradation = parseDegradation(values.degrade);
const engines = await Promise.all(values.model.map((model) => openModel(model, 'cpu', defaultModelRoots())));
// Panel names for the printed line: "LIIF" alone, or numbered in --model order.
const labels = engines.length > 1 ? engines.map((_, i) => `LIIF ${i + 1}`) : ['LIIF'];
const out = resolve(values.out);
await mkdir(out, { recursive: true });
try {
  for (const scale of values.scales.split(',').map(Number)) {
    const pair = makeEvalPair(image, scale, 8, degradation.blurSigma);
    const { hr } = pair;
    const lr = await degradeLr(pair.lr, degradation, seededRandom(1));
    const bicubic = bicubicUpscale(lr, hr.height, hr.width);
    const outputs: FloatImage[] = [];
    for (const engine of engines) outputs.push(await upscaleFloat(engine, lr, hr.height, hr.width));
    const side = Number(values.crop);
    const panels = [nearest(lr, hr.height, hr.width), bicubic, ...outputs, hr].map((p) =>
      centreCrop(p, side),
    );
    const truth = panels[panels.length - 1];
    const strip = sideBySide(panels);
    const suffix = values.degrade === 'clean' ? '' : `-${values.degrade.replace(/[:+]/g, '-')}`;
    const file = join(out, `${basename(values.image, extname(values.image))}-x${scale}${suffix}.png`);
    await sharp(strip.data, { raw: { width: strip.width, height: strip.height, channels: 3 } })
      .png()
      .toFile(file);
    const scores = panels.slice(2, -1).map((p, i) => `${labels[i]} ${psnr(p, truth, scale).toFixed(2)} dB`);
    console.log(
      `${file}  (LR nearest | bicubic | ${labels.join(' | ')} | HR)  crop Y-PSNR: bicubic ${psnr(panels[1], truth, scale).toFixed(2)} dB, ${scores.join(', ')}`,
    );
  }
} finally {
  for (const engine of engines) await engine.release();
}
