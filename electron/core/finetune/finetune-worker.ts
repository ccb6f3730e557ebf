/**
 * The worker thread a fine-tuning run lives in, so training never blocks the Electron main
 * process (onnxruntime-node runs each step synchronously on its calling thread). One run per
 * worker; a 'pause' message aborts the run, which checkpoints and returns 'paused'. After its
 * answer the worker closes its port and ends by itself: the bridge does not terminate a thread
 * that may still be inside onnxruntime (finetune-bridge.ts).
 */
import { parentPort } from 'node:worker_threads';
import { errorText } from '../image/image-errors.js';
import { type FinetuneEvent, resumeFinetune, startFinetune } from './finetune.js';
import { FinetuneError } from './finetune-errors.js';
import type { FromFinetuneWorker, ToFinetuneWorker } from './finetune-protocol.js';

const port = parentPort;
if (!port) throw new Error('finetune-worker must run in a worker thread');
const post = (message: FromFinetuneWorker) => port.postMessage(message);
const controller = new AbortController();

port.on('message', (message: ToFinetuneWorker) => {
  if (message.type === 'pause') {
    controller.abort();
    return;
  }
  const { job } = message;
  const callbacks = {
    signal: controller.signal,
    onEvent: (event: FinetuneEvent) => post({ type: 'event', event }),
  };
  const run =
    job.kind === 'start'
      ? startFinetune(job.request, job.env, callbacks)
      : resumeFinetune(job.name, job.env, callbacks, job.budget);
  run
    .then(
      (result) => post({ type: 'done', result }),
      (error: unknown) =>
        post({
          type: 'error',
          message: errorText(error),
          ...(error instanceof FinetuneError ? { code: error.code } : {}),
        }),
    )
    .finally(() => port.close());
});
