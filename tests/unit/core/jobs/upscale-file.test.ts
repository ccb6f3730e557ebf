import { mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelFiles, LiifEngine } from '../../../../electron/core/infer/liif-engine.js';
import { collectInputs } from '../../../../electron/core/jobs/collect-inputs.js';
import { upscaleFile } from '../../../../electron/core/jobs/upscale-file.js';
import { randomWeights } from '../../../../electron/core/model/random-weights.js';
import { TINY_ARCH } from '../../../helpers/tiny-model.js';

describe('upscaleFile', () => {
  let engine: LiifEngine;
  let dir: string;
  let photo: string;
  beforeAll(async () => {
    engine = await LiifEngine.open(buildModelFiles('tiny', TINY_ARCH, randomWeights(TINY_ARCH, 4)), 'cpu');
    dir = await mkdtemp(join(tmpdir(), 'liif-job-'));
    photo = join(dir, 'photo.png');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#4060a0' } })
      .png()
      .toFile(photo);
  });
  afterAll(() => engine.release());

  it('writes to an "upscaled" folder beside the source by default', async () => {
    const r = await upscaleFile(engine, { input: photo, size: { kind: 'scale', scale: 1.5 }, output: {} });
    expect(r).toMatchObject({
      status: 'done',
      width: 96,
      height: 72,
      output: join(dir, 'upscaled', 'photo_96x72.png'),
    });
  });

  it('cancelling mid-image leaves no file behind, final or temporary', async () => {
    const out = await mkdtemp(join(tmpdir(), 'liif-cancel-'));
    const controller = new AbortController();
    const r = await upscaleFile(
      engine,
      { input: photo, size: { kind: 'scale', scale: 3 }, output: { dir: out }, tileSide: 32 },
      {
        signal: controller.signal,
        onProgress: (e) => {
          if (e.tilesDone === 3) controller.abort();
        },
      },
    );
    expect(r.status).toBe('cancelled');
    expect(await readdir(out)).toEqual([]);
  });

  it('turns each bad input into a failed result that names the file', async () => {
    const empty = join(dir, 'empty.jpg');
    await writeFile(empty, '');
    const big = join(dir, 'big.png');
    await sharp({ create: { width: 300, height: 200, channels: 3, background: '#000' } })
      .png()
      .toFile(big);
    const cases = [
      [empty, {}, /empty\.jpg: the file is empty/],
      [big, { maxInputPixels: 10_000 }, /big\.png: the image is too large/],
      [photo, { maxOutputPixels: 1000 }, /photo\.png: target 128 x 96 is 0 megapixels, beyond the limit/],
      [join(dir, 'missing.png'), {}, /missing\.png/],
    ] as const;
    for (const [input, limits, message] of cases) {
      const r = await upscaleFile(engine, {
        input,
        size: { kind: 'scale', scale: 2 },
        output: { dir },
        ...limits,
      });
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(message);
    }
  });

  it('refuses a size the format cannot store, and skips an existing file, before any upscaling', async () => {
    const out = await mkdtemp(join(tmpdir(), 'liif-early-'));
    let tiles = 0;
    const onProgress = () => void tiles++;
    // 64 x 48 at width 16384: one pixel past WebP's side limit.
    const tooWide = await upscaleFile(
      engine,
      { input: photo, size: { kind: 'width', width: 16384 }, output: { dir: out, format: 'webp' } },
      { onProgress },
    );
    expect(tooWide).toMatchObject({ status: 'failed' });
    expect(tooWide.error).toMatch(/16384x12288, webp allows at most 16383 pixels per side/);
    await writeFile(join(out, 'photo_128x96.png'), 'an earlier result');
    const kept = await upscaleFile(
      engine,
      { input: photo, size: { kind: 'scale', scale: 2 }, output: { dir: out, onConflict: 'skip' } },
      { onProgress },
    );
    expect(kept).toMatchObject({
      status: 'skipped',
      output: join(out, 'photo_128x96.png'),
      width: 128,
      height: 96,
    });
    expect(tiles).toBe(0);
    expect(await readFile(join(out, 'photo_128x96.png'), 'utf8')).toBe('an earlier result');
    expect((await readdir(out)).sort()).toEqual(['photo_128x96.png']);
  });

  it("'overwrite' never replaces the photo itself (also through a link) or another photo of the batch", async () => {
    const folder = await mkdtemp(join(tmpdir(), 'liif-sources-'));
    const a = join(folder, 'a.png');
    const other = join(folder, 'a.jpg');
    await sharp({ create: { width: 20, height: 16, channels: 3, background: '#a04020' } })
      .png()
      .toFile(a);
    await sharp({ create: { width: 20, height: 16, channels: 3, background: '#2040a0' } })
      .jpeg()
      .toFile(other);
    await symlink(a, join(folder, 'link.png'));
    const before = await readFile(a);
    let tiles = 0;
    const onProgress = () => void tiles++;
    const overwrite = (input: string, name: string, format: 'png' | undefined, sources?: string[]) =>
      upscaleFile(
        engine,
        {
          input,
          size: { kind: 'scale', scale: 2 },
          output: { dir: folder, template: name, format, onConflict: 'overwrite' },
          sources,
        },
        { onProgress },
      );
    const cases = [
      await overwrite(a, '{name}.{ext}', undefined),
      await overwrite(join(folder, 'link.png'), 'a.{ext}', undefined),
      await overwrite(other, '{name}.{ext}', 'png', [a, other]),
    ];
    for (const r of cases) {
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(/a\.png: the output would replace a photo being upscaled/);
    }
    expect(tiles).toBe(0);
    expect(await readFile(a)).toEqual(before);
    // Any other existing file is replaced as asked.
    await writeFile(join(folder, 'b.png'), 'an earlier result');
    expect(await overwrite(a, 'b.{ext}', undefined, [a, other])).toMatchObject({ status: 'done', width: 40 });
    expect((await sharp(join(folder, 'b.png')).metadata()).width).toBe(40);
  });

  it('collects images from folders (optionally recursive), skipping its own output folder', async () => {
    const root = await mkdtemp(join(tmpdir(), 'liif-collect-'));
    const sub = join(root, 'sub');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(root, 'upscaled'), { recursive: true }));
    await import('node:fs/promises').then((fs) => fs.mkdir(sub));
    await writeFile(join(root, 'a.jpg'), 'x');
    await writeFile(join(root, 'notes.txt'), 'x');
    await writeFile(join(sub, 'b.PNG'), 'x');
    await writeFile(join(root, 'upscaled', 'a_2x.jpg'), 'x');
    expect((await collectInputs([root], false)).files).toEqual([join(root, 'a.jpg')]);
    expect((await collectInputs([root], true)).files).toEqual([join(root, 'a.jpg'), join(sub, 'b.PNG')]);
    expect((await collectInputs([join(root, 'nope')], true)).missing[0].error).toBe('no such file or folder');
  });

  it('follows symbolic links to images and folders, without looping on a link to a parent', async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), 'liif-linked-'));
    await writeFile(join(elsewhere, 'far.png'), 'x');
    const root = await mkdtemp(join(tmpdir(), 'liif-links-'));
    await symlink(join(elsewhere, 'far.png'), join(root, 'link.png'));
    await symlink(elsewhere, join(root, 'linked-folder'));
    await symlink(root, join(root, 'loop'));
    await symlink(join(root, 'gone.png'), join(root, 'dangling.png'));
    expect((await collectInputs([root], false)).files).toEqual([join(root, 'link.png')]);
    expect((await collectInputs([root], true)).files).toEqual([
      join(root, 'link.png'),
      join(root, 'linked-folder', 'far.png'),
    ]);
  });
});
