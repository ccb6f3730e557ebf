import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExifTags } from '../../../../electron/core/image/exif-tags.js';
import type { OutputFormat } from '../../../../electron/core/image/output-name.js';
import type { PixelBuffer } from '../../../../electron/core/image/pixel-buffer.js';
import { readImage } from '../../../../electron/core/image/read-image.js';
import { resizePlain } from '../../../../electron/core/image/resize-plain.js';
import { extensionFor, writeImage } from '../../../../electron/core/image/write-image.js';
import {
  at,
  gradientPixels,
  listDir,
  makeTempDir,
  meanAbsDiff,
  noisePixels,
  p3Profile,
  sharpOf,
} from './image-fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

let n = 0;
/** A fresh target path per call so tests do not rename around each other. */
function target(format: OutputFormat, stem = 'out'): string {
  n += 1;
  return join(dir, `${stem}-${n}.${extensionFor(format)}`);
}

const ALL: OutputFormat[] = ['png', 'jpeg', 'webp', 'avif', 'tiff'];

describe('pixels and layout', () => {
  it.each([
    ['png', 1],
    ['png', 2],
    ['png', 3],
    ['png', 4],
    ['tiff', 1],
    ['tiff', 2],
    ['tiff', 4],
  ] as const)('16-bit %s with %i channels round trips exactly', async (format, channels) => {
    const src = noisePixels(20, 14, channels, 16, 11 * channels);
    const res = await writeImage(src, {}, target(format), { format });
    const meta = await sharp(res.path).metadata();
    expect(meta.depth).toBe('ushort');
    expect(meta.channels).toBe(channels);
    const back = await readImage(res.path);
    expect(back).toMatchObject({ bitDepth: 16, channels, width: 20, height: 14 });
    expect(Array.from(back.data)).toEqual(Array.from(src.data));
  });

  it.each(['png', 'tiff'] as const)('8-bit %s round trips exactly, alpha included', async (format) => {
    const src = noisePixels(20, 14, 4, 8, 5);
    const back = await readImage((await writeImage(src, {}, target(format), { format })).path);
    expect(back).toMatchObject({ bitDepth: 8, channels: 4 });
    expect(Array.from(back.data)).toEqual(Array.from(src.data));
  });

  it.each(['jpeg', 'webp', 'avif'] as const)('16-bit into 8-bit %s is reduced to 8 bits', async (format) => {
    const src8 = gradientPixels(32, 32, 3);
    const src16: PixelBuffer = { ...src8, bitDepth: 16, data: Uint16Array.from(src8.data, (v) => v * 257) };
    const back = await readImage(
      (await writeImage(src16, {}, target(format), { format, quality: 100 })).path,
    );
    expect(back.bitDepth).toBe(8);
    expect(meanAbsDiff(back.data, src8.data)).toBeLessThan(3);
  });

  it.each(['png', 'jpeg', 'tiff'] as const)('gray stays 1 channel in %s', async (format) => {
    const src = gradientPixels(16, 16, 1);
    const res = await writeImage(src, {}, target(format), { format, quality: 100 });
    const meta = await sharp(res.path).metadata();
    expect(meta.channels).toBe(1);
    expect(meta.space).toBe('b-w');
    const back = await readImage(res.path);
    expect(back.channels).toBe(1);
    expect(meanAbsDiff(back.data, src.data)).toBeLessThan(2);
  });

  it('gray+alpha stays 2 channels in png', async () => {
    const src = noisePixels(16, 16, 2, 8, 77);
    const res = await writeImage(src, {}, target('png'), { format: 'png' });
    expect((await sharp(res.path).metadata()).channels).toBe(2);
    expect(Array.from((await readImage(res.path)).data)).toEqual(Array.from(src.data));
  });

  it.each(['webp', 'avif'] as const)('alpha is kept in %s', async (format) => {
    const src = gradientPixels(32, 32, 4);
    const back = await readImage((await writeImage(src, {}, target(format), { format, quality: 100 })).path);
    expect(back.channels).toBe(4);
    // Left half opaque, right half alpha 64.
    expect(at(back, 4, 20, 3)).toBeGreaterThan(245);
    expect(Math.abs(at(back, 28, 20, 3) - 64)).toBeLessThan(6);
  });

  it('jpeg flattens alpha onto white', async () => {
    const src: PixelBuffer = {
      width: 8,
      height: 8,
      channels: 4,
      bitDepth: 8,
      data: new Uint8Array(8 * 8 * 4),
    };
    const back = await readImage((await writeImage(src, {}, target('jpeg'), { format: 'jpeg' })).path);
    expect(back.channels).toBe(3);
    expect(at(back, 4, 4, 0)).toBeGreaterThan(250);
  });

  it('jpeg from gray+alpha is 1-channel gray', async () => {
    const src = noisePixels(8, 8, 2, 8, 3);
    const res = await writeImage(src, {}, target('jpeg'), { format: 'jpeg' });
    expect((await sharp(res.path).metadata()).channels).toBe(1);
  });

  it('quality changes lossy output size', async () => {
    const src = noisePixels(64, 64, 3, 8);
    const low = await writeImage(src, {}, target('jpeg'), { format: 'jpeg', quality: 10 });
    const high = await writeImage(src, {}, target('jpeg'), { format: 'jpeg' });
    const size = async (p: string) =>
      (await sharp(p).metadata()).size ?? (await import('node:fs')).statSync(p).size;
    expect(await size(low.path)).toBeLessThan(await size(high.path));
  });

  it('refuses a size the format cannot store', async () => {
    const wide: PixelBuffer = {
      width: 16384,
      height: 1,
      channels: 3,
      bitDepth: 8,
      data: new Uint8Array(16384 * 3),
    };
    const path = target('webp', 'wide');
    await expect(writeImage(wide, {}, path, { format: 'webp' })).rejects.toMatchObject({
      reason: 'target-too-large',
    });
    expect((await listDir(dir)).some((f) => f.includes('wide'))).toBe(false);
  });
});

describe('ICC profile', () => {
  it.each(ALL)('%s keeps the P3 profile and does not convert pixels', async (format) => {
    const icc = await p3Profile();
    const src = gradientPixels(32, 32, 3);
    const res = await writeImage(src, { icc }, target(format), { format, quality: 100 });
    expect((await sharp(res.path).metadata()).icc?.equals(icc)).toBe(true);
    const back = await readImage(res.path);
    expect(back.metadata.icc?.equals(icc)).toBe(true);
    if (format === 'png' || format === 'tiff') expect(Array.from(back.data)).toEqual(Array.from(src.data));
    // A P3 <-> sRGB conversion moves the saturated red block by ~20 levels; codec error stays small.
    expect(Math.abs(at(back, 3, 3, 0) - 255)).toBeLessThan(6);
    expect(Math.abs(at(back, 3, 3, 1) - 0)).toBeLessThan(6);
    expect(meanAbsDiff(back.data, src.data)).toBeLessThan(3);
  });

  it('16-bit png keeps the profile and exact values', async () => {
    const icc = await p3Profile();
    const src = noisePixels(12, 12, 3, 16, 4);
    const back = await readImage((await writeImage(src, { icc }, target('png'), { format: 'png' })).path);
    expect(back.metadata.icc?.equals(icc)).toBe(true);
    expect(Array.from(back.data)).toEqual(Array.from(src.data));
  });

  it('keepMetadata false strips the profile but writes the same pixels', async () => {
    const icc = await p3Profile();
    const src = gradientPixels(16, 16, 3);
    const res = await writeImage(src, { icc }, target('png'), { format: 'png', keepMetadata: false });
    expect((await sharp(res.path).metadata()).icc).toBeUndefined();
    expect(Array.from((await readImage(res.path)).data)).toEqual(Array.from(src.data));
  });
});

describe('EXIF', () => {
  /** A camera-like JPEG: orientation 6, a Make, and PixelX/YDimension of the stored (sideways) image. */
  async function cameraJpeg(): Promise<string> {
    const path = join(dir, `camera-${++n}.jpg`);
    await sharpOf(gradientPixels(24, 16, 3))
      .withMetadata({ orientation: 6, density: 240 })
      .withExifMerge({
        IFD0: { Make: 'UnitTestCam' },
        IFD2: { PixelXDimension: '24', PixelYDimension: '16' },
      })
      .jpeg()
      .toFile(path);
    const tags = readExifTags((await sharp(path).metadata()).exif ?? Buffer.alloc(0));
    expect(tags).toEqual({ orientation: 6, pixelXDimension: 24, pixelYDimension: 16 });
    return path;
  }

  it.each(['png', 'jpeg', 'webp', 'avif'] as const)(
    '%s keeps EXIF with orientation 1 and the new size',
    async (format) => {
      const src = await readImage(await cameraJpeg());
      expect([src.width, src.height]).toEqual([16, 24]);
      const big = await resizePlain(src, 32, 48);
      const res = await writeImage(big, src.metadata, target(format), { format });
      const meta = await sharp(res.path).metadata();
      expect(meta.exif?.toString('latin1')).toContain('UnitTestCam');
      expect(readExifTags(meta.exif ?? Buffer.alloc(0))).toEqual({
        orientation: 1,
        pixelXDimension: 32,
        pixelYDimension: 48,
      });
      // Read back upright as written, not rotated a second time.
      const back = await readImage(res.path);
      expect([back.width, back.height]).toEqual([32, 48]);
    },
  );

  it('keeps density', async () => {
    const src = await readImage(await cameraJpeg());
    expect(src.metadata.density).toBe(240);
    const res = await writeImage(src, src.metadata, target('png'), { format: 'png' });
    expect(Math.round((await sharp(res.path).metadata()).density ?? 0)).toBe(240);
  });

  it('keepMetadata false drops EXIF', async () => {
    const src = await readImage(await cameraJpeg());
    const res = await writeImage(src, src.metadata, target('jpeg'), { format: 'jpeg', keepMetadata: false });
    expect((await sharp(res.path).metadata()).exif).toBeUndefined();
  });
});
