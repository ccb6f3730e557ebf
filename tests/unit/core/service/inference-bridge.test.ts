import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { InferenceBridge } from '../../../../electron/core/service/inference-bridge.js';

/** A stand-in worker speaking the bridge protocol: 'upscale' ticks progress until aborted. */
const FAKE = `
const { parentPort } = require('node:worker_threads');
const timers = new Map();
parentPort.on('message', (m) => {
  if (m.type === 'abort') {
    clearInterval(timers.get(m.id));
    parentPort.postMessage({ type: 'error', id: m.id, message: 'aborted', aborted: true });
    return;
  }
  if (m.method === 'engine') { if (m.job.crash) process.exit(3); parentPort.postMessage({ type: 'result', id: m.id, value: { model: 'm', provider: 'cpu', reason: 'r' } }); return; }
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
});
