import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  childOf,
  isInside,
  OutsideFolderError,
  removeTreeInside,
} from '../../../../electron/core/fs/inside-folder.js';

describe('inside-folder', () => {
  it('says whether a path is strictly inside a folder, after resolving it', () => {
    expect(isInside('/a/b/c', '/a/b')).toBe(true);
    expect(isInside('/a/b/c/d', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b')).toBe(false);
    expect(isInside('/a/b/', '/a/b')).toBe(false);
    expect(isInside('/a/b/c/..', '/a/b')).toBe(false);
    expect(isInside('/a/b/../bc', '/a/b')).toBe(false);
    expect(isInside('/a/bc', '/a/b')).toBe(false);
    expect(isInside('/', '/a/b')).toBe(false);
    expect(isInside('/a/b/..x', '/a/b')).toBe(true);
  });

  it('joins only a single path segment onto a folder', () => {
    expect(childOf('/m', 'birds')).toBe('/m/birds');
    for (const name of ['..', '.', '', 'a/b', '../x', '/etc', 'a/../..'])
      expect(() => childOf('/m', name), name).toThrow(OutsideFolderError);
  });

  it('removes a tree inside its folder and refuses the folder itself or anything outside', async () => {
    const root = await mkdtemp(join(tmpdir(), 'liif-inside-'));
    const folder = join(root, 'models');
    await mkdir(join(folder, 'run', 'deep'), { recursive: true });
    await writeFile(join(folder, 'run', 'deep', 'f'), 'x');
    await writeFile(join(root, 'victim'), 'keep');
    for (const target of [folder, root, join(folder, '..'), join(folder, 'run', '..', '..')])
      await expect(removeTreeInside(target, folder), target).rejects.toThrow(OutsideFolderError);
    expect((await readdir(root)).sort()).toEqual(['models', 'victim']);
    await removeTreeInside(join(folder, 'run'), folder);
    expect(await readdir(folder)).toEqual([]);
  });
});
