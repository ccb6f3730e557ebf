/**
 * Held-out quality during training: mean Y-PSNR of the current weights and of bicubic on a few
 * held-out images, by the paper's protocol (eval/), at scales inside the training range.
 */
import { evaluateImage } from '../eval/evaluate.js';
import { cropRgb, type FloatImage } from '../image/float-image.js';
import { readImage } from '../image/read-image.js';
import { buildModelFiles, LiifEngine } from '../infer/liif-engine.js';
import type { ProviderChoice } from '../infer/onnx-runtime.js';
import type { LiifArchitecture, Weights } from '../model/architecture.js';

export interface ValidationSet {
  readonly images: readonly FloatImage[];
  readonly scales: readonly number[];
}

export interface ValidationScore {
  readonly psnr: number;
  readonly bicubicPsnr: number;
  /**
   * Each image's mean over the scales, in set order. A mean of a few images in dB can be carried
   * by one of them: on B100 a fine-tune lost 1.1 dB on one striped portrait and moved the other 4
   * held-out photos by -0.10..+0.01 dB, so the per-photo count says more than the mean alone.
   */
  readonly perImage?: readonly number[];
}

/** Loads up to `limit` held-out images, centre regions of at most `side` pixels to bound the cost. */
export async function loadValidationSet(
  files: readonly string[],
  { limit = 4, side = 192, scales = [2, 3, 4] }: { limit?: number; side?: number; scales?: number[] } = {},
): Promise<ValidationSet> {
  const images: FloatImage[] = [];
  for (const file of files.slice(0, limit)) {
    const pixels = await readImage(file);
    const h = Math.min(side, pixels.height);
    const w = Math.min(side, pixels.width);
    images.push(cropRgb(pixels, (pixels.height - h) >> 1, (pixels.width - w) >> 1, h, w));
  }
  return { images, scales };
}

export async function validate(
  arch: LiifArchitecture,
  weights: Weights,
  set: ValidationSet,
  provider: ProviderChoice,
): Promise<ValidationScore> {
  const engine = await LiifEngine.open(buildModelFiles('validation', arch, weights), provider);
  try {
    let model = 0;
    let bicubic = 0;
    let n = 0;
    const perImage: number[] = [];
    for (const image of set.images) {
      let imageModel = 0;
      for (const scale of set.scales) {
        const r = await evaluateImage(engine, image, scale);
        imageModel += r.model!.psnr;
        bicubic += r.bicubic.psnr;
        n++;
      }
      model += imageModel;
      perImage.push(imageModel / set.scales.length);
    }
    return { psnr: model / n, bicubicPsnr: bicubic / n, perImage };
  } finally {
    await engine.release();
  }
}
