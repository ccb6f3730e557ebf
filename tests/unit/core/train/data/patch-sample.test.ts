import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PIL_BICUBIC, resizeBicubic } from '../../../../../electron/core/image/bicubic.js';
import { augment, cropRgb } from '../../../../../electron/core/image/float-image.js';
import { readImage } from '../../../../../electron/core/image/read-image.js';
import { seededRandom } from '../../../../../electron/core/model/random-weights.js';
import { cropDetail } from '../../../../../electron/core/train/data/crop-detail.js';
import {
  makePatchSample,
  type PatchOptions,
  patchSide,
} from '../../../../../electron/core/train/data/patch-sample.js';
import { noisePixels, sharpOf } from '../../image/image-fixtures.js';

const OPTS: PatchOptions = {
  lrSize: 48,
  scaleMin: 1,
  scaleMax: 4,
  queries: 2304,
  augment: true,
  quantizeLr: true,
};

/** Row/column index of a pixel-centre coordinate on an n-pixel axis. */
const indexOf = (c: number, n: number) => Math.round(((c + 1) * n) / 2 - 0.5);

describe('patchSide', () => {
  it('maps u in [0,1) to round(48 s) with s in [1, 4], shrinking s to what fits', () => {
    expect(patchSide(0, 500, OPTS)).toBe(48);
    expect(patchSide(0.5, 500, OPTS)).toBe(120);
    expect(patchSide(0.9999999, 500, OPTS)).toBe(192);
    expect(patchSide(0.9999999, 100, OPTS)).toBe(100);
    expect(patchSide(0.5, 100, OPTS)).toBe(74);
    expect(patchSide(0.3, 48, OPTS)).toBe(48);
    expect(() => patchSide(0.3, 47, OPTS)).toThrow(RangeError);
  });
});

describe('makePatchSample', () => {
  const src = noisePixels(230, 210, 3, 8, 21);

  it('samples gt at exactly the HR pixels its coordinates name, after the flips and transpose', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const s = makePatchSample(src, seededRandom(seed), { ...OPTS, queries: 500 });
      const hr = s.hrSize;
      const { y, x, hflip, vflip, transpose } = s.crop;
      seen.add(`${hflip}${vflip}${transpose}`);
      expect(s.cell[0]).toBe(Math.fround(2 / hr));
      const picked = new Set<number>();
      let worst = 0;
      for (let q = 0; q < 500; q++) {
        const oy = indexOf(s.coord[2 * q], hr);
        const ox = indexOf(s.coord[2 * q + 1], hr);
        picked.add(oy * hr + ox);
        // Undo the augmentation independently: transpose last, so first swap, then unflip.
        let fy = transpose ? ox : oy;
        let fx = transpose ? oy : ox;
        if (vflip) fy = hr - 1 - fy;
        if (hflip) fx = hr - 1 - fx;
        for (let c = 0; c < 3; c++) {
          const expected = src.data[((y + fy) * src.width + x + fx) * 3 + c] / 255;
          worst = Math.max(worst, Math.abs(s.gt[3 * q + c] - expected));
        }
      }
      expect(worst).toBeLessThan(1e-6);
      expect(picked.size).toBe(500); // without replacement
    }
    expect(seen.size).toBeGreaterThan(4); // the augmentations do vary
  });

  it('makes LR as the bicubic downsample of the same augmented crop', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const s = makePatchSample(src, seededRandom(seed), OPTS);
      const { y, x, hflip, vflip, transpose } = s.crop;
      // Downsample first, then augment: Pillow's resize commutes with flips and transpose.
      const down = resizeBicubic(cropRgb(src, y, x, s.hrSize, s.hrSize), 48, 48, { kernel: PIL_BICUBIC });
      const expected = augment(down, hflip, vflip, transpose);
      let worst = 0;
      for (let i = 0; i < expected.data.length; i++)
        worst = Math.max(worst, Math.abs(s.lr.data[i] - expected.data[i]));
      // Only the 8-bit rounding of the LR patch separates the two.
      expect(worst).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    }
  });

  it('takes every pixel of a 48 px patch when s = 1 and queries = 48^2', () => {
    const s = makePatchSample(noisePixels(48, 48, 3, 8, 2), seededRandom(5), OPTS);
    expect(s.hrSize).toBe(48);
    const cells = new Set<number>();
    for (let q = 0; q < 2304; q++)
      cells.add(indexOf(s.coord[2 * q], 48) * 48 + indexOf(s.coord[2 * q + 1], 48));
    expect(cells.size).toBe(2304);
  });

  it('reads a 16-bit grayscale PNG as equal RGB channels at 16-bit precision', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'liif-gray16-'));
    try {
      const path = join(dir, 'g.png');
      await sharpOf(noisePixels(80, 60, 1, 16, 4))
        .png()
        .toFile(path);
      const image = await readImage(path);
      expect([image.channels, image.bitDepth]).toEqual([1, 16]);
      const s = makePatchSample(image, seededRandom(3), { ...OPTS, queries: 300 });
      let fine = 0;
      for (let q = 0; q < 300; q++) {
        const [r, g, b] = [s.gt[3 * q], s.gt[3 * q + 1], s.gt[3 * q + 2]];
        expect(g).toBe(r);
        expect(b).toBe(r);
        const level = r * 65535;
        expect(Math.abs(level - Math.round(level))).toBeLessThan(0.01);
        if (Math.round(level) % 257 !== 0) fine++;
      }
      expect(fine).toBeGreaterThan(250); // not 8-bit values scaled up
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('drops alpha: an RGBA image samples its colour channels', () => {
    const rgba = noisePixels(60, 60, 4, 8, 8);
    const s = makePatchSample(rgba, seededRandom(1), { ...OPTS, augment: false, queries: 50 });
    const hr = s.hrSize;
    for (let q = 0; q < 50; q++) {
      const oy = indexOf(s.coord[2 * q], hr) + s.crop.y;
      const ox = indexOf(s.coord[2 * q + 1], hr) + s.crop.x;
      for (let c = 0; c < 3; c++)
        expect(s.gt[3 * q + c]).toBeCloseTo(rgba.data[(oy * 60 + ox) * 4 + c] / 255, 6);
    }
  });
});

describe('crop candidates (most detailed of K random crops)', () => {
  /** 400 x 300 RGB: noise in the right quarter (x >= 300), flat gray elsewhere. */
  const halfFlat = (() => {
    const noise = noisePixels(400, 300, 3, 8, 5);
    const data = new Uint8Array(noise.data.length).fill(128);
    for (let y = 0; y < 300; y++)
      for (let x = 300; x < 400; x++)
        for (let c = 0; c < 3; c++) data[(y * 400 + x) * 3 + c] = noise.data[(y * 400 + x) * 3 + c];
    return { ...noise, data };
  })();

  it('scores flat crops 0 and neighbour differences in 8-bit levels', () => {
    expect(cropDetail(halfFlat, 0, 0, 100)).toBe(0);
    const stripes = { width: 4, height: 4, channels: 1 as const, bitDepth: 16 as const };
    // Columns alternate 0 / 65535: every horizontal neighbour differs by 255 levels, vertical by 0.
    const data = Uint16Array.from({ length: 16 }, (_, i) => (i % 2 ? 65535 : 0));
    expect(cropDetail({ ...stripes, data }, 0, 0, 4)).toBeCloseTo(127.5, 6);
    expect(cropDetail(halfFlat, 0, 300, 100)).toBeGreaterThan(40);
  });

  it('one candidate is the uniform crop, sample for sample', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const a = makePatchSample(halfFlat, seededRandom(seed), { ...OPTS, queries: 64 });
      const b = makePatchSample(halfFlat, seededRandom(seed), { ...OPTS, queries: 64, cropCandidates: 1 });
      expect(b.crop).toEqual(a.crop);
      expect(b.gt).toEqual(a.gt);
    }
  });

  it('four candidates move most crops onto the detailed part, deterministically', () => {
    const touchesNoise = (o: PatchOptions) =>
      Array.from({ length: 60 }, (_, seed) => {
        const s = makePatchSample(halfFlat, seededRandom(seed + 1), { ...o, queries: 16 });
        return s.crop.x + s.hrSize > 300;
      }).filter(Boolean).length;
    const uniform = touchesNoise(OPTS);
    const chosen = touchesNoise({ ...OPTS, cropCandidates: 4 });
    expect(chosen).toBeGreaterThan(uniform + 10);
    expect(chosen).toBeGreaterThan(40);
    const again = makePatchSample(halfFlat, seededRandom(9), { ...OPTS, cropCandidates: 4 });
    expect(makePatchSample(halfFlat, seededRandom(9), { ...OPTS, cropCandidates: 4 }).gt).toEqual(again.gt);
  });
});
