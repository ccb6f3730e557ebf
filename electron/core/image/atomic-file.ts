import { randomBytes } from 'node:crypto';
import { access, link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

import type { ConflictPolicy } from '../../shared/vocabulary.js';

export type { ConflictPolicy } from '../../shared/vocabulary.js';

/** Hidden temp name next to the target, so the final rename stays on one file system (atomic). */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** `name (n).ext` for n = 1, 2, ... */
export function numberedPath(target: string, n: number): string {
  const ext = extname(target);
  return join(dirname(target), `${basename(target, ext)} (${n})${ext}`);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Flush the temp file's data so a crash right after the rename cannot leave an empty file. */
export async function syncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Give `temp` the name `target` only if that name is free, atomically: link() fails with EEXIST
 * instead of replacing, which closes the race between "is the name free?" and "take it" when
 * several jobs write into one folder. File systems without hard links (FAT, exFAT, some network
 * shares) fall back to check-then-rename.
 * Returns false when the name is taken.
 */
async function claimName(temp: string, target: string): Promise<boolean> {
  try {
    await link(temp, target);
  } catch (err) {
    if (code(err) === 'EEXIST') return false;
    if (await exists(target)) return false;
    await rename(temp, target);
    return true;
  }
  await removeQuietly(temp);
  return true;
}

const MAX_RENAMES = 10_000;

/**
 * Move a finished temp file to its final name under the conflict policy. The temp file is gone
 * afterwards except when this throws, in which case the caller removes it.
 */
export async function commitFile(
  temp: string,
  target: string,
  policy: ConflictPolicy,
): Promise<{ path: string; skipped: boolean }> {
  if (policy === 'overwrite') {
    await rename(temp, target);
    return { path: target, skipped: false };
  }
  if (await claimName(temp, target)) return { path: target, skipped: false };
  if (policy === 'skip') {
    await removeQuietly(temp);
    return { path: target, skipped: true };
  }
  for (let n = 1; n <= MAX_RENAMES; n++) {
    const candidate = numberedPath(target, n);
    if (await claimName(temp, candidate)) return { path: candidate, skipped: false };
  }
  throw new Error(`no free name after ${MAX_RENAMES} tries`);
}
