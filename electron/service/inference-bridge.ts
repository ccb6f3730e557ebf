/**
 * The main-side handle on the inference worker (squoosh's worker-bridge): calls are queued as
 * messages, the worker starts on the first call, and an AbortSignal sends an abort (the worker
 * stops between tiles). A worker that crashes, or does not stop in time, is let go and a new one
 * starts on the next call.
 *
 * A worker is never terminated while it may be inside onnxruntime or sharp: terminating a thread
 * during a native call aborts the whole process (measured: closing in the middle of an upscale
 * ended Node with SIGABRT, "terminate called after throwing an instance of 'Napi::Error'", 4 times
 * in 4). One that is let go gets a 'close' message instead, finishes its native call, releases the
 * model and ends by itself; terminate is the last resort for one that has not ended when the
 * bridge closes, CLOSE_GRACE_MS later.
 */
import type { Worker } from 'node:worker_threads';
import type { TileProgress } from '../core/infer/progress.js';
import { startWorker } from '../core/worker/start-worker.js';
import { workerEnded } from '../core/worker/worker-end.js';
import type { FromWorker, ToWorker, WorkerCalls, WorkerMethod } from './worker-protocol.js';

export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: TileProgress) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (progress: TileProgress) => void;
}

/** How long an aborted call may take to stop before the worker is let go (and a new one started). */
export const ABORT_GRACE_MS = 10_000;
/** How long close() waits for the workers to end by themselves before terminating them. */
export const CLOSE_GRACE_MS = 10_000;

function abortError(): Error {
  return new DOMException('The operation was aborted', 'AbortError');
}

/** The inference worker beside this module, built or from source (core/worker/start-worker.ts). */
export function startInferenceWorker(): Worker {
  return startWorker(import.meta.url, 'inference-worker');
}

export class InferenceBridge {
  private worker: Worker | undefined;
  /** Workers let go that are still finishing a native call; each ends by itself. */
  private readonly closing = new Set<Worker>();
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly start: () => Worker = startInferenceWorker) {}

  call<M extends WorkerMethod>(
    method: M,
    job: WorkerCalls[M]['job'],
    options: CallOptions = {},
  ): Promise<WorkerCalls[M]['result']> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError());
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<WorkerCalls[M]['result']>((resolve, reject) => {
      let killTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        this.send({ type: 'abort', id });
        killTimer = setTimeout(() => this.kill(worker, 'the worker did not stop in time'), ABORT_GRACE_MS);
        killTimer.unref();
      };
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        if (killTimer) clearTimeout(killTimer);
        this.pending.delete(id);
        if (this.pending.size === 0) this.worker?.unref();
      };
      this.pending.set(id, {
        resolve: (value) => {
          done();
          resolve(value as WorkerCalls[M]['result']);
        },
        reject: (error) => {
          done();
          reject(error);
        },
        onProgress: options.onProgress,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      // Pending calls keep the process alive; an idle worker does not.
      worker.ref();
      this.send({ type: 'call', id, method, job });
    });
  }

  /** Stops the workers, each after its current native call; pending calls fail. */
  async close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    if (this.worker) this.kill(this.worker, 'the app is closing');
    await Promise.all([...this.closing].map((worker) => workerEnded(worker, graceMs)));
  }

  private send(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.start();
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => this.kill(worker, `the inference worker crashed: ${error.message}`));
    worker.on('exit', (code) => this.kill(worker, `the inference worker stopped (exit code ${code})`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private receive(message: FromWorker): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') pending.onProgress?.(message.progress);
    else if (message.type === 'result') pending.resolve(message.value);
    else pending.reject(message.aborted ? abortError() : new Error(message.message));
  }

  /**
   * Lets a worker go and fails everything that was waiting on it; the next call starts a new one.
   * A live worker is asked to close (it may be inside a native call), not terminated.
   */
  private kill(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (worker.threadId >= 0) {
      this.closing.add(worker);
      worker.once('exit', () => this.closing.delete(worker));
      worker.postMessage({ type: 'close' } satisfies ToWorker);
    }
    for (const pending of [...this.pending.values()]) pending.reject(new Error(reason));
  }
}
