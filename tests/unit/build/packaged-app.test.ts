/**
 * The packaged app's layout, made for real: electron-builder --dir runs against a stand-in Electron
 * distribution (its binary cannot be downloaded here; `electronDist` takes any folder), and the
 * test reads what it produced: the asar's contents, the unpacked files and the models, and it
 * starts the packaged workers from `app.asar.unpacked` in plain Node, as the app does
 * (core/worker/start-worker.ts builtWorkerUrl), where no file inside the asar can be read: every
 * import they make must be satisfied by unpacked files. Electron itself is not run.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { listPackage } from '@electron/asar';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtWorkerUrl } from '../../../electron/core/worker/start-worker.js';
import { buildApp } from '../../../scripts/build-app.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const linuxX64 = process.platform === 'linux' && process.arch === 'x64';
if (!linuxX64)
  console.log(
    `[packaged app] SKIPPED: packs for linux x64 only, this is ${process.platform}/${process.arch}`,
  );

/** A message from the worker with this call id, or its load error. */
function callWorker(worker: Worker, method: string, job: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (m: { type: string; id: number; value?: unknown; message?: string }) => {
      if (m.id !== 1) return;
      if (m.type === 'result') resolve(m.value);
      if (m.type === 'error') reject(new Error(m.message));
    });
    worker.postMessage({ type: 'call', id: 1, method, job });
  });
}

/** Imports a built module in a fresh worker thread: 'loaded' or the import's error. */
function loadInWorker(url: URL): Promise<string> {
  const source = `const { parentPort } = require('node:worker_threads');
import(${JSON.stringify(url.href)}).then(() => parentPort.postMessage('loaded'), (e) => parentPort.postMessage('failed: ' + e.message));`;
  const worker = new Worker(source, { eval: true });
  return new Promise((resolve) =>
    worker.once('message', (m: string) => {
      void worker.terminate();
      resolve(m);
    }),
  );
}

describe.runIf(linuxX64)('the packaged app (electron-builder --dir, stand-in Electron)', () => {
  let work: string;
  let resources: string;
  let asar: string[];
  // The package is ~250 MB (ONNX Runtime's binaries for every platform): not left behind.
  afterAll(() => rm(work, { recursive: true, force: true }));
  beforeAll(async () => {
    await buildApp();
    work = await mkdtemp(join(tmpdir(), 'liif-package-'));
    const electronDist = join(work, 'electron-dist');
    await mkdir(join(electronDist, 'resources'), { recursive: true });
    await writeFile(join(electronDist, 'electron'), '#!/bin/sh\necho stand-in\n');
    await chmod(join(electronDist, 'electron'), 0o755);
    await writeFile(join(electronDist, 'LICENSE'), 'stand-in\n');
    const out = join(work, 'out');
    await promisify(execFile)(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'electron-builder', 'cli.js'),
        ...['--config', 'build/electron-builder.json', '--dir', '--linux', '--x64'],
        `-c.electronDist=${electronDist}`,
        `-c.directories.output=${out}`,
      ],
      { cwd: ROOT, timeout: 240_000, maxBuffer: 1 << 24 },
    );
    resources = join(out, 'linux-unpacked', 'resources');
    asar = listPackage(join(resources, 'app.asar'), { isPack: false }).map((p) => p.replaceAll('\\', '/'));
  }, 300_000);

  it('app.asar holds the built app and package.json, nothing from tests, sources or models', () => {
    for (const file of [
      '/package.json',
      '/dist/main/index.js',
      '/dist/main/inference-worker.js',
      '/dist/preload/index.cjs',
      '/dist/renderer/index.html',
    ])
      expect(asar, file).toContain(file);
    const own = asar.filter((p) => !p.startsWith('/node_modules/'));
    const stray = own.filter((p) =>
      /^\/(tests|electron|renderer|scripts|models|build|\.ci|shared)(\/|$)|\.map$|-training|\.ts$/.test(p),
    );
    expect(stray).toEqual([]);
    // Runtime dependencies only: no test runner, no Electron package, no bundler for the renderer.
    const devOnly = ['vitest', 'electron', '@playwright', 'playwright', 'vite', 'svelte', 'electron-builder'];
    for (const name of devOnly) expect(asar, name).not.toContain(`/node_modules/${name}`);
  });

  it('unpacks the workers and everything they import: they start from app.asar.unpacked and upscale', async () => {
    // What the bridge computes in the packaged app from the main bundle's own URL.
    const mainUrl = pathToFileURL(join(resources, 'app.asar', 'dist', 'main', 'index.js')).href;
    const inference = builtWorkerUrl(mainUrl, 'inference-worker');
    expect(inference.pathname).toContain('/resources/app.asar.unpacked/dist/main/inference-worker.js');
    for (const entry of ['finetune-worker', 'sampler-worker'])
      expect(await loadInWorker(builtWorkerUrl(mainUrl, entry)), entry).toBe('loaded');

    const photo = join(await mkdtemp(join(tmpdir(), 'liif-package-photo-')), 'photo.png');
    await sharp({ create: { width: 24, height: 16, channels: 3, background: { r: 90, g: 140, b: 40 } } })
      .png()
      .toFile(photo);
    const worker = new Worker(inference);
    try {
      const config = { model: undefined, provider: 'cpu', roots: [join(resources, 'models')] };
      expect(await callWorker(worker, 'engine', config)).toMatchObject({
        model: 'liif-edsr-baseline',
        provider: 'cpu',
      });
      const result = (await callWorker(worker, 'upscale', {
        config,
        input: photo,
        size: { kind: 'scale', scale: 2 },
        output: { onConflict: 'overwrite', keepMetadata: true },
      })) as { status: string; output: string; error?: string };
      expect(result.status, result.error).toBe('done');
      expect(await sharp(result.output).metadata()).toMatchObject({ width: 48, height: 32 });
    } finally {
      await worker.terminate();
    }
  });

  it('resources/models holds the shipped models, without their training checkpoints', async () => {
    const models = await readdir(join(resources, 'models'));
    expect(models).toEqual(
      expect.arrayContaining(['README.md', 'liif-edsr-baseline', 'liif-edsr-lmf', 'liif-edsr-photo']),
    );
    expect(models.filter((m) => m.endsWith('-training'))).toEqual([]);
    for (const model of models.filter((m) => m.startsWith('liif-')))
      expect((await readdir(join(resources, 'models', model))).sort(), model).toEqual([
        'decoder.onnx',
        'encoder.onnx',
        'model.json',
        'weights.safetensors',
      ]);
  });
});
