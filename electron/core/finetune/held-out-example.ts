/**
 * A picture of what a fine-tune changed. Scores say "+0.4 dB"; a user wants to see it. This takes
 * the held-out photos' validation crops (the same centre crops and protocol the held-out score
 * uses), makes their x4 low-resolution versions, and writes four PNGs for the one whose x4 score
 * rose most: the original crop, bicubic, the base model and the tuned model. The app says how it
 * was picked, beside the count of photos that got better and worse, so one good example does not
 * speak alone.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { psnr } from '../eval/metrics.js';
import { upscaleFloat } from '../eval/model-upscale.js';
import { bicubicUpscale, makeEvalPair, shaveFor } from '../eval/protocol.js';
import { type FloatImage, toRgb8 } from '../image/float-image.js';
import { buildModelFiles, LiifEngine } from '../infer/liif-engine.js';
import type { ProviderChoice } from '../infer/onnx-runtime.js';
import type { LiifArchitecture, Weights } from '../model/architecture.js';
import { writeFileAtomic } from '../model/safetensors.js';
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

export interface ExampleRequest {
  readonly architecture: LiifArchitecture;
  readonly base: Weights;
  readonly tuned: Weights;
  /** The held-out photos the run scored; the example is the one whose x4 score rose most. */
  readonly photos: readonly string[];
  /** Emptied and filled with the four PNGs. */
  readonly outDir: string;
  readonly provider: ProviderChoice;
}

async function openEngine(request: ExampleRequest, weights: Weights): Promise<LiifEngine> {
  return LiifEngine.open(buildModelFiles('example', request.architecture, weights), request.provider);
}

export async function writeHeldOutExample(request: ExampleRequest): Promise<HeldOutExample | undefined> {
  const { images: crops } = await loadValidationSet(request.photos, { limit: request.photos.length });
  const shave = shaveFor(EXAMPLE_SCALE);
  const engines = {
    base: await openEngine(request, request.base),
    tuned: await openEngine(request, request.tuned),
  };
  // Chosen by the gain at the scale shown (the run's per-photo scores are means over x2-x4, and a
  // photo can gain at x2 and barely at x4); each crop costs two small upscales.
  let best:
    | { index: number; base: number; tuned: number; panels: Record<ExamplePanel, FloatImage> }
    | undefined;
  try {
    for (const [index, crop] of crops.entries()) {
      const { hr, lr } = makeEvalPair(crop, EXAMPLE_SCALE);
      const base = await upscaleFloat(engines.base, lr, hr.height, hr.width);
      const tuned = await upscaleFloat(engines.tuned, lr, hr.height, hr.width);
      const scores = { base: psnr(base, hr, shave, 'y'), tuned: psnr(tuned, hr, shave, 'y') };
      if (!best || scores.tuned - scores.base > best.tuned - best.base) {
        const bicubic = bicubicUpscale(lr, hr.height, hr.width);
        best = { index, ...scores, panels: { original: hr, bicubic, base, tuned } };
      }
    }
  } finally {
    await Promise.all([engines.base.release(), engines.tuned.release()]);
  }
  if (!best) return undefined;
  // Only our four files are replaced, each atomically: the folder may be one the user named
  // (`liif finetune --example DIR`), so nothing else in it is touched, let alone the folder removed.
  await mkdir(request.outDir, { recursive: true });
  const images = {} as Record<ExamplePanel, string>;
  for (const [name, image] of Object.entries(best.panels) as [ExamplePanel, FloatImage][]) {
    images[name] = join(request.outDir, `${name}.png`);
    const png = await sharp(toRgb8(image), { raw: { width: image.width, height: image.height, channels: 3 } })
      .png()
      .toBuffer();
    await writeFileAtomic(images[name], png);
  }
  const { original } = best.panels;
  return {
    photo: request.photos[best.index],
    scale: EXAMPLE_SCALE,
    width: original.width,
    height: original.height,
    images,
    psnr: {
      bicubic: psnr(best.panels.bicubic, original, shave, 'y'),
      base: best.base,
      tuned: best.tuned,
    },
  };
}

/**
 * The example for a finished run: undefined when there is nowhere to write it (the CLI without
 * --example) or it fails. The model is already saved by then, and a missing picture must not turn
 * a finished run into a failed one.
 */
export async function exampleForRun(
  outDir: string | undefined,
  request: Omit<ExampleRequest, 'outDir'>,
): Promise<HeldOutExample | undefined> {
  if (!outDir || request.photos.length === 0) return undefined;
  return writeHeldOutExample({ ...request, outDir }).catch(() => undefined);
}
