import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJson, liif } from '../../../helpers/run-cli.js';
import { makeTinyModelRoot } from '../../../helpers/tiny-model.js';

describe('liif models', () => {
  it('imports, renames, exports and deletes a model in the user models folder', async () => {
    const source = await makeTinyModelRoot('shared-model');
    const mine = await mkdtemp(join(tmpdir(), 'liif-mine-'));
    const env = { LIIF_MODELS_DIR: mine };
    const names = async () =>
      lastJson((await liif(['models', '--json'], env)).stdout).models.map((m: { name: string }) => m.name);

    expect((await liif(['models', 'import', source.dir, 'birds'], env)).code).toBe(0);
    expect(await names()).toContain('birds');
    expect((await liif(['models', 'rename', 'birds', 'my-birds'], env)).code).toBe(0);
    expect(await names()).toContain('my-birds');
    expect(await names()).not.toContain('birds');

    const out = await mkdtemp(join(tmpdir(), 'liif-export-'));
    expect((await liif(['models', 'export', 'my-birds', out], env)).code).toBe(0);
    expect((await readdir(join(out, 'my-birds'))).sort()).toEqual([
      'decoder.onnx',
      'encoder.onnx',
      'model.json',
      'weights.safetensors',
    ]);

    expect((await liif(['models', 'delete', 'my-birds'], env)).code).toBe(0);
    expect(await names()).not.toContain('my-birds');
  });

  it('says clearly what is wrong', async () => {
    const env = { LIIF_MODELS_DIR: await mkdtemp(join(tmpdir(), 'liif-mine-')) };
    const missing = await liif(['models', 'delete', 'nothing-here'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nothing-here/);
    const usage = await liif(['models', 'rename', 'only-one'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/wrong number of arguments/);
  });
});
