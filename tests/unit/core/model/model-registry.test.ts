import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultModelRoots,
  listModels,
  resolveModel,
  userModelsDir,
} from '../../../../electron/core/model/model-registry.js';
import { tinyManifest } from './model-fixture.js';

async function manifestOnly(dir: string, name: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.json'), JSON.stringify(tinyManifest(name)));
}

let tmp: string;
let shipped: string;
let user: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'model-registry-'));
  shipped = join(tmp, 'shipped');
  user = join(tmp, 'user');
  // The registry reads nothing but model.json, so manifest-only folders are enough (and fast).
  await manifestOnly(join(shipped, 'liif-edsr-baseline'), 'liif-edsr-baseline');
  await manifestOnly(join(user, 'my-photos'), 'my-photos');
  await manifestOnly(join(user, 'liif-edsr-baseline'), 'user-copy');
  await mkdir(join(user, 'broken'));
  await writeFile(join(user, 'broken', 'model.json'), '{"formatVersion": 99}');
  await mkdir(join(user, 'not-a-model'));
  await writeFile(join(user, 'README.md'), 'notes');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('listModels', () => {
  it('lists folders with a model.json in root order, broken ones with their error, skipping missing roots', async () => {
    const models = await listModels([shipped, join(tmp, 'absent'), user]);
    expect(models.map((m) => [m.name, m.dir])).toEqual([
      ['liif-edsr-baseline', join(shipped, 'liif-edsr-baseline')],
      ['broken', join(user, 'broken')],
      ['liif-edsr-baseline', join(user, 'liif-edsr-baseline')],
      ['my-photos', join(user, 'my-photos')],
    ]);
    expect(models[0].manifest?.name).toBe('liif-edsr-baseline');
    expect(models[3].manifest?.displayName).toBe('Tiny test model');
    expect(models[1].manifest).toBeUndefined();
    expect(models[1].error).toMatch(/broken[/\\]model\.json: formatVersion 99 is not supported/);
  });
});

describe('resolveModel', () => {
  it('uses the default name when none is given, the first root winning', async () => {
    expect(await resolveModel(undefined, [shipped, user])).toBe(join(shipped, 'liif-edsr-baseline'));
    expect(await resolveModel(undefined, [user, shipped])).toBe(join(user, 'liif-edsr-baseline'));
    expect(await resolveModel(undefined, [user], 'my-photos')).toBe(join(user, 'my-photos'));
  });

  it('finds a name in a later root', async () => {
    expect(await resolveModel('my-photos', [shipped, user])).toBe(join(user, 'my-photos'));
  });

  it('an existing folder path wins over names', async () => {
    const path = join(user, 'not-a-model');
    expect(await resolveModel(path, [shipped])).toBe(resolve(path));
  });

  it('an unknown name is a missing ModelError listing the available names', async () => {
    await expect(resolveModel('nope', [shipped, user])).rejects.toMatchObject({
      name: 'ModelError',
      reason: 'missing',
      path: 'nope',
      message: expect.stringMatching(
        /no model folder or model named "nope".*available: liif-edsr-baseline, broken, my-photos$/,
      ),
    });
    await expect(resolveModel(undefined, [join(tmp, 'absent')])).rejects.toMatchObject({
      message: expect.stringMatching(/no models are installed/),
    });
  });
});

describe('model roots', () => {
  it('puts the repository models folder first', () => {
    const [repo] = defaultModelRoots();
    expect(repo).toBe(resolve(import.meta.dirname, '../../../../models'));
  });

  it('picks the per-user folder by platform and environment', () => {
    const home = '/home/ann';
    expect(userModelsDir({ LIIF_MODELS_DIR: '/data/m' }, 'linux', home)).toBe('/data/m');
    expect(userModelsDir({}, 'linux', home)).toBe('/home/ann/.local/share/liif-upscaler/models');
    expect(userModelsDir({ XDG_DATA_HOME: '/xdg' }, 'linux', home)).toBe('/xdg/liif-upscaler/models');
    expect(userModelsDir({ XDG_DATA_HOME: 'relative' }, 'linux', home)).toBe(
      '/home/ann/.local/share/liif-upscaler/models',
    );
    expect(userModelsDir({}, 'darwin', home)).toBe(
      '/home/ann/Library/Application Support/liif-upscaler/models',
    );
    expect(userModelsDir({ APPDATA: '/roaming' }, 'win32', home)).toBe(
      join('/roaming', 'liif-upscaler', 'models'),
    );
    expect(defaultModelRoots()[1]).toBe(userModelsDir(process.env, process.platform, homedir()));
  });
});
