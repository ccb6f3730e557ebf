import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  pickExamplePhoto,
  writeHeldOutExample,
} from '../../../../electron/core/finetune/held-out-example.js';
import { randomWeights } from '../../../../electron/core/model/random-weights.js';
import { TINY_ARCH } from '../../../helpers/tiny-model.js';

describe('the held-out example', () => {
  it('picks the photo whose score rose most, falls included', () => {
    expect(pickExamplePhoto([30, 25, 40], [30.1, 25.6, 39])).toBe(1);
    expect(pickExamplePhoto([30, 25], [29, 24.5])).toBe(1);
    expect(pickExamplePhoto(undefined, [1])).toBeUndefined();
    expect(pickExamplePhoto([1, 2], [1])).toBeUndefined();
    expect(pickExamplePhoto([], [])).toBeUndefined();
  });

  it('writes the centre crop, bicubic and both models at x4, all the same size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'liif-example-'));
    const photo = join(dir, 'photo.png');
    // 300 x 200: the validation's centre crop is 192 x 192, from (54, 4).
    const raw = Buffer.alloc(300 * 200 * 3);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 251;
    await sharp(raw, { raw: { width: 300, height: 200, channels: 3 } })
      .png()
      .toFile(photo);
    const weights = randomWeights(TINY_ARCH, 3);
    const example = await writeHeldOutExample({
      architecture: TINY_ARCH,
      base: weights,
      tuned: weights,
      photo,
      outDir: join(dir, 'example'),
      provider: 'cpu',
    });
    expect(example).toMatchObject({ photo, scale: 4, width: 192, height: 192 });
    for (const file of Object.values(example.images))
      expect(await sharp(file).metadata()).toMatchObject({ width: 192, height: 192 });
    const original = await sharp(example.images.original).raw().toBuffer();
    const crop = await sharp(photo).extract({ left: 54, top: 4, width: 192, height: 192 }).raw().toBuffer();
    expect(original.equals(crop)).toBe(true);
    // The same weights give the same picture and score; bicubic is scored on the same crop.
    expect(await readFile(example.images.tuned)).toEqual(await readFile(example.images.base));
    expect(example.psnr.tuned).toBe(example.psnr.base);
    expect(example.psnr.bicubic).toBeGreaterThan(0);
  });
});
