import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PixelBuffer } from '../../../electron/core/image/pixel-buffer.js';
import { CodesCache } from '../../../electron/core/infer/codes-cache.js';
import { buildModelFiles, LiifEngine } from '../../../electron/core/infer/liif-engine.js';
import { randomWeights, seededRandom } from '../../../electron/core/model/random-weights.js';
import { type PreviewPixels, previewPixels } from '../../../electron/service/preview-pixels.js';
import type { Rect, SizeSpec } from '../../../electron/shared/size-spec.js';
import { TINY_ARCH } from '../../helpers/tiny-model.js';

/** 16-bit RGBA noise: fine enough steps to compare at 1e-4, and alpha for the second pass. */
function photo(width: number, height: number): PixelBuffer {
  const rand = seededRandom(7);
  const data = Uint16Array.from({ length: width * height * 4 }, () => Math.floor(rand() * 65536));
  return { width, height, channels: 4, bitDepth: 16, data };
}

function maxAbsDiff(a: PreviewPixels, b: PreviewPixels): number {
  expect(a.region).toEqual(b.region);
  expect(a.pixels.data.length).toBe(b.pixels.data.length);
  let m = 0;
  for (let i = 0; i < a.pixels.data.length; i++)
    m = Math.max(m, Math.abs(a.pixels.data[i] - b.pixels.data[i]));
  return m / 65535;
}

describe('region preview through the codes cache', () => {
  // Large enough that the encoded crops (region + halo + margin) end inside the photo.
  const image = photo(200, 160);
  const size: SizeSpec = { kind: 'scale', scale: 3 };
  const region: Rect = { x: 250, y: 200, width: 96, height: 96 };
  let engine: LiifEngine;
  beforeAll(async () => {
    engine = await LiifEngine.open(buildModelFiles('tiny', TINY_ARCH, randomWeights(TINY_ARCH, 4)), 'cpu');
  });
  // Spies on engine.encode count its calls; restored even when an assertion fails.
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => engine.release());

  const plain = (r: Rect, coarse: number) => previewPixels(engine, image, { size, region: r, coarse });

  it('the quick look and then the full preview equal the uncached ones; the full pass does not encode', async () => {
    const cache = new CodesCache();
    const codes = { cache, source: 'photo.png\n1' };
    const encode = vi.spyOn(engine, 'encode');
    const quick = await previewPixels(engine, image, { size, region, coarse: 2 }, { codes });
    // Colour and alpha: one encode each, of a crop inside the photo (not the whole of it).
    expect(encode).toHaveBeenCalledTimes(2);
    const [, h, w] = encode.mock.calls[0];
    expect(h).toBeLessThan(image.height);
    expect(w).toBeLessThan(image.width);
    const full = await previewPixels(engine, image, { size, region, coarse: 1 }, { codes });
    expect(encode).toHaveBeenCalledTimes(2);
    expect(maxAbsDiff(quick, await plain(region, 2))).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(full, await plain(region, 1))).toBeLessThanOrEqual(1e-4);
    expect(full.usedModel).toBe(true);
  });

  it('a pan by a few pixels equals the uncached preview and does not encode', async () => {
    const cache = new CodesCache();
    const codes = { cache, source: 'photo.png\n1' };
    await previewPixels(engine, image, { size, region, coarse: 1 }, { codes });
    const encode = vi.spyOn(engine, 'encode');
    const panned = { ...region, x: region.x + 7, y: region.y - 11 };
    const moved = await previewPixels(engine, image, { size, region: panned, coarse: 1 }, { codes });
    expect(encode).not.toHaveBeenCalled();
    expect(maxAbsDiff(moved, await plain(panned, 1))).toBeLessThanOrEqual(1e-4);
  });

  it('another source name is encoded afresh', async () => {
    const cache = new CodesCache();
    await previewPixels(engine, image, { size, region, coarse: 1 }, { codes: { cache, source: 'a\n1' } });
    const encode = vi.spyOn(engine, 'encode');
    await previewPixels(engine, image, { size, region, coarse: 1 }, { codes: { cache, source: 'a\n2' } });
    expect(encode).toHaveBeenCalledTimes(2);
  });
});
