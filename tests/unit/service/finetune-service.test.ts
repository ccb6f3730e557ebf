import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type {
  FinetuneJob,
  FinetuneResult,
  runFinetuneInWorker,
} from '../../../electron/core/finetune/index.js';
import { ChosenPaths } from '../../../electron/service/chosen-paths.js';
import { FinetuneService } from '../../../electron/service/finetune-service.js';
import { ImageStore } from '../../../electron/service/image-store.js';
import { ServiceError } from '../../../electron/service/service-error.js';
import {
  applyFinetuneUpdate,
  type FinetuneUpdate,
  IDLE_FINETUNE,
} from '../../../electron/shared/finetune-payloads.js';
import { tinyModelsRoot, writePhoto } from './service-fixture.js';

/** A stand-in worker: two steps, then waits for the abort (pause) and reports 'paused'. */
const fakeRunner: typeof runFinetuneInWorker = (job: FinetuneJob, { signal, onEvent } = {}) =>
  new Promise<FinetuneResult>((resolve) => {
    const name = job.kind === 'start' ? job.request.name : job.name;
    for (const step of [1, 2])
      onEvent?.({
        kind: 'step',
        step,
        totalSteps: 10,
        loss: 1 / step,
        lr: 1e-4,
        stepsPerSecond: 5,
        etaMs: 1000,
        timing: { dataMs: 0, computeMs: 0, optimMs: 0 },
      });
    signal?.addEventListener('abort', () => resolve({ status: 'paused', name, step: 2, seconds: 1 }));
  });

async function fixture(existingDir?: string) {
  const dir = existingDir ?? (await mkdtemp(join(tmpdir(), 'liif-ft-service-')));
  const roots = [await tinyModelsRoot(dir), join(dir, 'user')];
  const chosen = new ChosenPaths();
  const updates: FinetuneUpdate[] = [];
  const service = new FinetuneService({
    modelsDir: roots[1],
    roots,
    chosen,
    selectionFile: join(dir, 'finetune-folders.json'),
    provider: () => 'cpu',
    images: new ImageStore(),
    exampleDir: join(dir, 'example'),
    emit: (u) => updates.push(u),
    modelsChanged: async () => undefined,
    runner: fakeRunner,
  });
  return { dir, chosen, updates, service };
}

const request = (folder: string) => ({
  name: 'mine',
  folders: [folder],
  recursive: false,
  base: null,
  budget: { steps: 10 },
  mode: 'full' as const,
});

describe('the fine-tune service', () => {
  it('refuses folders the user did not choose', async () => {
    const f = await fixture();
    await expect(f.service.scan({ folders: ['/etc'], recursive: false })).rejects.toThrow(ServiceError);
    await expect(f.service.start(request('/etc'))).rejects.toThrow(ServiceError);
  });

  it('streams typed updates, pauses, and refuses a second run meanwhile', async () => {
    const f = await fixture();
    f.chosen.add(f.dir);
    const started = await f.service.start(request(f.dir));
    expect(started.status.state).toBe('running');
    expect(started.status.loss).toEqual([
      [1, 1],
      [2, 0.5],
    ]);
    await expect(f.service.start(request(f.dir))).rejects.toThrow(/already going/);
    await f.service.pause();
    await f.service.close();
    expect(f.updates.map((u) => u.kind)).toEqual(['started', 'step', 'step', 'pausing', 'paused']);
    expect((await f.service.overview()).status.state).toBe('paused');
  });

  it('remembers the scanned folders across a restart, forgets removed ones and vanished ones', async () => {
    const f = await fixture();
    const [a, b] = [join(f.dir, 'a'), join(f.dir, 'b')];
    await Promise.all([mkdir(a), mkdir(b)]);
    await writePhoto(join(a, 'one.png'), 64, 48);
    await writePhoto(join(b, 'two.png'), 64, 48);
    f.chosen.add(a);
    f.chosen.add(b);
    expect((await f.service.overview()).selection).toEqual({ folders: [], recursive: false });
    await f.service.scan({ folders: [a, b], recursive: true });

    // A new service over the same data folder (the app restarted): the folders are back, and
    // count as chosen again, so scanning them is allowed.
    const restarted = await fixture(f.dir);
    expect(restarted.chosen.covers(a)).toBe(false);
    expect((await restarted.service.overview()).selection).toEqual({ folders: [a, b], recursive: true });
    expect(restarted.chosen.covers(a)).toBe(true);
    await rm(b, { recursive: true });
    expect((await restarted.service.overview()).selection.folders).toEqual([a]);

    // Clearing the list is remembered too.
    const cleared = await restarted.service.scan({ folders: [], recursive: false });
    expect(cleared.usable).toEqual([]);
    expect((await (await fixture(f.dir)).service.overview()).selection.folders).toEqual([]);
  });

  it('cancelling a running run ends idle', async () => {
    const f = await fixture();
    f.chosen.add(f.dir);
    await f.service.start(request(f.dir));
    const overview = await f.service.cancel({ name: 'mine' });
    expect(overview.status).toEqual(IDLE_FINETUNE);
    expect(f.updates.at(-1)).toEqual({ kind: 'cancelled', name: 'mine' });
  });
});

describe('the fine-tune status reducer', () => {
  it('keeps the chart of a resumed run and replaces points on a repeated step', () => {
    let s = applyFinetuneUpdate(IDLE_FINETUNE, {
      kind: 'started',
      name: 'a',
      baseName: 'b',
      mode: 'full',
      resumed: false,
    });
    s = applyFinetuneUpdate(s, { kind: 'step', step: 1, loss: 0.5, stepsPerSecond: 1 });
    s = applyFinetuneUpdate(s, { kind: 'validation', step: 0, psnr: 20, basePsnr: 20 });
    s = applyFinetuneUpdate(s, { kind: 'paused', name: 'a', step: 1 });
    s = applyFinetuneUpdate(s, { kind: 'started', name: 'a', baseName: 'b', mode: 'full', resumed: true });
    s = applyFinetuneUpdate(s, { kind: 'step', step: 1, loss: 0.4, stepsPerSecond: 1 });
    expect(s.state).toBe('running');
    expect(s.loss).toEqual([[1, 0.4]]);
    expect(s.basePsnr).toBe(20);
  });
});
