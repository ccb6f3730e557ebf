/**
 * One image, end to end: read, upscale, write atomically. Errors become a result, never a throw,
 * so one bad file never stops a batch.
 */
import { mkdir, realpath } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { outputGeometry, type SizeSpec } from '../../shared/size-spec.js';
import { exists } from '../image/atomic-file.js';
import { errorText, type FailureParts, failureParts, ImageError } from '../image/image-errors.js';
import {
  DEFAULT_NAME_TEMPLATE,
  extensionFor,
  type OutputFormat,
  outputFileName,
  outputFormatFor,
} from '../image/output-name.js';
import { readImage } from '../image/read-image.js';
import { type ConflictPolicy, checkFormatFits, writeImage } from '../image/write-image.js';
import type { LiifEngine } from '../infer/liif-engine.js';
import { ProviderRunError } from '../infer/onnx-runtime.js';
import { isAbortError, type ProgressListener } from '../infer/progress.js';
import { upscalePixels } from '../infer/upscale-pixels.js';
import { OutputFolders } from './output-folder.js';

export interface OutputSettings {
  /** Output folder; default: an `upscaled` folder beside each source. */
  readonly dir?: string;
  readonly template?: string;
  /** Output format; default: the source's format when writable, else PNG. */
  readonly format?: OutputFormat;
  readonly quality?: number;
  readonly onConflict?: ConflictPolicy;
  readonly keepMetadata?: boolean;
}

export interface UpscaleFileRequest {
  readonly input: string;
  readonly size: SizeSpec;
  readonly output: OutputSettings;
  readonly memoryBudgetMB?: number;
  readonly tileSide?: number;
  readonly maxInputPixels?: number;
  readonly maxOutputPixels?: number;
  /**
   * Files 'overwrite' must never replace: the batch's other photos (the input itself always
   * counts). With a template like "{name}" and the source's folder, an output lands on a source.
   */
  readonly sources?: readonly string[];
}

/** Per run: what the run shares between its files (the output folders it has prepared). */
export interface UpscaleRun {
  readonly folders: OutputFolders;
}

export type UpscaleFileStatus = 'done' | 'skipped' | 'failed' | 'cancelled';

export interface UpscaleFileResult {
  readonly input: string;
  readonly status: UpscaleFileStatus;
  readonly output?: string;
  readonly width?: number;
  readonly height?: number;
  readonly seconds: number;
  readonly provider?: string;
  readonly usedModel?: boolean;
  /** What reading the input changed without being asked (image-errors: never silently). */
  readonly notices?: readonly string[];
  /** The failure in words, naming the file. */
  readonly error?: string;
  /** The provider failed during this job, which was then redone on the CPU: why, in words. */
  readonly providerFallback?: string;
  /** The same failure in parts, without the name (image-errors.ts failureParts). */
  readonly failure?: FailureParts;
}

export function defaultOutputDir(input: string): string {
  return join(dirname(input), 'upscaled');
}

/**
 * Whether an existing `target` is the input or one of the batch's sources, through symlinks too.
 * Only asked with 'overwrite' when the target exists, so the realpath per source is rarely paid.
 */
async function isSource(target: string, input: string, sources: readonly string[] = []): Promise<boolean> {
  const real = await realpath(target).catch(() => undefined);
  if (real === undefined) return false;
  for (const source of [input, ...sources])
    if ((await realpath(source).catch(() => resolve(source))) === real) return true;
  return false;
}

export async function upscaleFile(
  engine: LiifEngine,
  request: UpscaleFileRequest,
  options: { signal?: AbortSignal; onProgress?: ProgressListener; run?: UpscaleRun } = {},
): Promise<UpscaleFileResult> {
  const started = performance.now();
  const seconds = () => Math.round(performance.now() - started) / 1000;
  const { input, output } = request;
  try {
    const image = await readImage(input, { maxPixels: request.maxInputPixels, signal: options.signal });
    // Everything that can refuse the output is settled before the upscale, which may take hours:
    // the size, the format's limits, the output folder, and a file to skip.
    const geometry = outputGeometry(image, request.size, request.maxOutputPixels);
    const { width, height } = geometry.window;
    const format = outputFormatFor(input, output.format);
    const name = outputFileName(output.template ?? DEFAULT_NAME_TEMPLATE, {
      name: basename(input, extname(input)),
      width,
      height,
      // e.g. "2.37" for {name}@{scale}x; the larger axis scale when the size is non-uniform.
      scale: String(Number(geometry.maxScale.toFixed(2))),
      ext: extensionFor(format),
    });
    const dir = output.dir ?? defaultOutputDir(input);
    const target = join(dir, name);
    checkFormatFits(format, width, height, target);
    await mkdir(dir, { recursive: true });
    await (options.run?.folders ?? new OutputFolders()).prepare(dir);
    if (output.onConflict === 'overwrite' && (await isSource(target, input, request.sources)))
      throw new ImageError(target, 'would-replace-source');
    if (output.onConflict === 'skip' && (await exists(target)))
      return { input, status: 'skipped', output: target, width, height, seconds: seconds() };
    const result = await upscalePixels(engine, image, request.size, {
      memoryBudgetMB: request.memoryBudgetMB,
      tileSide: request.tileSide,
      maxOutputPixels: request.maxOutputPixels,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    const written = await writeImage(result.pixels, image.metadata, target, {
      format,
      quality: output.quality,
      onConflict: output.onConflict,
      keepMetadata: output.keepMetadata,
      signal: options.signal,
    });
    return {
      input,
      status: written.skipped ? 'skipped' : 'done',
      output: written.path,
      width,
      height,
      seconds: seconds(),
      provider: result.usedModel ? engine.decision.provider : 'resize',
      usedModel: result.usedModel,
      ...(image.notices.length > 0 ? { notices: image.notices } : {}),
    };
  } catch (error) {
    if (isAbortError(error) || options.signal?.aborted)
      return { input, status: 'cancelled', seconds: seconds(), error: 'cancelled' };
    // The GPU failed, not the photo: the caller retries on the CPU (nothing was written yet, as
    // the image is written only after the whole upscale).
    if (error instanceof ProviderRunError) throw error;
    // Image errors already name the file; anything else (size limits, model errors) gets its name.
    const text = error instanceof ImageError ? errorText(error) : `${basename(input)}: ${errorText(error)}`;
    return { input, status: 'failed', seconds: seconds(), error: text, failure: failureParts(error) };
  }
}
