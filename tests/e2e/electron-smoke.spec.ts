/**
 * Launches the real Electron app when an Electron binary is present (a developer's computer) and
 * checks that the window comes up with the preload API and the empty queue. Where the binary is
 * missing (CI without downloads), the test is skipped and says why.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../../scripts/electron-binary.js';

const ROOT = join(import.meta.dirname, '..', '..');

function electronBinary(): { path?: string; why?: string } {
  const found = findElectronBinary(ROOT);
  if (!found.path) return { why: found.why };
  if (!existsSync(join(ROOT, 'dist', 'main', 'index.js')))
    return { why: 'the app is not built (run `npm run build`)' };
  return { path: found.path };
}

const binary = electronBinary();

test('electron smoke: the window opens with the preload API and an empty queue', async () => {
  if (!binary.path) console.log(`[electron smoke] skipped: ${binary.why}`);
  test.skip(!binary.path, `no Electron binary: ${binary.why}`);
  const app = await electron.launch({ executablePath: binary.path, args: [ROOT], cwd: ROOT });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { name: 'Drop photos or folders anywhere' })).toBeVisible();
    expect(
      await page.evaluate(() => typeof (globalThis as { liif?: { snapshot?: unknown } }).liif?.snapshot),
    ).toBe('function');
    // The sandboxed page has no Node.
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    await expect(page.getByTestId('engine-status')).toBeVisible();
  } finally {
    await app.close();
  }
});
