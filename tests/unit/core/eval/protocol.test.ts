import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEvalSets } from '../../../../electron/core/eval/eval-sets.js';
import { evaluateImage, evaluateSets } from '../../../../electron/core/eval/evaluate.js';
import { upscaleFloat } from '../../../../electron/core/eval/model-upscale.js';
import { evalSizes, makeEvalPair, shaveFor } from '../../../../electron/core/eval/protocol.js';
import type { FloatImage } from '../../../../electron/core/image/float-image.js';
import type { LiifEngine } from '../../../../electron/core/infer/liif-engine.js';
import { openModel } from '../../../../electron/core/infer/open-model.js';
import { upscalePixels } from '../../../../electron/core/infer/upscale-pixels.js';
import { makeTinyModelRoot } from '../../../helpers/tiny-model.js';

const BENCH = join(import.meta.dirname, '../../../../../shared/data/bench');

const smooth = (h: number, w: number): FloatImage => {
  const data = new Float32Array(3 * h * w);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        data[(c * h + y) * w + x] = 0.5 + 0.4 * Math.sin(x / 5 + c) * Math.cos(y / 7 - c);
  return { channels: 3, height: h, width: w, data };
};

describe('evaluation protocol sizes', () => {
  it('h_lr = floor(H / s + 1e-9), HR cropped to round(h_lr * s)', () => {
    expect(evalSizes(256, 256, 3)).toEqual({ lrHeight: 85, lrWidth: 85, hrHeight: 255, hrWidth: 255 });
    expect(evalSizes(339, 512, 6)).toEqual({ lrHeight: 56, lrWidth: 85, hrHeight: 336, hrWidth: 510 });
    expect(evalSizes(101, 100, 2.5)).toEqual({ lrHeight: 40, lrWidth: 40, hrHeight: 100, hrWidth: 100 });
    // 10 / (10/3) is 2.9999999999999996 in float64: the 1e-9 keeps it at 3.
    expect(evalSizes(10, 10, 10 / 3)).toMatchObject({ lrHeight: 3, hrHeight: 10 });
    expect(() => evalSizes(5, 5, 6)).toThrow(RangeError);
    expect([shaveFor(4), shaveFor(2.5), shaveFor(12)]).toEqual([4, 3, 12]);
  });

  it('crops the top-left of the HR image and rounds the LR to 8 bit by default', () => {
    const image = smooth(50, 41);
    const { hr, lr } = makeEvalPair(image, 4);
    expect([hr.height, hr.width, lr.height, lr.width]).toEqual([48, 40, 12, 10]);
    expect(hr.data[(2 * 48 + 47) * 40 + 39]).toBe(image.data[(2 * 50 + 47) * 41 + 39]);
    for (const v of lr.data) expect(Math.abs(v * 255 - Math.round(v * 255))).toBeLessThan(1e-4);
    const exact = makeEvalPair(image, 4, 'float').lr;
    expect(exact.data.some((v) => Math.abs(v * 255 - Math.round(v * 255)) > 0.01)).toBe(true);
  });

  it('scores bicubic on a constant image as perfect', async () => {
    const flat: FloatImage = { channels: 3, height: 40, width: 40, data: new Float32Array(4800).fill(0.4) };
    const r = await evaluateImage(undefined, flat, 3);
    expect(r.model).toBeUndefined();
    expect(r.bicubic.psnr).toBe(Number.POSITIVE_INFINITY);
    expect(r.bicubic.ssim).toBeCloseTo(1, 10);
    expect([r.width, r.height]).toEqual([39, 39]);
  });
});

describe('model evaluation in float', () => {
  let engine: LiifEngine;
  let modelRoot: string;
  beforeAll(async () => {
    const { root, dir } = await makeTinyModelRoot('eval-tiny', 3);
    modelRoot = root;
    engine = await openModel(dir, 'cpu');
  });
  afterAll(async () => {
    await engine.release();
    await rm(modelRoot, { recursive: true, force: true });
  });

  it('upscaleFloat gives the unrounded values of upscalePixels at the exact size, tiled or not', async () => {
    const lr = makeEvalPair(smooth(45, 39), 3).lr; // 15 x 13, values on 8-bit levels
    const pixels = {
      width: lr.width,
      height: lr.height,
      channels: 3 as const,
      bitDepth: 8 as const,
      data: new Uint8Array(lr.width * lr.height * 3),
    };
    const plane = lr.width * lr.height;
    for (let i = 0; i < plane; i++)
      for (let c = 0; c < 3; c++) pixels.data[i * 3 + c] = Math.round(lr.data[c * plane + i] * 255);
    const out = await upscaleFloat(engine, lr, 45, 39);
    const ref = await upscalePixels(engine, pixels, { kind: 'exact', width: 39, height: 45 });
    let worst = 0;
    for (let i = 0; i < 45 * 39; i++)
      for (let c = 0; c < 3; c++)
        worst = Math.max(worst, Math.abs(out.data[c * 45 * 39 + i] * 255 - ref.pixels.data[i * 3 + c]));
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-3);
    const tiled = await upscaleFloat(engine, lr, 45, 39, { tileSide: 16 });
    let tileDiff = 0;
    for (let i = 0; i < out.data.length; i++)
      tileDiff = Math.max(tileDiff, Math.abs(out.data[i] - tiled.data[i]));
    expect(tileDiff).toBeLessThan(1e-5);
  });

  it('evaluateImage scores the model and bicubic on the same LR', async () => {
    const r = await evaluateImage(engine, smooth(40, 36), 2);
    expect(r.model?.psnr).toBeGreaterThan(0);
    expect(r.model?.ssim).toBeLessThanOrEqual(1);
    expect(r.bicubic.psnr).toBeGreaterThan(25); // a smooth image: bicubic is good
  });
});

describe.runIf(existsSync(join(BENCH, 'Set5/HR')))('bicubic baseline on the real Set5', () => {
  it('x4: the mean within 0.05 dB of the commonly reported Matlab number (28.42)', async () => {
    const sets = await findEvalSets(BENCH, ['Set5']);
    const run = await evaluateSets(undefined, sets, [4]);
    const [r] = run.results;
    expect(r.images).toBe(5);
    // butterfly is the hard one (about 22 dB); the others are 26-35 dB.
    for (const im of r.perImage) {
      expect(im.bicubic.psnr).toBeGreaterThan(im.file === 'butterfly.png' ? 21 : 26);
      expect(im.bicubic.psnr).toBeLessThan(35);
    }
    expect(Math.abs(r.bicubic.psnr - 28.42)).toBeLessThan(0.05);
    expect(Math.abs(r.bicubic.ssim - 0.8104)).toBeLessThan(0.005); // commonly reported bicubic SSIM
  });
});

if (!existsSync(join(BENCH, 'Set5/HR')))
  console.log(`skipping the real Set5 bicubic check: ${BENCH}/Set5/HR is absent`);
