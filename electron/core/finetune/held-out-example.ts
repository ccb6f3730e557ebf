/**
 * A picture of what a fine-tune changed. Scores say "+0.4 dB"; a user wants to see it. This takes
 * one held-out photo's validation crop (the same centre crop and protocol the held-out score uses),
 * makes its x4 low-resolution version, and writes four PNGs: the original crop, bicubic, the base
 * model and the tuned model. The photo is the held-out one whose score rose most; the app says so
 * beside the count of photos that got better and worse, so one good example does not speak alone.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { psnr } from '../eval/metrics.js';
import { upscaleFloat } from '../eval/model-upscale.js';
import { bicubicUpscale, makeEvalPair, shaveFor } from '../eval/protocol.js';
import { buildModelFiles, LiifEngine } from '../infer/liif-engine.js';
import type { ProviderChoice } from '../infer/onnx-runtime.js';
import type { LiifArchitecture, Weights } from '../model/architecture.js';
import { type FloatImage, toRgb8 } from '../train/data/float-image.js';
import { loadValidationSet } from '../train/validation.js';

/** x4: the largest scale of the held-out score, where a model's gain over bicubic is clearest. */
export const EXAMPLE_SCALE = 4;

export type ExamplePanel = 'original' | 'bicubic' | 'base' | 'tuned';

export interface HeldOutExample {
  /** The held-out photo the crop comes from. */
  readonly photo: string;
  readonly scale: number;
  /** The crop's size, which all four panels have. */
  readonly width: number;
  readonly height: number;
  /** PNG files of the four panels. */
  readonly images: Readonly<Record<ExamplePanel, string>>;
  /** Y-PSNR of each upscale against the original crop (the evaluation protocol's shave). */
  readonly psnr: Readonly<Record<Exclude<ExamplePanel, 'original'>, number>>;
}

/** Index of the held-out photo whose score rose most, or undefined without per-photo scores. */
export function pickExamplePhoto(
  before: readonly number[] | undefined,
  after: readonly number[] | undefined,
): number | undefined {
  if (!before || !after || before.length !== after.length || before.length === 0) return undefined;
  let best = 0;
  for (let i = 1; i < before.length; i++) if (after[i] - before[i] > after[best] - before[best]) best = i;
  return best;
}

export interface ExampleRequest {
  readonly architecture: LiifArchitecture;
  readonly base: Weights;
  readonly tuned: Weights;
  readonly photo: string;
  /** Emptied and filled with the four PNGs. */
  readonly outDir: string;
  readonly provider: ProviderChoice;
}

async function upscaleWith(request: ExampleRequest, weights: Weights, lr: FloatImage, hr: FloatImage) {
  const files = buildModelFiles('example', request.architecture, weights);
  const engine = await LiifEngine.open(files, request.provider);
  try {
    return await upscaleFloat(engine, lr, hr.height, hr.width);
  } finally {
    await engine.release();
  }
}

export async function writeHeldOutExample(request: ExampleRequest): Promise<HeldOutExample> {
  const [crop] = (await loadValidationSet([request.photo], { limit: 1 })).images;
  const { hr, lr } = makeEvalPair(crop, EXAMPLE_SCALE);
  const panels: Record<ExamplePanel, FloatImage> = {
    original: hr,
    bicubic: bicubicUpscale(lr, hr.height, hr.width),
    base: await upscaleWith(request, request.base, lr, hr),
    tuned: await upscaleWith(request, request.tuned, lr, hr),
  };
  await rm(request.outDir, { recursive: true, force: true });
  await mkdir(request.outDir, { recursive: true });
  const images = {} as Record<ExamplePanel, string>;
  for (const [name, image] of Object.entries(panels) as [ExamplePanel, FloatImage][]) {
    images[name] = join(request.outDir, `${name}.png`);
    await sharp(toRgb8(image), { raw: { width: image.width, height: image.height, channels: 3 } })
      .png()
      .toFile(images[name]);
  }
  const shave = shaveFor(EXAMPLE_SCALE);
  const score = (image: FloatImage) => psnr(image, hr, shave, 'y');
  return {
    photo: request.photo,
    scale: EXAMPLE_SCALE,
    width: hr.width,
    height: hr.height,
    images,
    psnr: { bicubic: score(panels.bicubic), base: score(panels.base), tuned: score(panels.tuned) },
  };
}

/**
 * The example for a finished run: undefined when there is nowhere to write it (the CLI), no
 * per-photo scores, or it fails. The model is already saved by then, and a missing picture must
 * not turn a finished run into a failed one.
 */
export async function exampleForRun(
  outDir: string | undefined,
  validationFiles: readonly string[],
  scores: { readonly before?: readonly number[]; readonly after?: readonly number[] },
  request: Omit<ExampleRequest, 'photo' | 'outDir'>,
): Promise<HeldOutExample | undefined> {
  const index = pickExamplePhoto(scores.before, scores.after);
  const photo = index === undefined ? undefined : validationFiles[index];
  if (!outDir || !photo) return undefined;
  return writeHeldOutExample({ ...request, photo, outDir }).catch(() => undefined);
}
