/**
 * Packaging is not run here (no Electron download), so the electron-builder config is checked
 * instead: it must pass electron-builder's own schema and say what the issue asks for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher.js';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
// Loaded the way `electron-builder --config build/electron-builder.json` loads it.
const config = await getConfig(ROOT, join(ROOT, 'build', 'electron-builder.json'), null);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
};

const targets = (t: unknown) =>
  (Array.isArray(t) ? t : [t]).map((x) => (typeof x === 'string' ? x : (x as { target: string }).target));

describe('electron-builder config', () => {
  it("passes electron-builder's schema", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('would catch a broken config', async () => {
    await expect(
      validateConfiguration(
        { ...config, linux: { target: 'AppImage', nope: 1 } as never },
        new DebugLogger(false),
      ),
    ).rejects.toThrow();
  });

  it('builds AppImage and deb, NSIS, and dmg', () => {
    expect(targets(config.linux?.target)).toEqual(['AppImage', 'deb']);
    expect(targets(config.win?.target)).toEqual(['nsis']);
    expect(targets(config.mac?.target)).toEqual(['dmg']);
  });

  it('ships models as extra resources and unpacks the native modules from the asar', () => {
    expect(config.extraResources).toContainEqual(expect.objectContaining({ from: 'models', to: 'models' }));
    expect(config.asar).toBe(true);
    for (const native of ['onnxruntime-node', 'sharp', '@img'])
      expect(config.asarUnpack).toContain(`node_modules/${native}/**`);
  });

  it("ships the model folders but not the models' training checkpoints", () => {
    const models = (Array.isArray(config.extraResources) ? config.extraResources : []).find(
      (r): r is { from: string; to: string; filter: string[] } =>
        typeof r === 'object' && r !== null && 'from' in r && r.from === 'models',
    );
    const from = join(ROOT, 'models');
    // electron-builder's own matcher, as it filters the copy of models/ into the package.
    const keep = new FileMatcher(from, 'models', (p) => p, models?.filter).createFilter();
    const stat = (dir: boolean) => ({ isDirectory: () => dir }) as never;
    const shipped = (relative: string, dir = false) => keep(join(from, relative), stat(dir));
    expect(shipped('liif-edsr-baseline', true)).toBe(true);
    for (const file of ['model.json', 'weights.safetensors', 'encoder.onnx', 'decoder.onnx'])
      expect(shipped(`liif-edsr-baseline/${file}`)).toBe(true);
    expect(shipped('README.md')).toBe(true);
    expect(shipped('liif-edsr-baseline-training', true)).toBe(false);
    expect(shipped('liif-edsr-baseline-training/checkpoint.safetensors')).toBe(false);
    // The photo model ships; its training checkpoint does not.
    expect(shipped('liif-edsr-photo/weights.safetensors')).toBe(true);
    expect(shipped('liif-edsr-photo-training/checkpoint.safetensors')).toBe(false);
  });

  it('packs the built app that package.json points at', () => {
    expect(pkg.main).toBe('dist/main/index.js');
    const files = (Array.isArray(config.files) ? config.files : [config.files]).flatMap((f) =>
      typeof f === 'string' ? [f] : (f?.filter ?? []),
    );
    expect(files).toContain('dist/**/*');
    expect(pkg.scripts.package).toContain('build/electron-builder.json');
  });
});
