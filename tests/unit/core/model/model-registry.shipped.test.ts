/**
 * The shipped base model: it is what the CLI and the app pick when no model is named,
 * it is the paper's EDSR-baseline LIIF, and it is better than bicubic on images it never saw.
 * LIIF_SHIPPED_MODEL points the quality checks at another folder (to try a checkpoint's export
 * before shipping it).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateImage, type SetScaleResult } from '../../../../electron/core/eval/evaluate.js';
import { cropRgb, type FloatImage } from '../../../../electron/core/image/float-image.js';
import { readImage } from '../../../../electron/core/image/read-image.js';
import type { LiifEngine } from '../../../../electron/core/infer/liif-engine.js';
import { openModel } from '../../../../electron/core/infer/open-model.js';
import { EDSR_BASELINE_LIIF } from '../../../../electron/core/model/architecture.js';
import { loadModelDir } from '../../../../electron/core/model/model-dir.js';
import {
  DEFAULT_MODEL_NAME,
  defaultModelRoots,
  resolveModel,
} from '../../../../electron/core/model/model-registry.js';

const ROOT = join(import.meta.dirname, '../../../..');
const SHIPPED = join(ROOT, 'models', DEFAULT_MODEL_NAME);
const UNDER_TEST = process.env.LIIF_SHIPPED_MODEL ?? SHIPPED;
const SET5 = join(ROOT, '../shared/data/bench/Set5/HR');

/** A 120 x 120 scene with what photos have: smooth shading, hard edges at every angle, fine stripes. */
function syntheticScene(): FloatImage {
  const h = 120;
  const w = 120;
  const data = new Float32Array(3 * h * w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const shade = 0.3 + 0.3 * (x / w) + 0.1 * Math.sin(y / 17);
      const inDisc = (x - 40) ** 2 + (y - 44) ** 2 < 26 ** 2;
      const inBar = Math.abs((x - 84) * 0.8 - (y - 80) * 0.6) < 9 && Math.abs(x - 84) < 30;
      const stripes = y > 92 && x < 56 ? 0.25 * Math.sign(Math.sin(x / 2.2)) : 0;
      const rgb = inDisc ? [0.85, 0.3, 0.2] : inBar ? [0.1, 0.2, 0.6] : [shade, shade * 0.9, shade * 0.8];
      for (let c = 0; c < 3; c++) data[(c * h + y) * w + x] = Math.min(1, Math.max(0, rgb[c] + stripes));
    }
  return { channels: 3, height: h, width: w, data };
}

// The shipped model is committed: a checkout without it is broken, so these checks never skip.
describe('the shipped base model', () => {
  it('is the default model of the CLI and the app, and is the EDSR-baseline LIIF with a training record', async () => {
    expect(await resolveModel(undefined, defaultModelRoots())).toBe(SHIPPED);
    const model = await loadModelDir(SHIPPED);
    expect(model.architecture).toEqual(EDSR_BASELINE_LIIF);
    expect(model.manifest.name).toBe(DEFAULT_MODEL_NAME);
    expect(model.manifest.training?.steps).toBeGreaterThan(5000);
  });

  it('carries its benchmark table, which meets the bar it shipped on', async () => {
    const model = await loadModelDir(SHIPPED);
    const benchmarks = model.manifest.scores?.benchmarks as { results: SetScaleResult[] } | undefined;
    const rows = benchmarks?.results ?? [];
    // Every set at every scale of the paper's protocol, on all of its images.
    const expected = { Set5: 5, Set14: 14, B100: 100 } as const;
    for (const [set, images] of Object.entries(expected))
      for (const scale of [2, 3, 4, 6, 8, 12]) {
        const row = rows.find((r) => r.set === set && r.scale === scale);
        expect(row, `${set} x${scale}`).toMatchObject({ images });
        expect(row!.model!.psnr, `${set} x${scale}`).toBeGreaterThan(row!.bicubic.psnr);
      }
    for (const set of ['Set14', 'B100']) {
      const x4 = rows.find((r) => r.set === set && r.scale === 4)!;
      expect(x4.model!.psnr - x4.bicubic.psnr, `${set} x4 gain`).toBeGreaterThanOrEqual(1.0);
    }
  });

  describe('beats bicubic on images it was not trained on', () => {
    let engine: LiifEngine;
    beforeAll(async () => {
      engine = await openModel(UNDER_TEST, 'cpu');
    });
    afterAll(async () => {
      await engine?.release();
    });

    it('a synthetic scene at x2 and x4 (the paper protocol: bicubic LR, Y-PSNR, shaved border)', async () => {
      const scene = syntheticScene();
      for (const [scale, margin] of [
        [2, 1],
        [4, 0.5],
      ] as const) {
        const r = await evaluateImage(engine, scene, scale);
        expect(r.model?.psnr, `x${scale}`).toBeGreaterThan(r.bicubic.psnr + margin);
        expect(r.model?.ssim, `x${scale}`).toBeGreaterThan(r.bicubic.ssim);
      }
    });

    it.runIf(existsSync(SET5))('the Set5 butterfly and bird at x4 by at least 1 dB', async () => {
      for (const file of ['butterfly.png', 'bird.png']) {
        const image = await readImage(join(SET5, file));
        const r = await evaluateImage(engine, cropRgb(image, 40, 40, 160, 160), 4);
        expect(r.model?.psnr, file).toBeGreaterThan(r.bicubic.psnr + 1);
      }
    });
  });
});

if (!existsSync(SET5)) console.log(`skipping the shipped model's Set5 check: ${SET5} is absent`);
