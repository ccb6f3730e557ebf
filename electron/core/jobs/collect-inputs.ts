/**
 * Expands the user's files and folders into the list of images to process, in a stable order.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';

/** File extensions treated as images when scanning folders (explicitly named files are always tried). */
export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.png',
  '.webp',
  '.avif',
  '.tif',
  '.tiff',
  '.gif',
  '.heic',
  '.heif',
]);

export interface CollectedInputs {
  readonly files: string[];
  /** Paths that do not exist or cannot be read, with the reason. */
  readonly missing: Array<{ path: string; error: string }>;
}

async function walk(dir: string, recursive: boolean, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      // Never re-read our own output folder as input.
      if (recursive && entry.name !== 'upscaled') await walk(path, recursive, out);
    } else if (entry.isFile() && IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
      out.push(path);
    }
  }
}

export async function collectInputs(paths: readonly string[], recursive: boolean): Promise<CollectedInputs> {
  const files: string[] = [];
  const missing: Array<{ path: string; error: string }> = [];
  for (const p of paths) {
    const path = resolve(p);
    try {
      const info = await stat(path);
      if (info.isDirectory()) await walk(path, recursive, files);
      else files.push(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      missing.push({
        path,
        error: code === 'ENOENT' ? 'no such file or folder' : `cannot read (${code ?? error})`,
      });
    }
  }
  return { files: [...new Set(files)], missing };
}
