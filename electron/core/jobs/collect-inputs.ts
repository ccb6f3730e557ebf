/**
 * Expands the user's files and folders into the list of images to process, in a stable order.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
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

/**
 * Symbolic links are followed (photo libraries often link into other drives); `visited` holds the
 * real paths of folders already walked, so a link back to a parent cannot loop forever.
 */
async function walk(dir: string, recursive: boolean, out: string[], visited: Set<string>): Promise<void> {
  const real = await realpath(dir);
  if (visited.has(real)) return;
  visited.add(real);
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      // A dangling link is not an image; skip it like any other non-image entry.
      const target = await stat(path).catch(() => undefined);
      isDirectory = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
    }
    if (isDirectory) {
      // Never re-read our own output folder as input.
      if (recursive && entry.name !== 'upscaled') await walk(path, recursive, out, visited);
    } else if (isFile && IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
      out.push(path);
    }
  }
}

export async function collectInputs(paths: readonly string[], recursive: boolean): Promise<CollectedInputs> {
  const files: string[] = [];
  const missing: Array<{ path: string; error: string }> = [];
  const visited = new Set<string>();
  for (const p of paths) {
    const path = resolve(p);
    try {
      const info = await stat(path);
      if (info.isDirectory()) await walk(path, recursive, files, visited);
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
