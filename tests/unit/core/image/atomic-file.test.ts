import { readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageError } from '../../../../electron/core/image/image-errors.js';
import type { PixelBuffer } from '../../../../electron/core/image/pixel-buffer.js';
import { writeImage } from '../../../../electron/core/image/write-image.js';
import { listDir, makeTempDir, noisePixels } from './image-fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(() => cleanup());

const pixels = noisePixels(16, 12, 3, 8, 21);
const isTemp = (name: string) => name.endsWith('.tmp');

/**
 * A signal that aborts itself the first time the writer checks it after the temp file exists,
 * so the abort lands deterministically between "temp written" and "renamed into place".
 */
function abortOnceTempExists(folder: string): { signal: AbortSignal; fired: () => boolean } {
  const ac = new AbortController();
  const real = ac.signal;
  const signal = new Proxy(real, {
    get(target, prop) {
      if (prop === 'throwIfAborted' || prop === 'aborted') {
        if (!target.aborted && readdirSync(folder).some(isTemp)) ac.abort();
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { signal, fired: () => real.aborted };
}

describe('atomic write', () => {
  it('leaves only the final file on success', async () => {
    const res = await writeImage(pixels, {}, join(dir, 'a.png'), { format: 'png' });
    expect(res).toEqual({ path: join(dir, 'a.png'), skipped: false });
    expect(await listDir(dir)).toEqual(['a.png']);
    expect((await sharp(res.path).metadata()).width).toBe(16);
  });

  it('removes the temp file when the final rename fails', async () => {
    // A non-empty folder cannot be replaced by a file: the encode succeeds, the commit fails.
    await mkdir(join(dir, 'taken.png'));
    await writeFile(join(dir, 'taken.png', 'keep.txt'), 'x');
    const err = await writeImage(pixels, {}, join(dir, 'taken.png'), {
      format: 'png',
      onConflict: 'overwrite',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as ImageError).reason).toBe('write-failed');
    expect((err as ImageError).message.startsWith('taken.png: ')).toBe(true);
    expect(await listDir(dir)).toEqual(['taken.png']);
    expect(await listDir(join(dir, 'taken.png'))).toEqual(['keep.txt']);
  });

  it('writes nothing for an invalid pixel buffer', async () => {
    const bad: PixelBuffer = { ...pixels, data: pixels.data.subarray(1) };
    await expect(writeImage(bad, {}, join(dir, 'bad.png'), { format: 'png' })).rejects.toMatchObject({
      reason: 'write-failed',
    });
    const wrongType: PixelBuffer = { ...pixels, bitDepth: 16 };
    await expect(writeImage(wrongType, {}, join(dir, 'bad.png'), { format: 'png' })).rejects.toThrow(
      /Uint16Array/,
    );
    expect(await listDir(dir)).toEqual([]);
  });

  it('fails cleanly when the folder does not exist', async () => {
    await expect(
      writeImage(pixels, {}, join(dir, 'missing', 'a.png'), { format: 'png' }),
    ).rejects.toMatchObject({ reason: 'write-failed' });
    expect(await listDir(dir)).toEqual([]);
  });

  it('an abort before starting writes nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(
      writeImage(pixels, {}, join(dir, 'a.png'), { format: 'png', signal: ac.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(await listDir(dir)).toEqual([]);
  });

  it('an abort after the temp file was written removes it and leaves no final file', async () => {
    const { signal, fired } = abortOnceTempExists(dir);
    await expect(writeImage(pixels, {}, join(dir, 'a.png'), { format: 'png', signal })).rejects.toMatchObject(
      {
        name: 'AbortError',
      },
    );
    expect(fired()).toBe(true);
    expect(await listDir(dir)).toEqual([]);
  });
});

describe('conflict policy', () => {
  async function existing(name: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, 'previous contents');
    return path;
  }

  it('rename (the default) numbers the new file and keeps the old one', async () => {
    const path = await existing('photo.png');
    const first = await writeImage(pixels, {}, path, { format: 'png' });
    const second = await writeImage(pixels, {}, path, { format: 'png', onConflict: 'rename' });
    expect(first).toEqual({ path: join(dir, 'photo (1).png'), skipped: false });
    expect(second.path).toBe(join(dir, 'photo (2).png'));
    expect(await readFile(path, 'utf8')).toBe('previous contents');
    expect(await listDir(dir)).toEqual(['photo (1).png', 'photo (2).png', 'photo.png']);
    expect((await sharp(second.path).metadata()).format).toBe('png');
  });

  it('rename uses the plain name when it is free', async () => {
    const res = await writeImage(pixels, {}, join(dir, 'new.webp'), { format: 'webp' });
    expect(res.path).toBe(join(dir, 'new.webp'));
  });

  it('skip leaves the existing file untouched and writes nothing', async () => {
    const path = await existing('photo.jpg');
    const res = await writeImage(pixels, {}, path, { format: 'jpeg', onConflict: 'skip' });
    expect(res).toEqual({ path, skipped: true });
    expect(await readFile(path, 'utf8')).toBe('previous contents');
    expect(await listDir(dir)).toEqual(['photo.jpg']);
  });

  it('skip writes when the name is free', async () => {
    const res = await writeImage(pixels, {}, join(dir, 'free.png'), { format: 'png', onConflict: 'skip' });
    expect(res.skipped).toBe(false);
    expect(await listDir(dir)).toEqual(['free.png']);
  });

  it('overwrite replaces the file in place', async () => {
    const path = await existing('photo.tif');
    const res = await writeImage(pixels, {}, path, { format: 'tiff', onConflict: 'overwrite' });
    expect(res).toEqual({ path, skipped: false });
    expect((await sharp(path).metadata()).format).toBe('tiff');
    expect(await listDir(dir)).toEqual(['photo.tif']);
  });

  it('parallel writes to one name all land under distinct names', async () => {
    const results = await Promise.all(
      [0, 1, 2, 3].map(() => writeImage(pixels, {}, join(dir, 'same.png'), { format: 'png' })),
    );
    expect(new Set(results.map((r) => r.path)).size).toBe(4);
    expect(await listDir(dir)).toEqual(['same (1).png', 'same (2).png', 'same (3).png', 'same.png']);
  });
});
