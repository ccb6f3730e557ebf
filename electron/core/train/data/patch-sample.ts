/**
 * One training sample by the paper's recipe (../shared/LIIF.md "Training"; the reference's
 * SRImplicitDownsampled): scale s ~ U(scaleMin, scaleMax), an HR crop of round(lrSize * s) pixels
 * at the image's native resolution, random flips and transpose, LR = antialiased bicubic
 * downsample to lrSize x lrSize, and `queries` HR pixels drawn without replacement with their
 * pixel-centre coordinates and the cell 2 / HR size. The ground truth is never resized.
 */

import { PIL_BICUBIC, resizeBicubic } from '../../image/bicubic.js';
import { gaussianBlur } from '../../image/degrade.js';
import { augment, cropRgb, type FloatImage, quantize8 } from '../../image/float-image.js';
import type { PixelBuffer } from '../../image/pixel-buffer.js';
import { pixelCentre } from '../../infer/coordinates.js';
import { cropDetail } from './crop-detail.js';
import { sampleWithoutReplacement } from './prng.js';

export interface PatchOptions {
  readonly lrSize: number;
  readonly scaleMin: number;
  readonly scaleMax: number;
  readonly queries: number;
  readonly augment: boolean;
  /** Round the LR patch to 8-bit levels, as the reference's PIL resize does (default in the sampler). */
  readonly quantizeLr: boolean;
  /**
   * Draw this many crop positions and keep the one with the most fine detail (crop-detail.ts);
   * 1 (the default) is the paper's uniform crop.
   */
  readonly cropCandidates?: number;
}

export interface PatchSample {
  /** Planar [3, lrSize, lrSize] in [0,1]. */
  readonly lr: FloatImage;
  /** [queries, 2] (y, x) pixel centres of the HR patch on [-1, 1]. */
  readonly coord: Float32Array;
  /** [queries, 2] (2 / hr, 2 / hr). */
  readonly cell: Float32Array;
  /** [queries, 3] RGB in [0,1]. */
  readonly gt: Float32Array;
  /** HR patch side in pixels, round(lrSize * s). */
  readonly hrSize: number;
  /** Where the crop came from and how it was flipped, for tests and debugging. */
  readonly crop: { y: number; x: number; hflip: boolean; vflip: boolean; transpose: boolean };
  /** The augmented HR patch itself (planar RGB), which gt is sampled from. */
  readonly hr: FloatImage;
}

/** The HR patch side for a uniform draw u in [0,1), shrinking s so the crop fits the image. */
export function patchSide(u: number, minSide: number, o: PatchOptions): number {
  const fit = minSide / o.lrSize;
  if (fit < 1) throw new RangeError(`image side ${minSide} is smaller than the LR patch ${o.lrSize}`);
  const hi = Math.min(o.scaleMax, fit);
  const lo = Math.min(o.scaleMin, hi);
  const s = lo + u * (hi - lo);
  return Math.min(minSide, Math.max(o.lrSize, Math.round(o.lrSize * s)));
}

/**
 * Makes one sample from decoded pixels; all randomness comes from `rand`, drawn in a fixed order.
 * `blurSigma` (HR pixels, degrade.ts) softens the crop before it is downsampled; the target stays sharp.
 */
export function makePatchSample(
  pixels: PixelBuffer,
  rand: () => number,
  o: PatchOptions,
  blurSigma = 0,
): PatchSample {
  const hr = patchSide(rand(), Math.min(pixels.width, pixels.height), o);
  let y = Math.floor(rand() * (pixels.height - hr + 1));
  let x = Math.floor(rand() * (pixels.width - hr + 1));
  // Always drawn, so switching augmentation off does not shift the rest of the stream.
  const flips = [rand() < 0.5, rand() < 0.5, rand() < 0.5];
  // Further candidates are drawn after the flips, so one candidate gives the paper's stream exactly.
  const candidates = o.cropCandidates ?? 1;
  if (candidates > 1) {
    let best = cropDetail(pixels, y, x, hr);
    for (let i = 1; i < candidates; i++) {
      const cy = Math.floor(rand() * (pixels.height - hr + 1));
      const cx = Math.floor(rand() * (pixels.width - hr + 1));
      const detail = cropDetail(pixels, cy, cx, hr);
      if (detail > best) [best, y, x] = [detail, cy, cx];
    }
  }
  const [hflip, vflip, transpose] = o.augment ? flips : [false, false, false];
  const patch = augment(cropRgb(pixels, y, x, hr, hr), hflip, vflip, transpose);
  const down = resizeBicubic(gaussianBlur(patch, blurSigma), o.lrSize, o.lrSize, { kernel: PIL_BICUBIC });
  const lr = o.quantizeLr ? quantize8(down) : down;

  const picks = sampleWithoutReplacement(hr * hr, o.queries, rand);
  const coord = new Float32Array(o.queries * 2);
  const cell = new Float32Array(o.queries * 2);
  const gt = new Float32Array(o.queries * 3);
  const centres = Float32Array.from({ length: hr }, (_, i) => pixelCentre(i, hr));
  const cellSide = 2 / hr;
  const plane = hr * hr;
  for (let q = 0; q < o.queries; q++) {
    const p = picks[q];
    const py = Math.floor(p / hr);
    const px = p - py * hr;
    coord[2 * q] = centres[py];
    coord[2 * q + 1] = centres[px];
    cell[2 * q] = cellSide;
    cell[2 * q + 1] = cellSide;
    for (let c = 0; c < 3; c++) gt[3 * q + c] = patch.data[c * plane + p];
  }
  return { lr, coord, cell, gt, hrSize: hr, crop: { y, x, hflip, vflip, transpose }, hr: patch };
}
