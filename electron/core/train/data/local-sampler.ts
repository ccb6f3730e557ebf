/**
 * The sampler's logic, run in whichever thread calls it (sampler.ts runs it in a worker thread by
 * default). See sampler.ts for the contract.
 *
 * Determinism: the data stream is a sequence of draws indexed by a cursor. Draw k reads the file
 * at position k % N of epoch floor(k / N)'s seeded permutation of the N usable files, and all of
 * its randomness (scale, crop, flips, query pixels) comes from a stream keyed by (seed, k). A draw
 * whose file fails to decode is skipped; whether a file decodes is a property of the file, so the
 * batches do not depend on timing, caching, threads or prefetch depth, and the state is the cursor.
 *
 * With per-file weights or a synthetic share, draw k instead picks its source from its own stream
 * (seed, k): a synthetic scene with probability `syntheticShare`, else a file by weight (with
 * replacement). Still a pure function of (seed, k), so the state is still the cursor.
 */

import { CLEAN, checkRecipe, degradeLr, drawDegradation } from '../../image/degrade.js';
import { ImageError } from '../../image/image-errors.js';
import { DEFAULT_MAX_PIXELS, probeImage } from '../../image/read-image.js';
import { DEFAULT_CACHE_BYTES, ImageCache } from './image-cache.js';
import { makePatchSample, type PatchOptions } from './patch-sample.js';
import { permutation, STREAM, streamRandom } from './prng.js';
import type { Sampler, SamplerOptions, SamplerState, TrainingBatch } from './sampler.js';
import { renderSynthetic, SYNTHETIC_MIN_SIDE } from './synthetic-render.js';

interface Built {
  readonly batch: TrainingBatch;
}

/** Maps with at most `limit` calls in flight (a folder of thousands must not open them all at once). */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Probes every file (header only), then returns a sampler over the usable ones. */
export async function createLocalSampler(options: SamplerOptions): Promise<Sampler> {
  const lrSize = options.lrSize ?? 48;
  const patch: PatchOptions = {
    lrSize,
    scaleMin: options.scaleMin ?? 1,
    scaleMax: options.scaleMax ?? 4,
    queries: options.samplesPerPatch ?? lrSize * lrSize,
    augment: options.augment ?? true,
    quantizeLr: options.quantizeLr ?? true,
    cropCandidates: options.cropCandidates ?? 1,
  };
  const { batchSize, seed } = options;
  const recipe = options.degrade ? checkRecipe(options.degrade) : undefined;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batch size must be >= 1: ${batchSize}`);
  if (!Number.isInteger(lrSize) || lrSize < 1) throw new RangeError(`LR size must be >= 1: ${lrSize}`);
  if (!(patch.scaleMin >= 1 && patch.scaleMax >= patch.scaleMin))
    throw new RangeError(`need 1 <= scaleMin <= scaleMax (got ${patch.scaleMin}, ${patch.scaleMax})`);
  const candidates = patch.cropCandidates ?? 1;
  if (!Number.isInteger(candidates) || candidates < 1)
    throw new RangeError(`crop candidates must be an integer >= 1: ${candidates}`);
  if (!Number.isInteger(patch.queries) || patch.queries < 1 || patch.queries > lrSize * lrSize)
    throw new RangeError(`samplesPerPatch must be 1-${lrSize * lrSize} (the smallest HR patch's pixels)`);
  const share = options.syntheticShare ?? 0;
  if (!(share >= 0 && share <= 1)) throw new RangeError(`synthetic share must be 0-1: ${share}`);
  const weights = options.weights;
  if (
    weights &&
    (weights.length !== options.files.length || weights.some((w) => !(w >= 0 && Number.isFinite(w))))
  )
    throw new RangeError(`need one finite weight >= 0 per file (${options.files.length} files)`);
  const readOptions = { maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS };
  const tooSmall: Array<{ path: string; width: number; height: number }> = [];
  const failed: Array<{ path: string; reason: string; message: string }> = [];
  const emit = options.onEvent ?? (() => {});
  const fail = (path: string, err: unknown) => {
    if (!(err instanceof ImageError)) throw err;
    const entry = { path, reason: err.reason, message: err.message };
    failed.push(entry);
    emit({ kind: 'failed', ...entry });
  };

  const usable: string[] = [];
  const usableWeights: number[] = [];
  const probes = await mapLimited(options.files, 8, (path) =>
    probeImage(path, readOptions).then(
      (probe) => ({ probe, error: undefined }),
      (error: unknown) => ({ probe: undefined, error }),
    ),
  );
  for (const [i, { probe, error }] of probes.entries()) {
    const path = options.files[i];
    if (!probe) {
      fail(path, error);
    } else if (Math.min(probe.width, probe.height) < lrSize) {
      tooSmall.push({ path, width: probe.width, height: probe.height });
      emit({ kind: 'too-small', path, width: probe.width, height: probe.height });
    } else {
      usable.push(path);
      usableWeights.push(weights?.[i] ?? 1);
    }
  }
  if (usable.length === 0)
    throw new Error(
      `no usable training images among ${options.files.length} files (each needs sides >= ${lrSize})`,
    );

  const mixed = weights !== undefined || share > 0;
  // Scenes big enough for the largest HR crop (lrSize x scaleMax), and up to twice that.
  const syntheticSide = Math.max(SYNTHETIC_MIN_SIDE, Math.ceil(lrSize * patch.scaleMax));
  const weightOf = new Map(usable.map((path, i) => [path, usableWeights[i]!]));
  let brokenWeight = 0;
  // Cumulative weights of the usable files, for the weighted draw's binary search.
  const cumulative = new Float64Array(usableWeights.length);
  usableWeights.reduce((sum, w, i) => (cumulative[i] = sum + w), 0);
  const totalWeight = cumulative.at(-1) ?? 0;
  if (mixed && share < 1 && !(totalWeight > 0))
    throw new Error('every usable training image has weight 0: nothing to draw from');
  /** Draw k's source in the weighted (mixed) stream: a file, or undefined for a synthetic scene. */
  const weightedSource = (k: number): string | undefined => {
    const random = streamRandom(seed, STREAM.source, k);
    if (random() < share) return undefined;
    const target = random() * totalWeight;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return usable[lo];
  };

  const cache = new ImageCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES, readOptions);
  const broken = new Set<string>();
  const n = usable.length;
  let perm: { epoch: number; order: Int32Array } = { epoch: -1, order: new Int32Array(0) };
  const fileAt = (k: number): string => {
    const epoch = Math.floor(k / n);
    if (perm.epoch !== epoch)
      perm = { epoch, order: permutation(n, streamRandom(seed, STREAM.permutation, epoch)) };
    return usable[perm.order[k % n]];
  };
  /** Draw k's file, or undefined where it draws a synthetic scene. */
  const sourceAt = (k: number): string | undefined => (mixed ? weightedSource(k) : fileAt(k));

  /** Decodes, or returns undefined for a file that cannot be used (reported once). */
  const load = async (path: string) => {
    if (broken.has(path)) return undefined;
    try {
      const image = await cache.get(path);
      if (Math.min(image.width, image.height) >= lrSize) return image;
      throw new ImageError(
        path,
        'unreadable',
        `decoded as ${image.width}x${image.height}, below ${lrSize} px`,
      );
    } catch (err) {
      if (!broken.has(path)) {
        broken.add(path);
        brokenWeight += weightOf.get(path) ?? 0;
        fail(path, err);
      }
      return undefined;
    }
  };

  const build = async (start: SamplerState): Promise<Built> => {
    const q = patch.queries;
    const lr = new Float32Array(batchSize * 3 * lrSize * lrSize);
    const coord = new Float32Array(batchSize * q * 2);
    const cell = new Float32Array(batchSize * q * 2);
    const gt = new Float32Array(batchSize * q * 3);
    const hrSizes = new Int32Array(batchSize);
    const files: string[] = [];
    let cursor = start.cursor;
    while (files.length < batchSize) {
      if (broken.size === n) throw new Error('none of the training images could be decoded');
      if (mixed && share === 0 && brokenWeight >= totalWeight)
        throw new Error('none of the training images with a weight above 0 could be decoded');
      const draws = Array.from({ length: batchSize - files.length }, (_, i) => cursor + i);
      cursor += draws.length;
      // Decode the draws' files in parallel; assemble in draw order so the result is deterministic.
      const sources = draws.map(sourceAt);
      const images = await Promise.all(
        draws.map((k, i) => {
          const source = sources[i];
          return source === undefined
            ? renderSynthetic(streamRandom(seed, STREAM.synthetic, k), syntheticSide)
            : load(source);
        }),
      );
      for (const [i, k] of draws.entries()) {
        const image = images[i];
        if (!image) continue;
        const b = files.length;
        // The chain comes from its own stream: with degradation off, the samples are the paper's.
        const degradeRand = streamRandom(seed, STREAM.degrade, k);
        const chain = recipe ? drawDegradation(recipe, degradeRand) : CLEAN;
        const s = makePatchSample(image, streamRandom(seed, STREAM.sample, k), patch, chain.blurSigma);
        const input = await degradeLr(s.lr, chain, degradeRand, { quantize: patch.quantizeLr });
        lr.set(input.data, b * 3 * lrSize * lrSize);
        coord.set(s.coord, b * q * 2);
        cell.set(s.cell, b * q * 2);
        gt.set(s.gt, b * q * 3);
        hrSizes[b] = s.hrSize;
        const source = sources[i];
        files.push(source ?? `synthetic:${'kind' in image ? image.kind : 'scene'}`);
      }
    }
    const state: SamplerState = { version: 1, seed, cursor, batches: start.batches + 1 };
    return { batch: { size: batchSize, queries: q, lrSize, lr, coord, cell, gt, hrSizes, files, state } };
  };

  const depth = Math.max(0, options.prefetch ?? 1);
  let served: SamplerState = { version: 1, seed, cursor: 0, batches: 0 };
  // Batches being built ahead of the consumer, each starting from the previous one's end cursor.
  let queue: Array<Promise<Built>> = [];
  let waitMs = 0;
  const enqueue = () => {
    const prev = queue.at(-1);
    const job = prev ? prev.then((b) => build(b.batch.state)) : build(served);
    job.catch(() => {}); // surfaced by next(); a dropped prefetch must not be an unhandled rejection
    queue.push(job);
  };

  return {
    async next() {
      const started = performance.now();
      if (queue.length === 0) enqueue();
      const job = queue.shift()!;
      try {
        const { batch } = await job;
        served = batch.state;
        while (queue.length < depth) enqueue();
        return batch;
      } catch (err) {
        queue = [];
        throw err;
      } finally {
        waitMs += performance.now() - started;
      }
    },
    state: () => served,
    restore(state) {
      if (state.version !== 1 || state.seed !== seed)
        throw new Error(`sampler state is for seed ${state.seed}, this sampler uses seed ${seed}`);
      served = state;
      queue = [];
    },
    report: () => ({
      files: options.files.length,
      usable: n - broken.size,
      tooSmall,
      failed,
      cache: cache.stats(),
      batches: served.batches,
      waitMs,
    }),
    close() {
      queue = [];
      cache.clear();
    },
  };
}
