/**
 * The shipped fast model (models/liif-edsr-lmf): the EDSR-baseline encoder of liif-edsr-baseline
 * with the LMF decoder. It must load as an LMF model with that encoder unchanged, carry its
 * benchmark table, and upscale a photo it never saw as well as its table says: within a few
 * hundredths of a dB of the exact model there, and well above bicubic.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateImage, type SetScaleResult } from '../../../../electron/core/eval/evaluate.js';
import { cropRgb } from '../../../../electron/core/image/float-image.js';
import { readImage } from '../../../../electron/core/image/read-image.js';
import type { LiifEngine } from '../../../../electron/core/infer/liif-engine.js';
import { openModel } from '../../../../electron/core/infer/open-model.js';
import { EDSR_BASELINE_LMF, encoderParams } from '../../../../electron/core/model/architecture.js';
import { loadModelDir } from '../../../../electron/core/model/model-dir.js';
import { DEFAULT_MODEL_NAME } from '../../../../electron/core/model/model-registry.js';

const ROOT = join(import.meta.dirname, '../../../..');
const LMF = join(ROOT, 'models', 'liif-edsr-lmf');
const EXACT = join(ROOT, 'models', DEFAULT_MODEL_NAME);
const SET14 = join(ROOT, '../shared/data/bench/Set14/HR');

// Committed with the repository: a checkout without it is broken, so these checks never skip.
describe('the shipped LMF model', () => {
  it("is EDSR-baseline LMF with the exact model's encoder, trained decoder-only", async () => {
    const [lmf, exact] = await Promise.all([loadModelDir(LMF), loadModelDir(EXACT)]);
    expect(lmf.architecture).toEqual(EDSR_BASELINE_LMF);
    expect(lmf.manifest.training).toMatchObject({ mode: 'decoder-only', baseModel: DEFAULT_MODEL_NAME });
    for (const p of encoderParams(lmf.architecture))
      expect(lmf.weights.get(p.name), p.name).toEqual(exact.weights.get(p.name));
  });

  it('carries its benchmark table: every set and scale, above bicubic everywhere', async () => {
    const lmf = await loadModelDir(LMF);
    const rows =
      (lmf.manifest.scores?.benchmarks as { results: SetScaleResult[] } | undefined)?.results ?? [];
    const expected = { Set5: 5, Set14: 14, B100: 100 } as const;
    for (const [set, images] of Object.entries(expected))
      for (const scale of [2, 3, 4, 6, 8, 12]) {
        const row = rows.find((r) => r.set === set && r.scale === scale);
        expect(row?.images, `${set} x${scale}`).toBe(images);
        expect(row!.model!.psnr, `${set} x${scale}`).toBeGreaterThan(row!.bicubic.psnr + 0.4);
      }
  });

  describe.runIf(existsSync(SET14))('on a photo it never saw (Set14 zebra, x4)', () => {
    let lmf: LiifEngine;
    let exact: LiifEngine;
    beforeAll(async () => {
      [lmf, exact] = await Promise.all([openModel(LMF, 'cpu'), openModel(EXACT, 'cpu')]);
    });
    afterAll(async () => {
      await lmf?.release();
      await exact?.release();
    });

    it('is within 0.3 dB of the exact model and over 1 dB above bicubic', async () => {
      const image = cropRgb(await readImage(join(SET14, 'zebra.png')), 40, 40, 192, 192);
      const fast = await evaluateImage(lmf, image, 4, {}, 1);
      const slow = await evaluateImage(exact, image, 4, {}, 1);
      expect(fast.model!.psnr).toBeGreaterThan(slow.model!.psnr - 0.3);
      expect(fast.model!.psnr).toBeGreaterThan(fast.bicubic.psnr + 1);
    });
  });
});

if (!existsSync(SET14)) console.log(`skipping the LMF model's Set14 check: ${SET14} is absent`);
