import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsStore } from '../../../electron/service/settings-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'liif-settings-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('settings store', () => {
  it('starts from defaults and persists updates atomically', async () => {
    const file = join(dir, 'settings.json');
    const store = await SettingsStore.open(file);
    expect(store.current).toEqual(DEFAULT_SETTINGS);
    await store.update({ size: { mode: 'scale', scale: 2.5 }, output: { format: 'webp' } });
    const again = await SettingsStore.open(file);
    expect(again.current.size).toEqual({ mode: 'scale', scale: 2.5 });
    expect(again.current.output).toEqual({ ...DEFAULT_SETTINGS.output, format: 'webp' });
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('flushes the file before the rename and the folder after it, so a power cut cannot leave it empty', async () => {
    const file = join(dir, 'settings.json');
    const flushes: string[] = [];
    const store = await SettingsStore.open(file, (what) => flushes.push(what));
    await store.update({ recursive: true });
    expect(flushes).toEqual(process.platform === 'win32' ? ['file'] : ['file', 'folder']);
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('keeps the valid parts of a damaged file', async () => {
    const file = join(dir, 'settings.json');
    await writeFile(
      file,
      JSON.stringify({ size: { mode: 'scale', scale: -1 }, output: { quality: 50 }, provider: 'cpu' }),
    );
    const store = await SettingsStore.open(file);
    expect(store.current.size).toEqual(DEFAULT_SETTINGS.size);
    expect(store.current.output.quality).toBe(50);
    expect(store.current.provider).toBe('cpu');
    await writeFile(file, '{not json');
    expect((await SettingsStore.open(file)).current).toEqual(DEFAULT_SETTINGS);
  });

  it('serialises concurrent writes; the last one wins', async () => {
    const file = join(dir, 'settings.json');
    const store = await SettingsStore.open(file);
    await Promise.all([1, 2, 3].map((s) => store.update({ size: { mode: 'scale', scale: s } })));
    expect(JSON.parse(await readFile(file, 'utf8')).size.scale).toBe(3);
  });
});
