/**
 * The built app (dist/main, dist/preload, dist/renderer) as Electron would load it, minus Electron:
 * its binary cannot be downloaded here, so the Playwright `_electron` smoke test skips. This
 * builds the bundles and runs them in plain Node against a recording stand-in for Electron's API
 * (tests/helpers/electron-stand-in), which catches what only the built layout can get wrong: a
 * bundle that does not load, a preload that requires more than `electron` (sandboxed preloads
 * cannot), a worker file the bridge cannot find (it found one: fine-tuning's data sampler was
 * missing from dist/main), a handler or protocol not registered, a payload that IPC's structured
 * clone would refuse, a quit that hangs. It does not check Electron itself.
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS } from '../../../electron/shared/channels.js';
import { buildApp } from '../../../scripts/build-app.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const DRIVER = join(ROOT, 'tests', 'helpers', 'electron-stand-in', 'drive-built-app.mjs');

interface Report {
  readonly windowUrl: string;
  readonly webPreferences: Record<string, unknown>;
  readonly schemesRegisteredBeforeReady: boolean;
  readonly channels: string[];
  readonly menuLabels: string[];
  readonly page: { status: number; csp: string | null; hasScript: boolean };
  readonly outsideRenderer: number[];
  readonly preloadRequires: string[];
  readonly exposed: string[];
  readonly apiMethods: string[];
  readonly added: { added: number };
  readonly item: { state: string; error?: string; target: unknown; output?: { path: string } };
  readonly thumbnail: { status: number; type: string | null };
  readonly unknownImage: number;
  readonly refused: unknown[];
  readonly badPayload: { ok: boolean; error?: string };
  readonly navigationBlocked: { elsewhere: boolean; ownPage: boolean };
  readonly windowOpen: unknown;
  readonly permission: { requested: boolean; checked: boolean };
  readonly quitCalls: number;
  readonly firstSnapshot: { queued: number; models: string[] };
  readonly firstEngine: { state: string; model?: string; provider?: string };
  readonly finetuneScan: { usable: number; skipped: number };
  readonly finetune: { outcome: string; error?: string; steps?: number; name?: string; stepEvents: number };
  readonly finetuneState: string;
  readonly modelNames: string[];
  readonly tunedUpscale: { state: string; error?: string; output?: string };
  readonly engine: { state: string; model?: string };
}

describe('the built app, started against a stand-in for Electron', () => {
  let report: Report;
  let photos: string;
  beforeAll(async () => {
    await buildApp();
    photos = await mkdtemp(join(tmpdir(), 'liif-built-photos-'));
    const photo = join(photos, 'photo.png');
    await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 80, b: 30 } } })
      .png()
      .toFile(photo);
    const { stdout } = await promisify(execFile)(process.execPath, [DRIVER, photo], {
      cwd: ROOT,
      timeout: 300_000,
      env: {
        ...process.env,
        STAND_IN_USER_DATA: await mkdtemp(join(tmpdir(), 'liif-built-user-data-')),
        LIIF_MODELS_DIR: await mkdtemp(join(tmpdir(), 'liif-built-models-')),
      },
    });
    report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Report;
  }, 320_000);

  it('opens one secure window on the app:// page, with every channel and the menu', () => {
    expect(report.windowUrl).toBe('app://renderer/index.html');
    expect(report.webPreferences).toMatchObject({
      preload: join(ROOT, 'dist', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(report.schemesRegisteredBeforeReady).toBe(true);
    expect(report.channels).toEqual([...INVOKE_CHANNELS].sort());
    expect(report.menuLabels).toEqual(['&File', 'editMenu', '&Queue', '&View', 'windowMenu']);
    expect(report.page).toMatchObject({ status: 200, hasScript: true });
    expect(report.page.csp).toContain("script-src 'self'");
    expect(report.outsideRenderer).toEqual([404, 404]);
  });

  it('loads the preload as a sandboxed one, requiring only electron, and exposes the API', () => {
    expect(report.preloadRequires).toEqual(['electron']);
    expect(report.exposed).toEqual(['liif']);
    expect(report.apiMethods).toEqual(expect.arrayContaining(['openFiles', 'start', 'onEvent', 'imageUrl']));
  });

  it('upscales a photo picked in the dialog through the preload, in the built worker', () => {
    // Both shipped models: the clean default and the photo model for compressed inputs.
    expect(report.firstSnapshot).toEqual({
      queued: 0,
      models: ['liif-edsr-baseline', 'liif-edsr-lmf', 'liif-edsr-photo'],
    });
    expect(report.firstEngine).toMatchObject({
      state: 'ready',
      model: 'liif-edsr-baseline',
      provider: 'cpu',
    });
    expect(report.added.added).toBe(1);
    expect(report.item).toMatchObject({
      state: 'done',
      target: { width: 100, height: 75 },
      output: { path: join(photos, 'upscaled', 'photo_100x75.png'), width: 100, height: 75 },
    });
    expect(report.thumbnail.status).toBe(200);
    expect(report.thumbnail.type).toMatch(/^image\//);
    expect(report.unknownImage).toBe(404);
  });

  it('fine-tunes in the built workers (run and data sampler), lists the model and upscales with it', () => {
    // The built app once lacked dist/main/sampler-worker.js: every fine-tune failed at its start.
    expect(report.finetuneScan).toEqual({ usable: 3, skipped: 0 });
    expect(report.finetune).toEqual({ outcome: 'done', steps: 2, name: 'stand-in-tuned', stepEvents: 2 });
    expect(report.finetuneState).toBe('done');
    expect(report.modelNames).toEqual([
      'liif-edsr-baseline',
      'liif-edsr-lmf',
      'liif-edsr-photo',
      'stand-in-tuned',
    ]);
    expect(report.tunedUpscale).toEqual({
      state: 'done',
      output: join(photos, 'upscaled', 'photo_100x75 (1).png'),
    });
    expect(report.engine).toMatchObject({ state: 'ready', model: 'stand-in-tuned' });
  });

  it('refuses other senders and bad payloads, navigation, new windows and permissions', () => {
    expect(report.refused).toEqual([
      { ok: false, error: 'refused: unknown sender' },
      { ok: false, error: 'refused: unknown sender' },
    ]);
    expect(report.badPayload.ok).toBe(false);
    expect(report.badPayload.error).toMatch(/^invalid request/);
    expect(report.navigationBlocked).toEqual({ elsewhere: true, ownPage: false });
    expect(report.windowOpen).toEqual({ action: 'deny' });
    expect(report.permission).toEqual({ requested: false, checked: false });
  });

  it('quits after the service has closed, and the process then ends by itself', () => {
    // The first quit is held (will-quit) until the service closes; the second goes through. The
    // driver exiting at all (execFile resolved) means no worker or timer kept it alive.
    expect(report.quitCalls).toBe(2);
  });
});
