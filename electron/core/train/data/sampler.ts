/**
 * Training batches from any folder of images (../shared/LIIF.md "Training"), deterministic given
 * the seed and the file list, resumable from a recorded cursor (`state()` / `restore()`), and
 * prepared ahead of the consumer so decoding overlaps the optimiser step.
 *
 * The batches are built in a worker thread by default: onnxruntime-node runs a session
 * synchronously on the calling thread (its `run` is a setImmediate around a blocking call), so
 * crops and resizes on the trainer's thread could only run between steps. In the worker they run
 * during the step; only the finished arrays cross over (transferred, not copied).
 */
import type { Worker } from 'node:worker_threads';
import type { DegradeRecipe } from '../../image/degrade.js';
import { startWorker } from '../../worker/start-worker.js';
import type { CacheStats } from './image-cache.js';
import { createLocalSampler } from './local-sampler.js';

export interface SamplerOptions {
  readonly files: readonly string[];
  readonly seed: number;
  readonly batchSize: number;
  /** LR patch side (default 48). */
  readonly lrSize?: number;
  /** Scale range for s ~ U(min, max) (default 1-4). */
  readonly scaleMin?: number;
  readonly scaleMax?: number;
  /** HR pixels sampled per patch (default 2304 = 48^2). Must be <= lrSize^2. */
  readonly samplesPerPatch?: number;
  /** Random flips and transpose (default true). */
  readonly augment?: boolean;
  /** Round LR patches to 8-bit levels like the reference's PIL resize (default true). */
  readonly quantizeLr?: boolean;
  /** Keep the most detailed of this many random crops (default 1: the paper's uniform crops). */
  readonly cropCandidates?: number;
  /**
   * Degrade the LR input like a real photo (blur, noise, JPEG: degrade.ts), each sample's chain
   * drawn from its own stream; absent: clean bicubic LR, the paper's recipe.
   */
  readonly degrade?: DegradeRecipe;
  /**
   * Sampling weight of each file (same order as `files`; any non-negative scale). Absent: every
   * file equally often, each once per epoch in a seeded order (the paper's epochs). Given: each
   * draw picks a file with probability proportional to its weight (with replacement), so folders
   * of different sizes can each get the share of samples they are worth.
   */
  readonly weights?: readonly number[];
  /**
   * Share of draws (0-1, default 0) whose HR image is a synthetic scene (bricks, facades, grids,
   * lines, lettering under perspective: synthetic-scene.ts) rendered for that draw, not a file.
   */
  readonly syntheticShare?: number;
  /** Decoded-image cache bound in bytes (default 1.5e9). */
  readonly cacheBytes?: number;
  /** Batches prepared ahead of the consumer (default 1). */
  readonly prefetch?: number;
  /** Refuse images above this many pixels (default 200e6). */
  readonly maxPixels?: number;
  /** Told about each skipped file as it is found. */
  readonly onEvent?: (event: DataEvent) => void;
  /**
   * 'worker' (default): build batches in a worker thread; 'caller': in this thread, between the
   * caller's awaits (tests, and consumers that do not block the thread). Batches are identical.
   */
  readonly thread?: 'worker' | 'caller';
}

export type DataEvent =
  | { readonly kind: 'too-small'; readonly path: string; readonly width: number; readonly height: number }
  | { readonly kind: 'failed'; readonly path: string; readonly reason: string; readonly message: string };

export interface TrainingBatch {
  readonly size: number;
  readonly queries: number;
  readonly lrSize: number;
  /** [B, 3, lrSize, lrSize] in [0,1]. */
  readonly lr: Float32Array;
  /** [B, Q, 2] HR pixel centres (y, x) on [-1, 1]. */
  readonly coord: Float32Array;
  /** [B, Q, 2] (2 / hrSize, 2 / hrSize). */
  readonly cell: Float32Array;
  /** [B, Q, 3] RGB in [0,1]. */
  readonly gt: Float32Array;
  /** HR patch side per sample. */
  readonly hrSizes: Int32Array;
  readonly files: readonly string[];
  /** The data cursor after this batch: `restore(batch.state)` continues with the next batch. */
  readonly state: SamplerState;
}

export interface SamplerState {
  readonly version: 1;
  readonly seed: number;
  /** Next draw index of the data stream. */
  readonly cursor: number;
  /** Batches served so far. */
  readonly batches: number;
}

export interface DataReport {
  readonly files: number;
  readonly usable: number;
  readonly tooSmall: ReadonlyArray<{ path: string; width: number; height: number }>;
  readonly failed: ReadonlyArray<{ path: string; reason: string; message: string }>;
  readonly cache: CacheStats;
  readonly batches: number;
  /** Milliseconds the consumer spent inside next() waiting for a batch. */
  readonly waitMs: number;
}

export interface Sampler {
  next(): Promise<TrainingBatch>;
  state(): SamplerState;
  restore(state: SamplerState): void;
  report(): DataReport;
  /** Drops prefetched batches and the decoded-image cache. */
  close(): void;
}

/** The messages between the proxy and sampler-worker.ts. */
export type SamplerRequest =
  | { readonly kind: 'init'; readonly options: Omit<SamplerOptions, 'onEvent' | 'thread'> }
  | { readonly kind: 'next'; readonly id: number }
  | { readonly kind: 'restore'; readonly state: SamplerState };

export type SamplerReply =
  | { readonly kind: 'ready'; readonly report: DataReport }
  | {
      readonly kind: 'batch';
      readonly id: number;
      readonly batch: TrainingBatch;
      readonly report: DataReport;
    }
  | { readonly kind: 'error'; readonly id?: number; readonly message: string }
  | { readonly kind: 'event'; readonly event: DataEvent };

/** Probes every file (header only), then returns a sampler over the usable ones. */
export async function createSampler(options: SamplerOptions): Promise<Sampler> {
  if (options.thread === 'caller') return createLocalSampler(options);
  return createWorkerSampler(options, startSamplerWorker());
}

/** The sampler worker beside this module, built or from source (core/worker/start-worker.ts). */
function startSamplerWorker(): Worker {
  return startWorker(import.meta.url, 'sampler-worker');
}

async function createWorkerSampler(options: SamplerOptions, worker: Worker): Promise<Sampler> {
  const { onEvent, thread: _thread, ...plain } = options;
  const calls = new Map<number, { resolve: (b: TrainingBatch) => void; reject: (e: Error) => void }>();
  let ready: { resolve: () => void; reject: (e: Error) => void } | undefined;
  let report: DataReport | undefined;
  let served: SamplerState = { version: 1, seed: options.seed, cursor: 0, batches: 0 };
  let failure: Error | undefined;
  let nextId = 0;
  let waitMs = 0;
  // Keep the process alive only while a call is waiting on the worker.
  const refresh = () => (calls.size > 0 || ready ? worker.ref() : worker.unref());
  const failAll = (error: Error) => {
    failure ??= error;
    ready?.reject(error);
    ready = undefined;
    for (const call of calls.values()) call.reject(error);
    calls.clear();
    refresh();
  };

  worker.on('message', (msg: SamplerReply) => {
    if (msg.kind === 'event') onEvent?.(msg.event);
    else if (msg.kind === 'ready') {
      report = msg.report;
      ready?.resolve();
      ready = undefined;
    } else if (msg.kind === 'batch') {
      report = msg.report;
      calls.get(msg.id)?.resolve(msg.batch);
      calls.delete(msg.id);
    } else if (msg.id === undefined) {
      ready?.reject(new Error(msg.message));
      ready = undefined;
    } else {
      calls.get(msg.id)?.reject(new Error(msg.message));
      calls.delete(msg.id);
    }
    refresh();
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new Error(`the data worker stopped (exit code ${code})`)));

  await new Promise<void>((resolve, reject) => {
    ready = { resolve, reject };
    refresh();
    worker.postMessage({ kind: 'init', options: plain } satisfies SamplerRequest);
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });

  return {
    async next() {
      if (failure) throw failure;
      const started = performance.now();
      const id = nextId++;
      try {
        const batch = await new Promise<TrainingBatch>((resolve, reject) => {
          calls.set(id, { resolve, reject });
          refresh();
          worker.postMessage({ kind: 'next', id } satisfies SamplerRequest);
        });
        served = batch.state;
        return batch;
      } finally {
        waitMs += performance.now() - started;
      }
    },
    state: () => served,
    restore(state) {
      if (state.version !== 1 || state.seed !== options.seed)
        throw new Error(`sampler state is for seed ${state.seed}, this sampler uses seed ${options.seed}`);
      served = state;
      worker.postMessage({ kind: 'restore', state } satisfies SamplerRequest);
    },
    report: () => ({ ...report!, batches: served.batches, waitMs }),
    close() {
      worker.removeAllListeners('exit');
      void worker.terminate();
    },
  };
}
