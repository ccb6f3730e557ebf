import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeInputKind, inputKind } from '../../../../electron/core/jobs/input-kind.js';
import { noisePixels, sharpOf } from '../image/image-fixtures.js';

describe('which model fits an input', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'liif-input-kind-'));
  });
  const save = async (name: string, bytes: Buffer) => {
    await writeFile(join(dir, name), bytes);
    return join(dir, name);
  };
  const image = () => sharpOf(noisePixels(40, 30, 3, 8, 6));

  it('sends JPEGs below quality 95 and lossy WebP to the photo model, the rest to the clean one', async () => {
    const q70 = await save('q70.jpg', await image().jpeg({ quality: 70 }).toBuffer());
    expect(await inputKind(q70)).toEqual({ kind: 'compressed', compression: { kind: 'jpeg', quality: 70 } });
    const q96 = await save('q96.jpg', await image().jpeg({ quality: 96 }).toBuffer());
    expect((await inputKind(q96)).kind).toBe('clean');
    const lossy = await save('lossy.webp', await image().webp({ quality: 70 }).toBuffer());
    expect((await inputKind(lossy)).kind).toBe('compressed');
    const lossless = await save('lossless.webp', await image().webp({ lossless: true }).toBuffer());
    expect((await inputKind(lossless)).kind).toBe('clean');
    const png = await save('a.png', await image().png().toBuffer());
    expect(await inputKind(png)).toEqual({ kind: 'clean', compression: { kind: 'lossless', format: 'png' } });
    // A JPEG named .png is still a JPEG: the bytes decide.
    const disguised = await save('jpeg.png', await image().jpeg({ quality: 50 }).toBuffer());
    expect((await inputKind(disguised)).kind).toBe('compressed');
    expect(await inputKind(q70, 'clean')).toEqual({ kind: 'clean' });
    expect(await inputKind(png, 'compressed')).toEqual({ kind: 'compressed' });
  });

  it('says what it found and what it did', () => {
    const jpeg = { kind: 'compressed', compression: { kind: 'jpeg', quality: 75 } } as const;
    expect(describeInputKind(jpeg, true)).toBe('compressed photo (JPEG ~q75): artefacts removed');
    expect(describeInputKind(jpeg, false)).toMatch(/no photo model is installed/);
    expect(describeInputKind({ kind: 'clean', compression: { kind: 'lossless', format: 'png' } }, true)).toBe(
      'clean source (lossless PNG)',
    );
  });
});
