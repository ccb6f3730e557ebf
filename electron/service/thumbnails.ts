/** Small previews for the queue, cached by path, size and modification time. */
import { createHash } from 'node:crypto';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

export const THUMBNAIL_SIDE = 160;

/** Writes (or reuses) a WebP thumbnail of `path` in `cacheDir`; undefined when it cannot be decoded. */
export async function makeThumbnail(path: string, cacheDir: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    const key = createHash('sha1').update(`${path}\0${info.size}\0${info.mtimeMs}`).digest('hex');
    const file = join(cacheDir, `${key}.webp`);
    if (
      await stat(file).then(
        () => true,
        () => false,
      )
    )
      return file;
    await mkdir(cacheDir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await sharp(path, { failOn: 'truncated' })
      .rotate()
      .resize({ width: THUMBNAIL_SIDE, height: THUMBNAIL_SIDE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(temp)
      .catch(async (error: unknown) => {
        await unlink(temp).catch(() => undefined);
        throw error;
      });
    await rename(temp, file);
    return file;
  } catch {
    return undefined;
  }
}
