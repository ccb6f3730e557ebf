import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJson, liif } from '../../helpers/run-cli.js';
import { makeTinyModelRoot } from '../../helpers/tiny-model.js';

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

  it('a bad name is one readable line and exit 2, for every subcommand that takes one', async () => {
    const source = await makeTinyModelRoot('fine');
    const mine = await mkdtemp(join(tmpdir(), 'liif-mine-'));
    const env = { LIIF_MODELS_DIR: mine };
    expect((await liif(['models', 'import', source.dir, 'a'], env)).code).toBe(0);
    const out = await mkdtemp(join(tmpdir(), 'liif-export-'));
    for (const args of [
      ['rename', 'a', '../x'],
      ['rename', '..', 'b'],
      ['import', source.dir, '../../escape'],
      ['delete', '..'],
      ['delete', '/etc'],
      ['export', 'a/../..', out],
    ]) {
      const r = await liif(['models', ...args], env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(args[0] === 'export' ? /^liif: / : /^liif: .*not a usable model name/);
      expect(r.stderr).not.toMatch(/RangeError|\n\s+at /);
    }
    expect((await readdir(mine)).sort()).toEqual(['a']);
  });

  it('refuses to import a model under the name of a shipped one, and says which', async () => {
    const source = await makeTinyModelRoot('liif-edsr-baseline');
    const mine = await mkdtemp(join(tmpdir(), 'liif-mine-'));
    const env = { LIIF_MODELS_DIR: mine };
    const r = await liif(['models', 'import', source.dir], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /a model named "liif-edsr-baseline" is already installed \(.*models.liif-edsr-baseline\); give this one another name/,
    );
    expect(await readdir(mine)).toEqual([]);
    const renamed = await liif(['models', 'import', source.dir, 'my-baseline'], env);
    expect(renamed.code, renamed.stderr).toBe(0);
    const clash = await liif(['models', 'rename', 'my-baseline', 'liif-edsr-baseline'], env);
    expect(clash.code).toBe(2);
    expect(await readdir(mine)).toEqual(['my-baseline']);
  });
});
