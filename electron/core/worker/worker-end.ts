/**
 * Waiting for a worker thread to end without cutting it off inside a native call: terminating a
 * thread while it is in onnxruntime or sharp aborts the whole process (inference-bridge.ts), so a
 * worker is asked to end and given time; terminate is the last resort after that time.
 */
import type { Worker } from 'node:worker_threads';

/** Resolves when `worker` has ended: by itself within `graceMs`, or else terminated (0: at once). */
export function workerEnded(worker: Worker, graceMs: number): Promise<void> {
  if (worker.threadId < 0) return Promise.resolve();
  return new Promise((resolve) => {
    const lastResort = setTimeout(() => void worker.terminate(), Math.max(0, graceMs));
    worker.once('exit', () => {
      clearTimeout(lastResort);
      resolve();
    });
  });
}
