import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelDir } from '../../../../electron/core/model/model-dir.js';
import {
  deleteModel,
  exportModel,
  importModel,
  renameModel,
} from '../../../../electron/core/model/model-library.js';
import { listModels } from '../../../../electron/core/model/model-registry.js';
import { makeTinyModelRoot } from '../../../helpers/tiny-model.js';

describe('model library', () => {
  it('renames, exports, imports and deletes whole model folders', async () => {
    const { root } = await makeTinyModelRoot('first');
    const names = async () => (await listModels([root])).map((m) => m.name);
    const renamed = await renameModel(root, 'first', 'holiday photos');
    expect((await loadModelDir(renamed)).manifest.name).toBe('holiday photos');
    expect(await names()).toEqual(['holiday photos']);

    const shelf = await mkdtemp(join(tmpdir(), 'liif-export-'));
    const exported = await exportModel(renamed, shelf);
    expect(exported).toBe(join(shelf, 'holiday photos'));
    await expect(exportModel(renamed, shelf)).rejects.toThrow(/already exists/);

    await expect(importModel(exported, root)).rejects.toThrow(
      /a model named "holiday photos" already exists/,
    );
    const imported = await importModel(exported, root, 'copy');
    expect((await loadModelDir(imported)).manifest.name).toBe('copy');
    expect(await names()).toEqual(['copy', 'holiday photos']);

    await deleteModel(root, 'holiday photos');
    expect(await names()).toEqual(['copy']);
    // No temporary folders left behind.
    expect((await readdir(root)).sort()).toEqual(['copy']);
  });

  it('refuses names that are not plain folder names and folders that are not models', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'liif-outside-'));
    for (const bad of ['..', '../x', '.', 'a/b', 'a\\b', outside, 'a\0b'])
      await expect(deleteModel(join(outside, 'models'), bad)).rejects.toThrow(/not a usable model name/);
    expect(await readdir(outside)).toEqual([]);
    const { root } = await makeTinyModelRoot('m');
    const notAModel = await mkdtemp(join(tmpdir(), 'liif-not-model-'));
    await expect(importModel(notAModel, root)).rejects.toThrow(/model.json/);
    expect((await readdir(root)).sort()).toEqual(['m']);
  });
});
