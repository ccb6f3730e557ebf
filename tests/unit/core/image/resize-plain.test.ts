import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { PixelBuffer } from '../../../../electron/core/image/pixel-buffer.js';
import { resizePlain } from '../../../../electron/core/image/resize-plain.js';
import { at, gradientPixels, meanAbsDiff, noisePixels } from './image-fixtures.js';

/** Sharp resize of the same 8-bit RGB pixels, as an independent expectation. */
async function reference(p: PixelBuffer, w: number, h: number): Promise<Buffer> {
  return sharp(p.data, { raw: { width: p.width, height: p.height, channels: p.channels as 3 } })
    .resize(w, h, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
}

describe('resizePlain', () => {
  it.each([
    [1, 8],
    [2, 8],
    [3, 8],
    [4, 8],
    [1, 16],
    [2, 16],
    [3, 16],
    [4, 16],
  ] as const)('%i channels at %i bits keeps its layout', async (channels, depth) => {
    const src = noisePixels(40, 30, channels, depth, channels + depth);
    const out = await resizePlain(src, 17, 11);
    expect(out).toMatchObject({ width: 17, height: 11, channels, bitDepth: depth });
    expect(out.data).toBeInstanceOf(depth === 16 ? Uint16Array : Uint8Array);
    expect(out.data.length).toBe(17 * 11 * channels);
  });

  it('matches a direct sharp Lanczos3 resize', async () => {
    const src = gradientPixels(64, 48, 3);
    const out = await resizePlain(src, 24, 18);
    expect(Array.from(out.data)).toEqual(Array.from(await reference(src, 24, 18)));
  });

  it('keeps 16-bit precision (no 8-bit round trip)', async () => {
    // 12473 lies between two 8-bit levels (48 * 257 and 49 * 257): a round trip would move it by >100.
    const v = 12473;
    const src: PixelBuffer = {
      width: 20,
      height: 20,
      channels: 1,
      bitDepth: 16,
      data: new Uint16Array(400).fill(v),
    };
    const out = await resizePlain(src, 7, 5);
    // libvips' fixed-point Lanczos weights do not sum to exactly 1 for integer images (~0.07%).
    for (const x of out.data) expect(Math.abs(x - v)).toBeLessThan(v * 0.001);
  });

  it('keeps gray+alpha apart (alpha not dropped, gray not mixed into it)', async () => {
    const data = new Uint8Array(32 * 32 * 2);
    for (let i = 0; i < 32 * 32; i++) {
      data[2 * i] = 200;
      data[2 * i + 1] = i % 32 < 16 ? 255 : 0;
    }
    const out = await resizePlain({ width: 32, height: 32, channels: 2, bitDepth: 8, data }, 16, 16);
    expect(at(out, 2, 8, 1)).toBe(255);
    expect(at(out, 13, 8, 1)).toBe(0);
    expect(at(out, 2, 8, 0)).toBe(200);
  });

  it('downscales a gradient to about the same gradient', async () => {
    const src = gradientPixels(64, 64, 1);
    const out = await resizePlain(src, 32, 32);
    const expected = gradientPixels(32, 32, 1);
    expect(meanAbsDiff(out.data, expected.data)).toBeLessThan(4);
  });

  it('rejects bad sizes and buffers', async () => {
    const src = noisePixels(4, 4, 3, 8);
    await expect(resizePlain(src, 0, 3)).rejects.toThrow(RangeError);
    await expect(resizePlain({ ...src, width: 5 }, 2, 2)).rejects.toThrow(/samples/);
  });
});
