import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PixelBuffer } from '../../../../electron/core/image/pixel-buffer.js';
import { withPngMetadata } from '../../../../electron/core/image/png-metadata.js';
import { probeImage, readImage } from '../../../../electron/core/image/read-image.js';
import {
  at,
  gradientPixels,
  makeTempDir,
  maxAbsDiff,
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

async function save(name: string, bytes: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

describe('readImage formats', () => {
  const rgb = noisePixels(24, 16, 3, 8, 7);
  const lossless: Array<[string, (s: Sharp) => Sharp, string]> = [
    ['png', (s) => s.png(), 'png'],
    ['tif', (s) => s.tiff({ compression: 'lzw' }), 'tiff'],
    ['webp', (s) => s.webp({ lossless: true }), 'webp'],
    ['avif', (s) => s.avif({ lossless: true }), 'heif'],
  ];
  it.each(lossless)('%s round trips exactly', async (ext, enc, format) => {
    const path = await save(`lossless.${ext}`, await enc(sharpOf(rgb)).toBuffer());
    const img = await readImage(path);
    expect(img).toMatchObject({ width: 24, height: 16, channels: 3, bitDepth: 8, format, path });
    expect(img.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(img.data)).toEqual(Array.from(rgb.data));
  });

  it('jpeg decodes close to the source, with nothing to notice', async () => {
    const src = gradientPixels(32, 32, 3);
    const jpg = await sharpOf(src).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer();
    const img = await readImage(await save('smooth.jpg', jpg));
    expect(img).toMatchObject({ width: 32, height: 32, channels: 3, bitDepth: 8, format: 'jpeg' });
    expect(meanAbsDiff(img.data, src.data)).toBeLessThan(2);
    expect(img.notices).toEqual([]);
  });

  it('gif returns the first frame only', async () => {
    const w = 8;
    const h = 6;
    const frame = (r: number, b: number) => Buffer.alloc(w * h * 4).map((_, i) => [r, 0, b, 255][i % 4]);
    const two = Buffer.concat([frame(255, 0), frame(0, 255)]);
    const gif = await sharp(two, { raw: { width: w, height: h * 2, channels: 4, pageHeight: h } })
      .gif({ delay: [100, 100] })
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const img = await readImage(await save('anim.gif', gif));
    expect(img).toMatchObject({ width: w, height: h, format: 'gif' });
    // libvips always decodes GIF as RGBA.
    expect(img.channels).toBe(4);
    expect([at(img, 3, 3, 0), at(img, 3, 3, 2)]).toEqual([255, 0]);
    expect(img.notices).toEqual(['only the first of its 2 frames was upscaled']);
  });

  it('animated webp returns the first frame only', async () => {
    const w = 8;
    const h = 6;
    const frame = (g: number) => Buffer.alloc(w * h * 3).map((_, i) => [0, g, 0][i % 3]);
    const webp = await sharp(Buffer.concat([frame(200), frame(20)]), {
      raw: { width: w, height: h * 2, channels: 3, pageHeight: h },
    })
      .webp({ lossless: true, delay: [100, 100] })
      .toBuffer();
    const img = await readImage(await save('anim.webp', webp));
    expect(img).toMatchObject({ width: w, height: h });
    expect(at(img, 4, 4, 1)).toBe(200);
    expect(img.notices).toEqual(['only the first of its 2 frames was upscaled']);
  });
});

describe('readImage layout', () => {
  it.each([
    ['gray 8', 1, 8, 'png'],
    ['gray+alpha 8', 2, 8, 'png'],
    ['rgba 8', 4, 8, 'png'],
    ['gray 16', 1, 16, 'png'],
    ['gray+alpha 16', 2, 16, 'png'],
    ['rgb 16', 3, 16, 'png'],
    ['rgba 16', 4, 16, 'png'],
    ['rgb 16 tiff', 3, 16, 'tiff'],
    ['gray 16 tiff', 1, 16, 'tiff'],
  ] as const)('%s keeps channels and depth exactly', async (label, channels, depth, fmt) => {
    const src = noisePixels(20, 12, channels, depth, channels * depth);
    const s = sharpOf(src);
    const bytes = await (fmt === 'png' ? s.png() : s.tiff({ compression: 'deflate' })).toBuffer();
    const path = await save(`${label.replaceAll(' ', '-')}.${fmt}`, bytes);
    const img = await readImage(path);
    expect(img).toMatchObject({ width: 20, height: 12, channels, bitDepth: depth });
    expect(img.data).toBeInstanceOf(depth === 16 ? Uint16Array : Uint8Array);
    expect(Array.from(img.data)).toEqual(Array.from(src.data));
  });

  it('gray jpeg stays one channel', async () => {
    const src = gradientPixels(16, 16, 1);
    const path = await save('gray.jpg', await sharpOf(src).jpeg({ quality: 100 }).toBuffer());
    const img = await readImage(path);
    expect(img.channels).toBe(1);
    expect(meanAbsDiff(img.data, src.data)).toBeLessThan(2);
  });
});

describe('EXIF orientation', () => {
  // Quadrants with distinct colours make any wrong rotation or flip visible.
  const src = ((): PixelBuffer => {
    const w = 16;
    const h = 8;
    const colours = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [255, 255, 0],
    ];
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const q = (y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1);
        data.set(colours[q], (y * w + x) * 3);
      }
    }
    return { width: w, height: h, channels: 3, bitDepth: 8, data };
  })();
  // Where display pixel (dx, dy) comes from in the stored image (EXIF 2.32, Orientation tag).
  const mapping: Record<number, (dx: number, dy: number) => [number, number]> = {
    3: (dx, dy) => [src.width - 1 - dx, src.height - 1 - dy],
    6: (dx, dy) => [dy, src.height - 1 - dx],
    8: (dx, dy) => [src.width - 1 - dy, dx],
  };

  it.each([3, 6, 8])('orientation %i jpeg is returned upright', async (orientation) => {
    const jpg = await sharpOf(src).withMetadata({ orientation }).jpeg({ quality: 100 }).toBuffer();
    expect((await sharp(jpg).metadata()).orientation).toBe(orientation);
    const path = await save(`orient-${orientation}.jpg`, jpg);
    const img = await readImage(path);
    const swapped = orientation !== 3;
    expect([img.width, img.height]).toEqual(swapped ? [src.height, src.width] : [src.width, src.height]);
    // Sample the middle of each display quadrant, away from JPEG ringing at the edges.
    for (const [fx, fy] of [
      [0.25, 0.25],
      [0.75, 0.25],
      [0.25, 0.75],
      [0.75, 0.75],
    ]) {
      const dx = Math.floor(img.width * fx);
      const dy = Math.floor(img.height * fy);
      const [sx, sy] = mapping[orientation](dx, dy);
      for (let c = 0; c < 3; c++) expect(Math.abs(at(img, dx, dy, c) - at(src, sx, sy, c))).toBeLessThan(30);
    }
    const probe = await probeImage(path);
    expect(probe).toMatchObject({ width: img.width, height: img.height, orientation });
  });
});

describe('colour', () => {
  it('keeps pixel values and ICC bytes of a P3-tagged 8-bit PNG (sharp would convert to sRGB)', async () => {
    const icc = await p3Profile();
    const src = gradientPixels(16, 16, 3);
    const path = await save('p3.png', withPngMetadata(await sharpOf(src).png().toBuffer(), { icc }));
    // The behaviour being guarded against: sharp's default decode converts to sRGB.
    const converted = await sharp(path).raw().toBuffer();
    expect(maxAbsDiff(converted, src.data)).toBeGreaterThan(10);
    const img = await readImage(path);
    expect(Array.from(img.data)).toEqual(Array.from(src.data));
    expect(img.metadata.icc?.equals(icc)).toBe(true);
  });

  it('keeps 16-bit values of a P3-tagged PNG (sharp would convert 16-bit RGB to its P3)', async () => {
    const icc = await p3Profile();
    const src = noisePixels(8, 8, 3, 16, 99);
    const path = await save('p3-16.png', withPngMetadata(await sharpOf(src).png().toBuffer(), { icc }));
    const img = await readImage(path);
    expect(img.bitDepth).toBe(16);
    expect(Array.from(img.data)).toEqual(Array.from(src.data));
    expect(img.metadata.icc?.equals(icc)).toBe(true);
  });

  it('CMYK is converted to RGB and its profile is not returned', async () => {
    const rgb: PixelBuffer = { width: 8, height: 8, channels: 3, bitDepth: 8, data: new Uint8Array(192) };
    for (let i = 0; i < 64; i++) rgb.data.set([200, 30, 60], i * 3);
    const path = await save('cmyk.jpg', await sharpOf(rgb).toColourspace('cmyk').jpeg().toBuffer());
    expect((await sharp(path).metadata()).space).toBe('cmyk');
    const img = await readImage(path);
    expect(img.channels).toBe(3);
    expect(img.metadata.icc).toBeUndefined();
    // A generic-CMYK round trip is not exact, but red stays red.
    expect(at(img, 4, 4, 0)).toBeGreaterThan(150);
    expect(at(img, 4, 4, 1)).toBeLessThan(80);
    expect(img.notices).toEqual(['converted from CMYK to sRGB: the output has no CMYK version']);
  });

  it('untagged images have no icc', async () => {
    const path = await save(
      'plain.png',
      await sharpOf(noisePixels(4, 4, 3, 8))
        .png()
        .toBuffer(),
    );
    expect((await readImage(path)).metadata.icc).toBeUndefined();
  });

  it('returns EXIF bytes and density', async () => {
    const jpg = await sharpOf(gradientPixels(8, 8, 3))
      .withExif({ IFD0: { Make: 'UnitTestCam' } })
      .withDensity(300)
      .jpeg()
      .toBuffer();
    const img = await readImage(await save('exif.jpg', jpg));
    expect(img.metadata.exif?.toString('latin1')).toContain('UnitTestCam');
    expect(img.metadata.density).toBe(300);
  });
});

describe('probeImage', () => {
  it('reports layout without decoding', async () => {
    const rgba16 = await sharpOf(noisePixels(10, 6, 4, 16))
      .png()
      .toBuffer();
    expect(await probeImage(await save('probe.png', rgba16))).toEqual({
      width: 10,
      height: 6,
      channels: 4,
      bitDepth: 16,
      format: 'png',
      hasAlpha: true,
      isGray: false,
    });
    const gray = await sharpOf(noisePixels(5, 7, 1, 8))
      .jpeg()
      .toBuffer();
    expect(await probeImage(await save('probe-gray.jpg', gray))).toMatchObject({
      width: 5,
      height: 7,
      channels: 1,
      bitDepth: 8,
      isGray: true,
      hasAlpha: false,
      format: 'jpeg',
    });
  });
});
