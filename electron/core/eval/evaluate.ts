/**
 * Scores a model and the bicubic baseline on folders of HR images by the paper's protocol.
 */
import { basename } from 'node:path';
import { CLEAN, type Degradation, degradeLr } from '../image/degrade.js';
import { type FloatImage, toFloatRgb } from '../image/float-image.js';
import { ImageError } from '../image/image-errors.js';
import { readImage } from '../image/read-image.js';
import type { LiifEngine } from '../infer/liif-engine.js';
import { seededRandom } from '../model/random-weights.js';
import type { EvalSet } from './eval-sets.js';
import { psnr, ssimY } from './metrics.js';
import { type FloatUpscaleOptions, upscaleFloat } from './model-upscale.js';
import { bicubicUpscale, type LrPrecision, makeEvalPair, shaveFor } from './protocol.js';

export interface Scores {
  /** dB; Infinity for a perfect match. */
  readonly psnr: number;
  readonly ssim: number;
}

export interface ImageScores {
  readonly bicubic: Scores;
  /** Absent when no model was given (bicubic-only evaluation). */
  readonly model?: Scores;
  /** Size of the cropped HR image that was scored. */
  readonly width: number;
  readonly height: number;
}

export interface EvalOptions extends FloatUpscaleOptions {
  readonly lrPrecision?: LrPrecision;
  /**
   * Degrade the protocol's LR like a real photo (`liif eval --degrade jpeg:75`); bicubic is scored
   * on the same degraded LR, so the gain says what the model adds to what the user has.
   */
  readonly degrade?: Degradation;
}

function score(test: FloatImage, hr: FloatImage, shave: number): Scores {
  return { psnr: psnr(test, hr, shave, 'y'), ssim: ssimY(test, hr, shave) };
}

/** One HR image at one scale: LR by the protocol, then bicubic and (if given) the model. */
export async function evaluateImage(
  engine: LiifEngine | undefined,
  image: FloatImage,
  scale: number,
  options: EvalOptions = {},
  noiseSeed = 0,
): Promise<ImageScores> {
  const d = options.degrade ?? CLEAN;
  const pair = makeEvalPair(image, scale, options.lrPrecision ?? 8, d.blurSigma);
  const { hr } = pair;
  const lr = await degradeLr(pair.lr, d, seededRandom(noiseSeed), {
    quantize: options.lrPrecision !== 'float',
  });
  const shave = shaveFor(scale);
  const bicubic = score(bicubicUpscale(lr, hr.height, hr.width), hr, shave);
  const model = engine
    ? score(await upscaleFloat(engine, lr, hr.height, hr.width, options), hr, shave)
    : undefined;
  return { bicubic, ...(model ? { model } : {}), width: hr.width, height: hr.height };
}

export interface SetScaleResult {
  readonly set: string;
  readonly scale: number;
  readonly images: number;
  /** Means over the images (PSNR averaged in dB, as the reference does). */
  readonly bicubic: Scores;
  readonly model?: Scores;
  readonly perImage: ReadonlyArray<{ file: string } & ImageScores>;
}

export type EvalEvent =
  | {
      readonly kind: 'image';
      readonly set: string;
      readonly scale: number;
      readonly index: number;
      readonly total: number;
      readonly file: string;
      readonly scores: ImageScores;
      readonly seconds: number;
    }
  | { readonly kind: 'failed'; readonly set: string; readonly file: string; readonly message: string };

export interface EvalRunOptions extends EvalOptions {
  /** At most this many images per set (the first ones in name order). */
  readonly limit?: number;
  readonly onEvent?: (event: EvalEvent) => void;
}

export interface EvalRun {
  readonly results: SetScaleResult[];
  readonly failed: ReadonlyArray<{ set: string; file: string; message: string }>;
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function meanScores(list: Scores[]): Scores {
  return { psnr: mean(list.map((s) => s.psnr)), ssim: mean(list.map((s) => s.ssim)) };
}

/** Every set at every scale; each image is decoded once. Unreadable images are reported and skipped. */
export async function evaluateSets(
  engine: LiifEngine | undefined,
  sets: readonly EvalSet[],
  scales: readonly number[],
  options: EvalRunOptions = {},
): Promise<EvalRun> {
  const results: SetScaleResult[] = [];
  const failed: Array<{ set: string; file: string; message: string }> = [];
  for (const set of sets) {
    const files = set.files.slice(0, options.limit ?? set.files.length);
    const perScale = scales.map(() => [] as Array<{ file: string } & ImageScores>);
    for (const [index, file] of files.entries()) {
      options.signal?.throwIfAborted();
      let image: FloatImage;
      try {
        image = toFloatRgb(await readImage(file, { signal: options.signal }));
      } catch (err) {
        if (!(err instanceof ImageError)) throw err;
        failed.push({ set: set.name, file, message: err.message });
        options.onEvent?.({ kind: 'failed', set: set.name, file, message: err.message });
        continue;
      }
      for (const [k, scale] of scales.entries()) {
        const started = performance.now();
        // Noise is seeded per image and scale, so a rerun and another model see the same input.
        const scores = await evaluateImage(
          engine,
          image,
          scale,
          options,
          index * 100_003 + Math.round(scale * 1000),
        );
        perScale[k].push({ file: basename(file), ...scores });
        const seconds = (performance.now() - started) / 1000;
        options.onEvent?.({
          kind: 'image',
          set: set.name,
          scale,
          index,
          total: files.length,
          file,
          scores,
          seconds,
        });
      }
    }
    for (const [k, scale] of scales.entries()) {
      const list = perScale[k];
      if (list.length === 0) continue;
      const model = engine ? meanScores(list.map((r) => r.model!)) : undefined;
      results.push({
        set: set.name,
        scale,
        images: list.length,
        bicubic: meanScores(list.map((r) => r.bicubic)),
        ...(model ? { model } : {}),
        perImage: list,
      });
    }
  }
  return { results, failed };
}
