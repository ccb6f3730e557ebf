/** Every path under a folder with its size and mtime: compare two listings to see that nothing changed. */
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

export async function treeListing(root: string): Promise<string[]> {
  const lines: string[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      const info = await stat(path);
      lines.push(`${relative(root, path)} ${entry.isDirectory() ? 'dir' : `${info.size}b ${info.mtimeMs}`}`);
      if (entry.isDirectory()) await walk(path);
    }
  }
  await walk(root);
  return lines;
}
