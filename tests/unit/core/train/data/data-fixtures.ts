/** A generated folder of mixed training images: sizes, depths, alpha, too small, corrupt. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gradientPixels, noisePixels, sharpOf } from '../../image/image-fixtures.js';

export interface MixedFolder {
  readonly dir: string;
  /** Every file, in name order, as a folder listing would give them. */
  readonly files: string[];
  readonly good: string[];
  readonly tooSmall: string;
  readonly notAnImage: string;
  readonly truncated: string;
  readonly gray16: string;
}

/** Writes the mixed folder into `dir` (a temp folder the caller owns). */
export async function makeMixedFolder(dir: string): Promise<MixedFolder> {
  const p = (name: string) => join(dir, name);
  await sharpOf(noisePixels(150, 110, 3, 8, 3))
    .png()
    .toFile(p('a-noise.png'));
  await sharpOf(gradientPixels(200, 96, 3))
    .jpeg({ quality: 95 })
    .toFile(p('b-gradient.jpg'));
  await sharpOf(noisePixels(64, 90, 1, 16, 5))
    .png()
    .toFile(p('c-gray16.png'));
  await sharpOf(gradientPixels(70, 70, 4))
    .png()
    .toFile(p('d-alpha.png'));
  await sharpOf(noisePixels(40, 100, 3, 8, 9))
    .png()
    .toFile(p('e-small.png'));
  await writeFile(p('f-broken.png'), 'this is not a png');
  const jpeg = await sharpOf(noisePixels(120, 120, 3, 8, 11))
    .jpeg({ quality: 90 })
    .toBuffer();
  await writeFile(p('g-truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
  const files = [
    'a-noise.png',
    'b-gradient.jpg',
    'c-gray16.png',
    'd-alpha.png',
    'e-small.png',
    'f-broken.png',
    'g-truncated.jpg',
  ].map(p);
  return {
    dir,
    files,
    good: [files[0], files[1], files[2], files[3]],
    tooSmall: files[4],
    notAnImage: files[5],
    truncated: files[6],
    gray16: files[2],
  };
}
