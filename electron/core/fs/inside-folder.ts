/**
 * Paths built from a name and a folder, and recursive deletes, that cannot leave the folder they
 * belong to. A checked name is the first guard (model-name.ts); these are the second, so a bug in
 * a caller, a symlinked parent or an unchecked name still cannot remove or write anything outside.
 */
import { rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** A path that would leave its folder: a programming error, never a user's mistake. */
export class OutsideFolderError extends Error {
  override readonly name = 'OutsideFolderError';
  constructor(
    readonly target: string,
    readonly folder: string,
  ) {
    super(`refused: ${target} is not inside ${folder}`);
  }
}

/**
 * True when `target` is strictly inside `folder` (not the folder itself), comparing resolved paths.
 * On Windows, relative() across drives returns an absolute path, hence the isAbsolute check.
 */
export function isInside(target: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(target));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** `folder/name` for a name already checked by model-name.ts; throws when it would be anything else. */
export function childOf(folder: string, name: string): string {
  const child = join(folder, name);
  const rel = relative(resolve(folder), resolve(child));
  // join() would make '/etc' and 'a/../b' single segments: refuse any separator in the name itself.
  if (
    name.includes('/') ||
    name.includes(sep) ||
    rel === '' ||
    rel.includes(sep) ||
    rel === '..' ||
    isAbsolute(rel)
  )
    throw new OutsideFolderError(child, folder);
  return child;
}

/** rm -r of `target`, only after asserting it lies inside `folder`. */
export async function removeTreeInside(target: string, folder: string): Promise<void> {
  if (!isInside(target, folder)) throw new OutsideFolderError(target, folder);
  await rm(target, { recursive: true, force: true });
}
