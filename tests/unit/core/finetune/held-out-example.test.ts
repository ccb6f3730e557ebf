import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { evaluateImage } from '../../../../electron/core/eval/evaluate.js';
import { writeHeldOutExample } from '../../../../electron/core/finetune/held-out-example.js';
import { buildModelFiles, LiifEngine } from '../../../../electron/core/infer/liif-engine.js';
import { randomWeights } from '../../../../electron/core/model/random-weights.js';
import { loadValidationSet } from '../../../../electron/core/train/validation.js';
import { TINY_ARCH } from '../../../helpers/tiny-model.js';

/** A noisy 300 x 200 PNG: its validation crop is the centre 192 x 192, from (54, 4). */
async function noisyPhoto(path: string, seed: number): Promise<string> {
  const raw = Buffer.alloc(300 * 200 * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919 * seed) % 251;
  await sharp(raw, { raw: { width: 300, height: 200, channels: 3 } })
    .png()
    .toFile(path);
  return path;
}

describe('the held-out example', () => {
  it('writes the centre crop, bicubic and both models at x4, all the same size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'liif-example-'));
    const photo = await noisyPhoto(join(dir, 'photo.png'), 1);
    const weights = randomWeights(TINY_ARCH, 3);
    const request = { architecture: TINY_ARCH, base: weights, tuned: weights, provider: 'cpu' as const };
    // The folder may be one the user named (--example DIR): nothing else in it is touched.
    const { mkdir, writeFile, readdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'example'));
    await writeFile(join(dir, 'example', 'my-notes.txt'), 'keep');
    const example = await writeHeldOutExample({ ...request, photos: [photo], outDir: join(dir, 'example') });
    expect(example).toMatchObject({ photo, scale: 4, width: 192, height: 192 });
    expect((await readdir(join(dir, 'example'))).sort()).toEqual([
      'base.png',
      'bicubic.png',
      'my-notes.txt',
      'original.png',
      'tuned.png',
    ]);
    for (const file of Object.values(example?.images ?? {}))
      expect(await sharp(file).metadata()).toMatchObject({ width: 192, height: 192 });
    const original = await sharp(example?.images.original).raw().toBuffer();
    const crop = await sharp(photo).extract({ left: 54, top: 4, width: 192, height: 192 }).raw().toBuffer();
    expect(original.equals(crop)).toBe(true);
    // The same weights give the same picture and score.
    expect(await readFile(example!.images.tuned)).toEqual(await readFile(example!.images.base));
    expect(example?.psnr.tuned).toBe(example?.psnr.base);
  });

  it('shows the photo whose x4 score rose most, with the scores the evaluation gives', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'liif-example-'));
    const photos = [
      await noisyPhoto(join(dir, 'a.png'), 1),
      await noisyPhoto(join(dir, 'b.png'), 2),
      await noisyPhoto(join(dir, 'c.png'), 3),
    ];
    const [base, tuned] = [randomWeights(TINY_ARCH, 3), randomWeights(TINY_ARCH, 4)];
    const example = await writeHeldOutExample({
      architecture: TINY_ARCH,
      base,
      tuned,
      photos,
      outDir: join(dir, 'example'),
      provider: 'cpu',
    });
    // The scores by the evaluation's own code, per photo.
    const crops = (await loadValidationSet(photos, { limit: 3 })).images;
    const x4 = async (weights: typeof base) => {
      const engine = await LiifEngine.open(buildModelFiles('check', TINY_ARCH, weights), 'cpu');
      const scores = [];
      for (const crop of crops) scores.push((await evaluateImage(engine, crop, 4)).model!.psnr);
      await engine.release();
      return scores;
    };
    const [before, after] = [await x4(base), await x4(tuned)];
    const gains = after.map((a, i) => a - before[i]);
    const best = gains.indexOf(Math.max(...gains));
    expect(example?.photo).toBe(photos[best]);
    expect(example?.psnr.base).toBeCloseTo(before[best], 9);
    expect(example?.psnr.tuned).toBeCloseTo(after[best], 9);
  });
});
