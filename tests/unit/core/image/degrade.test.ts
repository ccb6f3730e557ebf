import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addNoise,
  CLEAN,
  checkRecipe,
  DEFAULT_RECIPE,
  type DegradeRecipe,
  degradeLr,
  describeDegradation,
  drawDegradation,
  gaussianBlur,
  jpegRoundTrip,
  parseDegradation,
} from '../../../../electron/core/image/degrade.js';
import { type FloatImage, floatImage, toRgb8 } from '../../../../electron/core/image/float-image.js';
import { seededRandom } from '../../../../electron/core/model/random-weights.js';
import { createSampler } from '../../../../electron/core/train/data/sampler.js';
import { type MixedFolder, makeMixedFolder } from '../train/data/data-fixtures.js';

/** A smooth RGB test image with an edge, planar in [0,1]. */
function testImage(h: number, w: number): FloatImage {
  const img = floatImage(3, h, w);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        img.data[(c * h + y) * w + x] = (x < w / 2 ? 0.2 : 0.8) * (0.6 + 0.4 * Math.sin((y + c * 3) / 5));
  return img;
}

const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
const rms = (a: Float32Array, b: Float32Array) =>
  Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length);

describe('degradations', () => {
  it('blur keeps the mean, softens the edge, and sigma 0 is the identity', () => {
    const img = testImage(24, 32);
    expect(gaussianBlur(img, 0)).toBe(img);
    const soft = gaussianBlur(img, 1.2);
    expect(mean(soft.data)).toBeCloseTo(mean(img.data), 4);
    const row = (im: FloatImage, x: number) => im.data[5 * 32 + x];
    // The step between columns 15 and 16 is spread over several pixels.
    expect(row(img, 16) - row(img, 15)).toBeGreaterThan(0.3);
    expect(row(soft, 16) - row(soft, 15)).toBeLessThan(0.2);
  });

  it('noise has the asked spread, is shared across channels when gray, and grows with brightness when Poisson', () => {
    const flat = floatImage(3, 64, 64);
    flat.data.fill(0.5);
    const gauss = addNoise(flat, { kind: 'gaussian', level: 8, gray: false }, seededRandom(1));
    expect(rms(gauss.data, flat.data) * 255).toBeGreaterThan(7.5);
    expect(rms(gauss.data, flat.data) * 255).toBeLessThan(8.5);
    const plane = 64 * 64;
    const gray = addNoise(flat, { kind: 'gaussian', level: 8, gray: true }, seededRandom(2));
    expect(gray.data.subarray(0, plane)).toEqual(gray.data.subarray(plane, 2 * plane));
    expect(gauss.data.subarray(0, plane)).not.toEqual(gauss.data.subarray(plane, 2 * plane));
    const dark = floatImage(3, 64, 64);
    dark.data.fill(0.05);
    const poissonDark = addNoise(dark, { kind: 'poisson', level: 8, gray: false }, seededRandom(3));
    const poissonMid = addNoise(flat, { kind: 'poisson', level: 8, gray: false }, seededRandom(3));
    expect(rms(poissonDark.data, dark.data)).toBeLessThan(rms(poissonMid.data, flat.data) / 2);
  });

  it('the JPEG round trip is the real codec: the same bytes as sharp saving the image at that quality', async () => {
    const img = testImage(40, 48);
    const ours = await jpegRoundTrip(img, 60);
    const theirs = await sharp(
      await sharp(toRgb8(img), { raw: { width: 48, height: 40, channels: 3 } })
        .jpeg({ quality: 60, chromaSubsampling: '4:2:0' })
        .toBuffer(),
    )
      .raw()
      .toBuffer();
    const plane = 40 * 48;
    for (const i of [0, 17, 500, plane - 1])
      for (let c = 0; c < 3; c++) expect(Math.round(ours.data[c * plane + i] * 255)).toBe(theirs[i * 3 + c]);
    // Lower quality loses more.
    const rough = await jpegRoundTrip(img, 20);
    expect(rms(rough.data, img.data)).toBeGreaterThan(rms(ours.data, img.data));
  });

  it('draws are deterministic, cover the recipe, and a clean draw changes nothing', async () => {
    const draws = Array.from({ length: 2000 }, (_, k) => drawDegradation(DEFAULT_RECIPE, seededRandom(k)));
    expect(drawDegradation(DEFAULT_RECIPE, seededRandom(7))).toEqual(draws[7]);
    const share = (f: (d: (typeof draws)[number]) => boolean) => draws.filter(f).length / draws.length;
    expect(share((d) => d === CLEAN)).toBeCloseTo(0.25, 1);
    expect(share((d) => d.jpeg.length === 2)).toBeCloseTo(0.75 * 0.2, 1);
    expect(share((d) => d.noise !== undefined)).toBeCloseTo(0.75 * 0.5, 1);
    for (const d of draws) for (const q of d.jpeg) expect(q >= 30 && q <= 95).toBe(true);
    const img = testImage(16, 16);
    expect(await degradeLr(img, CLEAN, seededRandom(1))).toBe(img);
  });

  it('reads and writes the evaluation grammar, and refuses what it does not know', () => {
    expect(parseDegradation('jpeg:75')).toEqual({ blurSigma: 0, jpeg: [75] });
    expect(parseDegradation('noise:5+jpeg:80')).toEqual({
      blurSigma: 0,
      noise: { kind: 'gaussian', level: 5, gray: false },
      jpeg: [80],
    });
    expect(parseDegradation('clean')).toEqual(CLEAN);
    for (const spec of [
      'jpeg:75',
      'noise:5+jpeg:80',
      'blur:0.8+graynoise:3+jpeg:90+jpeg:60',
      'poisson:4',
      'clean',
    ])
      expect(describeDegradation(parseDegradation(spec))).toBe(spec);
    expect(() => parseDegradation('jpeg:0')).toThrow(/1-100/);
    expect(() => parseDegradation('sharpen:2')).toThrow(/not a degradation/);
    expect(() => parseDegradation('noise:2+noise:3')).toThrow(/one noise/);
    expect(() => checkRecipe({ ...DEFAULT_RECIPE, jpegQuality: [90, 40] } as DegradeRecipe)).toThrow(
      /JPEG quality/,
    );
    expect(() => checkRecipe({ ...DEFAULT_RECIPE, cleanShare: 2 })).toThrow(/clean share/);
  });
});

describe('the sampler with degradations', () => {
  let dir: string;
  let folder: MixedFolder;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'liif-degrade-'));
    folder = await makeMixedFolder(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const batch = async (degrade: DegradeRecipe | undefined, thread: 'caller' | 'worker' = 'caller') => {
    const sampler = await createSampler({
      files: folder.good,
      seed: 4,
      batchSize: 6,
      samplesPerPatch: 64,
      thread,
      degrade,
    });
    try {
      return await sampler.next();
    } finally {
      sampler.close();
    }
  };

  it('degrades only the LR: same crops, same targets, different inputs; the same in a worker thread', async () => {
    const clean = await batch(undefined);
    const always = { ...DEFAULT_RECIPE, cleanShare: 0 };
    const degraded = await batch(always);
    expect(degraded.files).toEqual(clean.files);
    expect(degraded.gt).toEqual(clean.gt);
    expect(degraded.coord).toEqual(clean.coord);
    expect(degraded.lr).not.toEqual(clean.lr);
    // Every LR value is still an 8-bit level in [0, 1].
    for (const v of degraded.lr.subarray(0, 5000))
      expect(Math.abs(v * 255 - Math.round(v * 255))).toBeLessThan(1e-4);
    expect((await batch(always, 'worker')).lr).toEqual(degraded.lr);
    // A recipe that degrades nothing gives the paper's samples exactly.
    const none = { ...DEFAULT_RECIPE, cleanShare: 1 };
    expect((await batch(none)).lr).toEqual(clean.lr);
  });
});
