/** Generated folders of mixed-size "photos" for fine-tuning tests, with the bad files users have. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

async function photo(file: string, w: number, h: number, seed: number): Promise<void> {
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      raw[o] = 128 + 120 * Math.sin(x / (3 + seed));
      raw[o + 1] = 128 + 120 * Math.cos(y / (4 + seed));
      raw[o + 2] = (x * (y + seed)) % 256;
    }
  const image = sharp(raw, { raw: { width: w, height: h, channels: 3 } });
  await (file.endsWith('.jpg') ? image.jpeg({ quality: 95 }) : image.png()).toFile(file);
}

/** Sizes (w, h) of the usable top-level photos made by makePhotoFolder. */
export const USABLE_SIZES: ReadonlyArray<readonly [number, number]> = [
  [64, 48],
  [80, 60],
  [50, 90],
  [120, 72],
  [96, 96],
  [70, 40],
];

/**
 * `dir` gets six usable photos (PNG and JPEG, mixed sizes), one too small for a 16-pixel crop, a
 * file that is not an image, a truncated PNG, a text file (ignored), and a subfolder with two more
 * photos (used only with subfolders included).
 */
export async function makePhotoFolder(dir: string): Promise<void> {
  await mkdir(join(dir, 'more'), { recursive: true });
  for (const [i, [w, h]] of USABLE_SIZES.entries())
    await photo(join(dir, `photo-${i}.${i % 2 ? 'jpg' : 'png'}`), w, h, i);
  await photo(join(dir, 'tiny.png'), 12, 30, 9);
  await writeFile(join(dir, 'corrupt.jpg'), Buffer.from('this is not a jpeg at all, just text bytes'));
  const whole = await sharp(Buffer.alloc(64 * 64 * 3, 90), { raw: { width: 64, height: 64, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
  await writeFile(join(dir, 'cut.png'), whole.subarray(0, whole.length >> 1));
  await writeFile(join(dir, 'notes.txt'), 'not a photo');
  await photo(join(dir, 'more', 'sub-0.png'), 72, 72, 11);
  await photo(join(dir, 'more', 'sub-1.png'), 66, 52, 12);
}
