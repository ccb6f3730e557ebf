/**
 * The app when its GPU provider opens the model but fails on it mid-job: the photo is redone on
 * the CPU (nothing lost, nothing stuck), the row and the status bar say why, later photos and
 * previews stay on the CPU without failing again, and changing the engine setting gives the GPU
 * another chance. The failure is simulated (LIIF_FAULT_PROVIDER_RUN, onnx-runtime.ts) on a real
 * WebGPU session (Mesa's lavapipe on a machine without a GPU); without any WebGPU adapter the model
 * opens on the CPU, nothing can fail over, and the test says it was skipped.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent, EngineStatus } from '../../../electron/ipc/payloads.js';
import { serviceFixture, tinyModelsRoot, writePhoto } from './service-fixture.js';

let modelsDir: string;
let modelsRoot: string;
beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'liif-models-'));
  modelsRoot = await tinyModelsRoot(modelsDir);
  // Worker threads copy the environment when they start, so the seam is set before the service.
  process.env.LIIF_FAULT_PROVIDER_RUN = 'webgpu';
});
afterAll(async () => {
  delete process.env.LIIF_FAULT_PROVIDER_RUN;
  await rm(modelsDir, { recursive: true, force: true });
});

function nextEngine(events: AppEvent[], after: number): Promise<EngineStatus> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      const found = events
        .slice(after)
        .find((e) => e.kind === 'engine' && e.engine.state !== 'loading' && e.engine.state !== 'idle');
      if (found?.kind === 'engine') {
        clearInterval(poll);
        resolve(found.engine);
      }
    }, 20);
  });
}

describe('app service, a GPU that fails mid-job', () => {
  it('redoes the photo on the CPU, says so, and keeps to the CPU until the engine setting changes', async (ctx) => {
    const f = await serviceFixture(modelsRoot);
    try {
      const events: AppEvent[] = [];
      f.service.on((e) => events.push(e));
      await f.service.updateSettings({ provider: 'webgpu', size: { mode: 'scale', scale: 2 } });
      f.service.startEngine();
      const opened = await nextEngine(events, 0);
      if (opened.provider !== 'webgpu') {
        if (process.env.LIIF_REQUIRE_WEBGPU === '1') throw new Error(`no WebGPU: ${opened.reason}`);
        console.log(`[gpu fault] SKIPPED: WebGPU could not open here: ${opened.reason}`);
        ctx.skip();
      }

      await writePhoto(join(f.photos, 'a.png'), 40, 30, 1);
      await writePhoto(join(f.photos, 'b.png'), 24, 20, 2);
      f.service.chosen.add(f.photos);
      await f.service.addPaths({ paths: [f.photos], recursive: false });
      const before = events.length;
      f.service.start();
      await f.service.idle();

      const items = f.service.queueSnapshot().items;
      expect(items.map((i) => i.state)).toEqual(['done', 'done']);
      expect(items[0].notices?.[0]).toMatch(
        /graphics card failed during this photo, so it was redone on the processor \(CPU\): webgpu failed while running the model: simulated device loss/,
      );
      // The second photo went straight to the CPU: no failure, no note.
      expect(items[1].notices ?? []).toEqual([]);
      expect((await readdir(join(f.photos, 'upscaled'))).sort()).toEqual(['a_80x60.png', 'b_48x40.png']);

      // The status bar: CPU, and why.
      const after = await nextEngine(events, before);
      expect(after).toMatchObject({ state: 'ready', provider: 'cpu' });
      expect(after.reason).toMatch(/webgpu failed while running the model.*until the engine setting changes/);

      // A preview now runs on the CPU too, without failing.
      const preview = await f.service.previewRegion({
        id: items[0].id,
        region: { x: 0, y: 0, width: 40, height: 30 },
      });
      expect(preview.usedModel).toBe(true);

      // Another engine setting and back: the GPU is tried again.
      await f.service.updateSettings({ provider: 'cpu' });
      const onCpu = await nextEngine(events, events.length);
      expect(onCpu.provider).toBe('cpu');
      const mark = events.length;
      await f.service.updateSettings({ provider: 'webgpu' });
      expect((await nextEngine(events, mark)).provider).toBe('webgpu');
    } finally {
      await f.cleanup();
    }
  });
});
