/**
 * The main-side handle on a fine-tuning run in a worker thread (like service/inference-bridge.ts):
 * one worker per run, events forwarded as they come, abort = pause (the worker checkpoints and
 * answers 'paused').
 *
 * The worker ends by itself after its answer (finetune-worker.ts closes its port). It is not
 * terminated then: terminating a thread that is still inside onnxruntime (releasing its sessions,
 * say) aborts the whole process (inference-bridge.ts). terminate is the last resort, for a worker
 * that has not ended END_GRACE_MS after answering, or has not paused PAUSE_GRACE_MS after being
 * asked; that loses at most the last checkpoint interval, exactly like a crash. A run's promise
 * settles once its worker has ended.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker/start-worker.js';
import { workerEnded } from '../worker/worker-end.js';
import type { FinetuneEvent, FinetuneResult } from './finetune.js';
import { FinetuneError } from './finetune-errors.js';
import type { FinetuneJob, FromFinetuneWorker, ToFinetuneWorker } from './finetune-protocol.js';

/** A training step plus a validation can take a while on a slow CPU. */
export const PAUSE_GRACE_MS = 120_000;
/** How long a worker that has answered may take to release its sessions and end. */
export const END_GRACE_MS = 10_000;

/** The built `.js` worker in the packaged app, or the TypeScript source through tsx from source. */
export function startFinetuneWorker(): Worker {
  return startWorker(import.meta.url, 'finetune-worker');
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: FinetuneEvent) => void;
}

/** Runs one fine-tuning job in a fresh worker; resolves with its result, rejects with FinetuneError or Error. */
export function runFinetuneInWorker(
  job: FinetuneJob,
  { signal, onEvent }: RunOptions = {},
  start: () => Worker = startFinetuneWorker,
  graceMs = PAUSE_GRACE_MS,
  endGraceMs = END_GRACE_MS,
): Promise<FinetuneResult> {
  const worker = start();
  const send = (message: ToFinetuneWorker) => worker.postMessage(message);
  return new Promise<FinetuneResult>((resolve, reject) => {
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void, terminateAfterMs: number) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      // Settles once the thread is gone, so that closing the app after a pause never exits the
      // process under a worker still inside onnxruntime.
      void workerEnded(worker, terminateAfterMs).then(outcome);
    };
    const onAbort = () => {
      send({ type: 'pause' });
      killTimer = setTimeout(
        () =>
          finish(
            () =>
              reject(
                new Error('the fine-tuning worker did not stop in time; resume from the last checkpoint'),
              ),
            0,
          ),
        graceMs,
      );
    };
    worker.on('message', (message: FromFinetuneWorker) => {
      if (message.type === 'event') onEvent?.(message.event);
      else if (message.type === 'done') finish(() => resolve(message.result), endGraceMs);
      else
        finish(
          () =>
            reject(
              message.code ? new FinetuneError(message.code, message.message) : new Error(message.message),
            ),
          endGraceMs,
        );
    });
    worker.on('error', (error) =>
      finish(() => reject(new Error(`the fine-tuning worker crashed: ${error.message}`)), endGraceMs),
    );
    worker.on('exit', (code) =>
      finish(() => reject(new Error(`the fine-tuning worker stopped (exit code ${code})`)), 0),
    );
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    send({ type: 'run', job });
  });
}
