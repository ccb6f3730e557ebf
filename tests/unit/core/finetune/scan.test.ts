import { cp, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { FinetuneError } from '../../../../electron/core/finetune/finetune-errors.js';
import { cropsOf, describeCompressionSummary, scanFolders } from '../../../../electron/core/finetune/scan.js';
import { splitHoldout } from '../../../../electron/core/train/data/holdout.js';
import { makePhotoFolder, USABLE_SIZES } from './photo-folder.js';

describe('scanFolders', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'liif-scan-'));
    await makePhotoFolder(dir);
  });

  it('lists usable images with their crops, and skipped files with reasons', async () => {
    const report = await scanFolders([dir], { lrSize: 16 });
    expect(report.usable.map((im) => basename(im.path)).sort()).toEqual(
      USABLE_SIZES.map((_, i) => `photo-${i}.${i % 2 ? 'jpg' : 'png'}`).sort(),
    );
    const first = report.usable.find((im) => basename(im.path) === 'photo-0.png')!;
    expect([first.width, first.height]).toEqual([64, 48]);
    // 64x48 at 16*s: x1 4*3, x2 2*1, x3 1*1, x4 1*0.
    expect(first.crops).toEqual([12, 2, 1, 0]);
    const skipped = Object.fromEntries(report.skipped.map((s) => [basename(s.path), s.reason]));
    expect(skipped['tiny.png']).toBe('too-small');
    expect(skipped['corrupt.jpg']).toBe('not-an-image');
    expect(skipped['cut.png']).toBe('truncated');
    expect(Object.keys(skipped)).not.toContain('notes.txt');
    expect(report.skipped.find((s) => s.reason === 'too-small')?.message).toMatch(/12x30/);
    // Listed beside the file's name, so the message does not repeat it.
    expect(report.skipped.find((s) => s.reason === 'truncated')?.message).toMatch(/^the file is truncated/);
    expect(report.histogram.reduce((a, b) => a + b.count, 0)).toBe(report.usable.length);
    expect(report.histogram[0]).toMatchObject({ label: '0-255', count: report.usable.length });
    expect(report.totalCrops[0]).toBe(report.usable.reduce((a, im) => a + im.crops[0], 0));
    // Three JPEGs at quality 95: counted, and clean enough not to count as compressed.
    expect(report.compression).toEqual({ compressed: 0, jpegs: 3, medianJpegQuality: 95 });
  });

  it('counts compressed photos and their JPEG quality', async () => {
    const mixed = await mkdtemp(join(tmpdir(), 'liif-scan-jpeg-'));
    await makePhotoFolder(mixed);
    const raw = Buffer.alloc(64 * 48 * 3, 90);
    for (const [i, quality] of [50, 70, 80].entries())
      await sharp(raw, { raw: { width: 64, height: 48, channels: 3 } })
        .jpeg({ quality })
        .toFile(join(mixed, `phone-${i}.jpg`));
    const report = await scanFolders([mixed], { lrSize: 16 });
    expect(report.compression).toEqual({ compressed: 3, jpegs: 6, medianJpegQuality: 95 });
    expect(describeCompressionSummary(report.compression, report.usable.length)).toBe(
      '3 of 9 compressed (6 JPEGs, median quality ~95)',
    );
  });

  it('includes subfolders only when asked', async () => {
    const flat = await scanFolders([dir], { lrSize: 16 });
    const deep = await scanFolders([dir], { lrSize: 16, recursive: true });
    expect(deep.usable.length).toBe(flat.usable.length + 2);
    expect(deep.usable.some((im) => im.path.includes(`${join('more', 'sub-0.png')}`))).toBe(true);
  });

  it('the default 48-pixel crop makes small photos too small', async () => {
    const report = await scanFolders([dir]);
    expect(report.usable.map((im) => [im.width, im.height])).toEqual(expect.arrayContaining([[96, 96]]));
    expect(report.skipped.some((s) => basename(s.path) === 'photo-6.png')).toBe(false);
    expect(report.skipped.find((s) => basename(s.path) === 'photo-5.jpg')?.reason).toBe('too-small');
    expect(cropsOf(4000, 3000, 48)).toEqual([83 * 62, 41 * 31, 27 * 20, 20 * 15]);
  });

  it('an empty folder or one without usable images is a clear error', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'liif-empty-'));
    await expect(scanFolders([empty])).rejects.toThrow(/no image files in .*subfolders not included/);
    await expect(scanFolders([empty])).rejects.toBeInstanceOf(FinetuneError);
    const bad = join(empty, 'bad');
    await mkdir(bad);
    await cp(join(dir, 'corrupt.jpg'), join(bad, 'corrupt.jpg'));
    await cp(join(dir, 'cut.png'), join(bad, 'cut.png'));
    await cp(join(dir, 'tiny.png'), join(bad, 'tiny.png'));
    await expect(scanFolders([bad], { lrSize: 16 })).rejects.toThrow(
      /none of the 3 image files .* can be used \(3 skipped: 1 not-an-image, 1 truncated, 1 too-small\)/,
    );
    await expect(scanFolders([join(empty, 'nope')])).rejects.toThrow(/no such file or folder/);
  });

  it('the held-out split is deterministic and does not depend on where the folder is', async () => {
    const other = await mkdtemp(join(tmpdir(), 'liif-scan-copy-'));
    await cp(dir, other, { recursive: true });
    const a = await scanFolders([dir], { lrSize: 16, recursive: true });
    const b = await scanFolders([other], { lrSize: 16, recursive: true });
    const splitA = splitHoldout(
      a.usable.map((im) => im.path),
      0.1,
      0,
    );
    const splitB = splitHoldout(
      b.usable.map((im) => im.path),
      0.1,
      0,
    );
    expect(splitA).toEqual(
      splitHoldout(
        a.usable.map((im) => im.path),
        0.1,
        0,
      ),
    );
    expect(splitA.holdout.length).toBe(1);
    expect(splitA.holdout.map((p) => basename(p))).toEqual(splitB.holdout.map((p) => basename(p)));
    expect(splitA.train.length + splitA.holdout.length).toBe(a.usable.length);
  });
});
