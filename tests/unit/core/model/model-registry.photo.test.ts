/**
 * The shipped photo model (models/liif-edsr-photo): what `--input auto` gives compressed photos.
 * It must load, record the degradations it was trained with (so fine-tuning keeps them), and on a
 * JPEG it never saw do better than the clean model with the same input: the reason it ships.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateImage } from '../../../../electron/core/eval/evaluate.js';
import { baseDegradations } from '../../../../electron/core/finetune/finetune.js';
import { parseDegradation } from '../../../../electron/core/image/degrade.js';
import { cropRgb } from '../../../../electron/core/image/float-image.js';
import { readImage } from '../../../../electron/core/image/read-image.js';
import type { LiifEngine } from '../../../../electron/core/infer/liif-engine.js';
import { openModel } from '../../../../electron/core/infer/open-model.js';
import { EDSR_BASELINE_LMF } from '../../../../electron/core/model/architecture.js';
import { loadModelDir } from '../../../../electron/core/model/model-dir.js';
import { PHOTO_MODEL_NAME } from '../../../../electron/shared/vocabulary.js';

const ROOT = join(import.meta.dirname, '../../../..');
const PHOTO = join(ROOT, 'models', PHOTO_MODEL_NAME);
const SET14 = join(ROOT, '../shared/data/bench/Set14/HR');

// Committed with the repository: a checkout without it is broken, so these checks never skip.
describe('the shipped photo model', () => {
  it('is the EDSR-baseline LIIF with the fast LMF decoder and records its degradations', async () => {
    const model = await loadModelDir(PHOTO);
    expect(model.architecture).toEqual(EDSR_BASELINE_LMF);
    expect(model.manifest.name).toBe(PHOTO_MODEL_NAME);
    expect(baseDegradations(model.manifest)).toMatchObject({ jpegQuality: [30, 95] });
  });

  describe.runIf(existsSync(SET14))('on JPEG inputs it never saw (Set14)', () => {
    let photo: LiifEngine;
    let clean: LiifEngine;
    beforeAll(async () => {
      [photo, clean] = await Promise.all([openModel(PHOTO, 'cpu'), openModel(undefined, 'cpu')]);
    });
    afterAll(async () => {
      await photo?.release();
      await clean?.release();
    });

    it('beats the clean model and bicubic at x4 on the same JPEG-75 input', async () => {
      const degrade = parseDegradation('jpeg:75');
      for (const file of ['zebra.png', 'barbara.png']) {
        const image = cropRgb(await readImage(join(SET14, file)), 40, 40, 192, 192);
        const withPhoto = await evaluateImage(photo, image, 4, { degrade }, 1);
        const withClean = await evaluateImage(clean, image, 4, { degrade }, 1);
        expect(withPhoto.model!.psnr, file).toBeGreaterThan(withClean.model!.psnr);
        expect(withPhoto.model!.psnr, file).toBeGreaterThan(withPhoto.bicubic.psnr + 0.3);
      }
    });
  });
});

if (!existsSync(SET14)) console.log(`skipping the photo model's Set14 check: ${SET14} is absent`);
