import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FinetuneEvent } from '../../../../electron/core/finetune/finetune.js';
import {
  runFinetuneInWorker,
  startFinetuneWorker,
} from '../../../../electron/core/finetune/finetune-bridge.js';
import { FinetuneError } from '../../../../electron/core/finetune/finetune-errors.js';
import { listModels } from '../../../../electron/core/model/model-registry.js';
import { makeTinyModelRoot } from '../../../helpers/tiny-model.js';
import { makePhotoFolder } from './photo-folder.js';

const KNOBS = {
  batchSize: 2,
  lrSize: 16,
  queries: 64,
  learningRate: 1e-3,
  validateEvery: 2,
  checkpointEvery: 1,
};

describe('fine-tuning in a worker thread', () => {
  let photos: string;
  let base: { root: string; dir: string };
  beforeAll(async () => {
    photos = await mkdtemp(join(tmpdir(), 'liif-bridge-photos-'));
    await makePhotoFolder(photos);
    base = await makeTinyModelRoot('base', 4);
  });

  it('streams events, pauses on abort, resumes and saves', async () => {
    const env = { modelsDir: await mkdtemp(join(tmpdir(), 'liif-bridge-models-')), roots: [base.root] };
    const controller = new AbortController();
    const events: FinetuneEvent[] = [];
    const paused = await runFinetuneInWorker(
      {
        kind: 'start',
        request: { name: 'bridged', folders: [photos], from: base.dir, budget: { steps: 4 }, knobs: KNOBS },
        env,
      },
      {
        signal: controller.signal,
        onEvent: (e) => {
          events.push(e);
          if (e.kind === 'step' && e.step === 1) controller.abort();
        },
      },
    );
    // The abort crosses to the worker thread while it trains, and the trainer stops at the first
    // step boundary after it arrives: after step 1, and (a step takes milliseconds here) perhaps
    // after step 2, but before the 4-step budget is spent.
    expect(paused.status).toBe('paused');
    if (paused.status !== 'paused') throw new Error('not paused');
    expect(paused.step).toBeGreaterThanOrEqual(1);
    expect(paused.step).toBeLessThan(4);
    expect(events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['scan', 'run', 'baseline', 'step', 'checkpoint']),
    );
    const done = await runFinetuneInWorker({ kind: 'resume', name: 'bridged', env });
    expect(done).toMatchObject({ status: 'saved', steps: 4, name: 'bridged' });
    expect((await listModels([env.modelsDir])).map((m) => m.name)).toEqual(['bridged']);
  });

  it('lets the worker end by itself after it answers, without terminating it, then settles', async () => {
    // Terminating a thread inside onnxruntime aborts the process (inference-bridge.ts), so the
    // bridge must not terminate a worker that has just answered and may be releasing its sessions.
    const env = { modelsDir: await mkdtemp(join(tmpdir(), 'liif-bridge-models-')), roots: [base.root] };
    let worker: Worker | undefined;
    let terminated = false;
    const start = () => {
      worker = startFinetuneWorker();
      const terminate = worker.terminate.bind(worker);
      worker.terminate = () => {
        terminated = true;
        return terminate();
      };
      return worker;
    };
    const request = { name: 'ends', folders: [photos], from: base.dir, budget: { steps: 1 }, knobs: KNOBS };
    const exitCode = new Promise<number>((resolve) => {
      const wait = () => (worker ? worker.once('exit', resolve) : setImmediate(wait));
      wait();
    });
    const done = await runFinetuneInWorker({ kind: 'start', request, env }, {}, start);
    expect(done).toMatchObject({ status: 'saved', steps: 1 });
    // The result comes once the thread has ended: closing the app after it is safe.
    expect(worker?.threadId).toBe(-1);
    expect(await exitCode).toBe(0);
    expect(terminated).toBe(false);
    expect(worker).toBeInstanceOf(Worker);
  });

  it('passes FinetuneErrors through with their code', async () => {
    const env = { modelsDir: await mkdtemp(join(tmpdir(), 'liif-bridge-models-')), roots: [base.root] };
    const empty = await mkdtemp(join(tmpdir(), 'liif-bridge-empty-'));
    const run = runFinetuneInWorker({
      kind: 'start',
      request: { name: 'x', folders: [empty], from: base.dir, budget: { steps: 1 }, knobs: KNOBS },
      env,
    });
    await expect(run).rejects.toBeInstanceOf(FinetuneError);
    await expect(run).rejects.toMatchObject({ code: 'no-images' });
  });
});
