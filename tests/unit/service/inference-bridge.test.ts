import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { InferenceBridge } from '../../../electron/service/inference-bridge.js';
import { tinyModelsRoot, writePhoto } from './service-fixture.js';

/** A stand-in worker speaking the bridge protocol: 'upscale' ticks progress until aborted. */
const FAKE = `
const { parentPort } = require('node:worker_threads');
const timers = new Map();
let stubborn = false;
parentPort.on('message', (m) => {
  if (m.type === 'close') {
    if (stubborn) return;
    for (const t of timers.values()) clearInterval(t);
    parentPort.close();
    return;
  }
  if (m.type === 'abort') {
    clearInterval(timers.get(m.id));
    parentPort.postMessage({ type: 'error', id: m.id, message: 'aborted', aborted: true });
    return;
  }
  if (m.method === 'engine') { if (m.job.crash) process.exit(3); stubborn = Boolean(m.job.stubborn); parentPort.postMessage({ type: 'result', id: m.id, value: { model: 'm', provider: 'cpu', reason: 'r' } }); return; }
  let n = 0;
  timers.set(m.id, setInterval(() => parentPort.postMessage({ type: 'progress', id: m.id, progress: { fraction: ++n / 1000 } }), 5));
});`;

describe('inference bridge', () => {
  it('starts lazily, relays progress, and aborts between steps', async () => {
    let starts = 0;
    const bridge = new InferenceBridge(() => {
      starts++;
      return new Worker(FAKE, { eval: true });
    });
    expect(starts).toBe(0);
    const controller = new AbortController();
    const fractions: number[] = [];
    const call = bridge.call('upscale', {} as never, {
      signal: controller.signal,
      onProgress: (p) => {
        fractions.push(p.fraction);
        if (fractions.length === 3) controller.abort();
      },
    });
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(starts).toBe(1);
    expect(fractions.length).toBeGreaterThanOrEqual(3);
    await bridge.close();
  });

  it('fails pending calls when the worker dies and starts a new one next time', async () => {
    let starts = 0;
    const bridge = new InferenceBridge(() => {
      starts++;
      return new Worker(FAKE, { eval: true });
    });
    await expect(bridge.call('engine', { crash: true } as never)).rejects.toThrow(/stopped/);
    await expect(bridge.call('engine', {} as never)).resolves.toMatchObject({ provider: 'cpu' });
    expect(starts).toBe(2);
    await bridge.close();
  });

  it('closes a worker that ignores the close message by terminating it after the grace time', async () => {
    const bridge = new InferenceBridge(() => new Worker(FAKE, { eval: true }));
    await bridge.call('engine', { stubborn: true } as never);
    const started = performance.now();
    await bridge.close(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  // The real worker: terminating it inside onnxruntime aborted the whole process (SIGABRT, 4 runs
  // in 4 of this very sequence), so this test passing at all is most of its point.
  it('closes in the middle of a real upscale without killing the process or leaving a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'liif-bridge-'));
    try {
      const roots = [await tinyModelsRoot(dir)];
      await mkdir(join(dir, 'photos'));
      const input = await writePhoto(join(dir, 'photos', 'a.png'), 300, 300);
      const out = join(dir, 'out');
      const bridge = new InferenceBridge();
      const config = { model: undefined, provider: 'cpu' as const, roots };
      await bridge.call('engine', config);
      let tiles = 0;
      let closing: Promise<void> | undefined;
      const upscale = bridge.call(
        'upscale',
        { config, input, size: { kind: 'scale', scale: 8 }, output: { dir: out }, tileSide: 64 },
        {
          onProgress: () => {
            if (++tiles === 5) closing = bridge.close();
          },
        },
      );
      await expect(upscale).rejects.toThrow(/closing/);
      expect(closing).toBeDefined();
      await closing;
      expect(await readdir(out).catch(() => [])).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
