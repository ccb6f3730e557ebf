/**
 * The paper's evaluation protocol (../shared/LIIF.md "Evaluation protocol"; the reference's
 * SRImplicitDownsampled with a fixed scale): for scale s, the LR side is floor(side / s + 1e-9),
 * the HR image is cropped (top-left) to round(lr side * s), and the LR image is the antialiased
 * bicubic downsample of that crop. Pixels dropped at the border for scoring: `s` (rounded up for
 * non-integer scales, as the reference only shaves whole pixels).
 */
import { MATLAB_BICUBIC, PIL_BICUBIC, resizeBicubic } from '../image/bicubic.js';
import { gaussianBlur } from '../image/degrade.js';
import { cropTopLeft, type FloatImage, quantize8 } from '../image/float-image.js';

export interface EvalSizes {
  readonly lrHeight: number;
  readonly lrWidth: number;
  readonly hrHeight: number;
  readonly hrWidth: number;
}

export function evalSizes(height: number, width: number, scale: number): EvalSizes {
  if (!(scale >= 1)) throw new RangeError(`evaluation scale must be >= 1 (got ${scale})`);
  const lrHeight = Math.floor(height / scale + 1e-9);
  const lrWidth = Math.floor(width / scale + 1e-9);
  if (lrHeight < 1 || lrWidth < 1)
    throw new RangeError(`a ${width}x${height} image is too small for x${scale}`);
  return { lrHeight, lrWidth, hrHeight: Math.round(lrHeight * scale), hrWidth: Math.round(lrWidth * scale) };
}

export function shaveFor(scale: number): number {
  return Math.ceil(scale - 1e-9);
}

/**
 * How the LR input is stored: 8 (default) rounds it to 8-bit levels, as the reference's LR
 * images always are (Matlab-made PNGs for x2-x4, PIL uint8 resizes above); 'float' keeps it exact.
 */
export type LrPrecision = 8 | 'float';

export interface EvalPair {
  /** The cropped ground truth, round(lr * s) on each side. */
  readonly hr: FloatImage;
  readonly lr: FloatImage;
  readonly scale: number;
}

/** `blurSigma` (HR pixels) softens the HR before downsampling, for `liif eval --degrade blur:S`. */
export function makeEvalPair(
  image: FloatImage,
  scale: number,
  lrPrecision: LrPrecision = 8,
  blurSigma = 0,
): EvalPair {
  const size = evalSizes(image.height, image.width, scale);
  const hr = cropTopLeft(image, size.hrHeight, size.hrWidth);
  const down = resizeBicubic(gaussianBlur(hr, blurSigma), size.lrHeight, size.lrWidth, {
    kernel: PIL_BICUBIC,
  });
  return { hr, lr: lrPrecision === 8 ? quantize8(down) : down, scale };
}

/**
 * The bicubic baseline: Matlab imresize bicubic upsampling (a = -0.5, symmetric borders), the
 * method behind the commonly reported bicubic numbers, kept in float like the model's output.
 */
export function bicubicUpscale(lr: FloatImage, height: number, width: number): FloatImage {
  return resizeBicubic(lr, height, width, { kernel: MATLAB_BICUBIC });
}
