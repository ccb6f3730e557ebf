/**
 * Packaging is not run here (no Electron download), so the electron-builder config is checked
 * instead: it must pass electron-builder's own schema and say what the issue asks for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

  it('packs the built app that package.json points at', () => {
    expect(pkg.main).toBe('dist/main/index.js');
    const files = (Array.isArray(config.files) ? config.files : [config.files]).flatMap((f) =>
      typeof f === 'string' ? [f] : (f?.filter ?? []),
    );
    expect(files).toContain('dist/**/*');
    expect(pkg.scripts.package).toContain('build/electron-builder.json');
  });
});
