/** Small generated images for the image I/O tests. Nothing is read from the repository. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import type { Channels, PixelBuffer } from '../../../../electron/core/image/pixel-buffer.js';

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'liif-image-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Deterministic pseudo-random samples (xorshift), full range of the depth. */
export function noisePixels(
  width: number,
  height: number,
  channels: Channels,
  bitDepth: 8 | 16,
  seed = 1,
): PixelBuffer {
  const n = width * height * channels;
  const data = bitDepth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    data[i] = bitDepth === 16 ? s & 0xffff : s & 0xff;
  }
  return { width, height, channels, bitDepth, data };
}

/** Smooth 8-bit gradient with a saturated red block, so lossy codecs stay close and a colour conversion shows. */
export function gradientPixels(width: number, height: number, channels: Channels): PixelBuffer {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const red = x < width / 4 && y < height / 4;
      const v = [
        red ? 255 : Math.round((x / (width - 1)) * 255),
        red ? 0 : Math.round((y / (height - 1)) * 255),
        red ? 0 : 128,
      ];
      if (channels <= 2) data[i] = v[0];
      else for (let c = 0; c < 3; c++) data[i + c] = v[c];
      if (channels === 2 || channels === 4) data[i + channels - 1] = x < width / 2 ? 255 : 64;
    }
  }
  return { width, height, channels, bitDepth: 8, data };
}

/** sharp raw input for a pixel buffer (sharp picks ushort from a Uint16Array). */
export function sharpOf(p: PixelBuffer): Sharp {
  const colourspace =
    p.channels <= 2 ? (p.bitDepth === 16 ? 'grey16' : 'b-w') : p.bitDepth === 16 ? 'rgb16' : 'srgb';
  return sharp(p.data, { raw: { width: p.width, height: p.height, channels: p.channels } }).toColourspace(
    colourspace,
  );
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/** Sample at (x, y) channel c. */
export function at(p: PixelBuffer, x: number, y: number, c: number): number {
  return p.data[(y * p.width + x) * p.channels + c];
}

/** Names in a folder, for checking that no temp file was left behind. */
export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** The bytes of sharp's built-in Display P3 profile (a real, non-sRGB ICC). */
export async function p3Profile(): Promise<Buffer> {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })
    .withIccProfile('p3')
    .png()
    .toBuffer();
  const icc = (await sharp(png).metadata()).icc;
  if (!icc) throw new Error('sharp did not embed the p3 profile');
  return icc;
}
