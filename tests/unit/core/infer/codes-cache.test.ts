import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PixelBuffer } from '../../../../electron/core/image/pixel-buffer.js';
import { CodesCache } from '../../../../electron/core/infer/codes-cache.js';
import { buildModelFiles, LiifEngine } from '../../../../electron/core/infer/liif-engine.js';
import { receptiveRadius } from '../../../../electron/core/infer/tile-planner.js';
import { channelSource } from '../../../../electron/core/infer/upscale-pixels.js';
import { type CropCodes, encodeCrop } from '../../../../electron/core/infer/upscale-tiled.js';
import { randomWeights, seededRandom } from '../../../../electron/core/model/random-weights.js';
import type { Rect } from '../../../../electron/shared/size-spec.js';
import { TINY_ARCH } from '../../../helpers/tiny-model.js';

function noise(width: number, height: number, seed: number): PixelBuffer {
  const rand = seededRandom(seed);
  const data = Uint8Array.from({ length: width * height * 3 }, () => Math.floor(rand() * 256));
  return { width, height, channels: 3, bitDepth: 8, data };
}

/**
 * Largest |a - b| over the codes of `b.crop` at least `inset` inside it, each read at its global
 * position (a.crop contains b.crop), as the decoder reads them through its window input.
 */
function interiorDiff(a: CropCodes, b: CropCodes, inset: number): number {
  const k = b.codes.dims[3];
  const at = ({ crop }: CropCodes, y: number, x: number) => ((y - crop.y) * crop.width + (x - crop.x)) * k;
  const { crop } = b;
  let m = 0;
  for (let y = crop.y + inset; y < crop.y + crop.height - inset; y++)
    for (let x = crop.x + inset; x < crop.x + crop.width - inset; x++)
      for (let c = 0; c < k; c++)
        m = Math.max(m, Math.abs(a.codes.data[at(a, y, x) + c] - b.codes.data[at(b, y, x) + c]));
  return m;
}

describe('CodesCache', () => {
  const halo = receptiveRadius(TINY_ARCH);
  const image = noise(90, 70, 1);
  const source = channelSource(image, [0, 1, 2]);
  let engine: LiifEngine;
  let other: LiifEngine;
  beforeAll(async () => {
    engine = await LiifEngine.open(buildModelFiles('tiny', TINY_ARCH, randomWeights(TINY_ARCH, 2)), 'cpu');
    other = await LiifEngine.open(buildModelFiles('other', TINY_ARCH, randomWeights(TINY_ARCH, 3)), 'cpu');
  });
  // Spies on engine.encode count its calls; restored even when an assertion fails.
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    await engine.release();
    await other.release();
  });

  it("a larger crop's codes equal the crop's own codes a halo inside it (and only there)", async () => {
    const large = await encodeCrop(engine, source, { x: 10, y: 8, width: 60, height: 50 });
    const own = await encodeCrop(engine, source, { x: 25, y: 20, width: 30, height: 24 });
    expect(interiorDiff(large, own, halo)).toBeLessThanOrEqual(1e-4);
    // At the small crop's edges its own codes see zero padding, the larger crop's see real pixels:
    // the halo is what makes them agree inside, so the check above is not vacuous.
    expect(interiorDiff(large, own, 0)).toBeGreaterThan(1e-3);
  });

  it('encodes a crop grown by the margin once, then serves crops inside it without encoding', async () => {
    const cache = new CodesCache({ margin: 8 });
    const encode = vi.spyOn(engine, 'encode');
    const get = cache.encoder('photo\ncolour');
    const crop: Rect = { x: 30, y: 20, width: 30, height: 24 };
    const first = await get(engine, source, crop);
    expect(encode).toHaveBeenCalledTimes(1);
    // The grown crop: 8 more on each side, handed over whole with its origin.
    const grown = { x: 22, y: 12, width: 30 + 16, height: 24 + 16 };
    expect(encode.mock.calls[0].slice(1)).toEqual([grown.height, grown.width]);
    expect(first.crop).toEqual(grown);
    expect(first.codes.dims).toEqual([1, grown.height, grown.width, TINY_ARCH.hidden]);
    const panned: Rect = { x: 35, y: 14, width: 30, height: 24 };
    const second = await get(engine, source, panned);
    expect(encode).toHaveBeenCalledTimes(1);
    expect(second.crop).toEqual(grown);
    expect(interiorDiff(second, await encodeCrop(engine, source, panned), halo)).toBeLessThanOrEqual(1e-4);
    // Beyond the margin: encoded again. Another source name: never served from this one's codes.
    await get(engine, source, { x: 50, y: 20, width: 30, height: 24 });
    await cache.encoder('photo\nalpha')(engine, source, crop);
    expect(encode).toHaveBeenCalledTimes(1 + 3);
  });

  it('clamps the grown crop to the image', async () => {
    const cache = new CodesCache({ margin: 8 });
    const encode = vi.spyOn(engine, 'encode');
    await cache.encoder('photo')(engine, source, { x: 3, y: 60, width: 20, height: 10 });
    expect(encode.mock.calls[0].slice(1)).toEqual([70 - 52, 3 + 20 + 8]);
  });

  it('drops everything when another engine asks, and when cleared', async () => {
    const cache = new CodesCache();
    const crop: Rect = { x: 30, y: 20, width: 30, height: 24 };
    await cache.encoder('photo')(engine, source, crop);
    expect(cache.size).toBe(1);
    const encode = vi.spyOn(other, 'encode');
    const theirs = await cache.encoder('photo')(other, source, crop);
    expect(encode).toHaveBeenCalledTimes(1);
    expect(cache.size).toBe(1);
    expect(interiorDiff(theirs, await encodeCrop(other, source, crop), halo)).toBeLessThanOrEqual(1e-4);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('keeps its bytes and entries within bounds, least recently used out first', async () => {
    const crop = (x: number): Rect => ({ x, y: 10, width: 10, height: 10 });
    // Each entry: (10 + 2 * 2)^2 codes of 32 float32.
    const entry = 14 * 14 * TINY_ARCH.hidden * 4;
    const cache = new CodesCache({ margin: 2, maxBytes: 2 * entry, maxEntries: 3 });
    const get = cache.encoder('photo');
    await get(engine, source, crop(20));
    await get(engine, source, crop(40));
    expect(cache.bytes).toBe(2 * entry);
    await get(engine, source, crop(20)); // a hit makes it the most recent
    await get(engine, source, crop(60));
    expect(cache.size).toBe(2);
    const encode = vi.spyOn(engine, 'encode');
    await get(engine, source, crop(20));
    expect(encode).not.toHaveBeenCalled();
    await get(engine, source, crop(40));
    expect(encode).toHaveBeenCalledTimes(1);
    // Codes larger than the whole bound are used once and not kept.
    const tiny = new CodesCache({ margin: 2, maxBytes: entry - 1 });
    await tiny.encoder('photo')(engine, source, crop(20));
    expect(tiny.size).toBe(0);
    expect(tiny.bytes).toBe(0);
  });
});
