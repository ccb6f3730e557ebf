/**
 * Separable bicubic resampling of planar float images, in the three conventions SR code uses:
 *
 * - `PIL_BICUBIC` (default): Pillow's `Image.resize(..., BICUBIC)`, which the LIIF reference uses
 *   (through torchvision `Resize`) to make every LR training input and its x6+ benchmark inputs.
 *   Keys kernel a = -0.5; when downscaling the kernel is stretched by the factor (antialias);
 *   pixel-centre aligned (output pixel i samples input position (i + 0.5) * in / out); at the
 *   borders out-of-range taps are dropped and the remaining weights renormalised
 *   (Pillow Resample.c `precompute_coeffs`).
 * - `MATLAB_BICUBIC`: Matlab `imresize(..., 'bicubic')`: the same kernel, stretch and alignment,
 *   but out-of-range taps read a mirror image of the border (symmetric padding). The commonly
 *   reported bicubic baselines (../shared/LIIF.md) are Matlab imresize, so eval upsamples with it.
 * - `TORCH_BICUBIC`: `F.interpolate(mode='bicubic', align_corners=False)`: a = -0.75, never
 *   stretched, border pixels replicated.
 *
 * Differences from Pillow on purpose: Pillow works on uint8 with 22-bit fixed-point weights and
 * rounds/clips after each pass; we keep float64 weights, float32 values and no rounding between
 * passes, and clamp to [0,1] only at the end (`clamp`, on by default). Checked against Pillow's
 * own float ('F' mode) resize to float32 precision, and within one level of its 8-bit downscales
 * (tests/unit/core/train/data/bicubic.test.ts); 8-bit upscales of noisy images can differ more,
 * where Pillow's clip between passes cuts an overshoot. 8-bit LR inputs, as Pillow and Matlab
 * would store them, are one `quantize8` away (float-image.ts).
 */
import { type FloatImage, floatImage } from './float-image.js';

export type EdgeMode = 'renormalise' | 'mirror' | 'replicate';

export interface BicubicKernel {
  /** Keys' cubic convolution parameter: -0.5 (Pillow, Matlab) or -0.75 (PyTorch, OpenCV). */
  readonly a: number;
  /** Stretch the kernel by the downscale factor (antialiasing). Upscaling is never stretched. */
  readonly antialias: boolean;
  readonly edge: EdgeMode;
}

export const PIL_BICUBIC: BicubicKernel = { a: -0.5, antialias: true, edge: 'renormalise' };
export const MATLAB_BICUBIC: BicubicKernel = { a: -0.5, antialias: true, edge: 'mirror' };
export const TORCH_BICUBIC: BicubicKernel = { a: -0.75, antialias: false, edge: 'replicate' };

/** Keys' cubic convolution kernel, support [-2, 2]. */
export function cubic(x: number, a: number): number {
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/** For each output index: the input indices it reads and their weights (summing to 1). */
export interface AxisTaps {
  readonly index: Int32Array[];
  readonly weight: Float64Array[];
}

function edgeIndex(i: number, n: number, edge: EdgeMode): number {
  if (edge === 'replicate') return Math.min(n - 1, Math.max(0, i));
  // Matlab's symmetric padding: ... 1 0 | 0 1 ... n-1 | n-1 n-2 ... (period 2n).
  const p = ((i % (2 * n)) + 2 * n) % (2 * n);
  return p < n ? p : 2 * n - 1 - p;
}

/** Resampling taps for one axis of `inSize` -> `outSize` pixels. */
export function axisTaps(inSize: number, outSize: number, kernel: BicubicKernel): AxisTaps {
  if (!Number.isInteger(inSize) || !Number.isInteger(outSize) || inSize < 1 || outSize < 1)
    throw new RangeError(`invalid resize ${inSize} -> ${outSize}`);
  const scale = inSize / outSize;
  const stretch = kernel.antialias ? Math.max(1, scale) : 1;
  const support = 2 * stretch;
  const index: Int32Array[] = [];
  const weight: Float64Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    // Taps whose pixel centre (i + 0.5) lies strictly inside the support, as Pillow bounds them.
    let lo = Math.floor(centre - support + 0.5);
    let hi = Math.floor(centre + support + 0.5);
    if (kernel.edge === 'renormalise') {
      lo = Math.max(0, lo);
      hi = Math.min(inSize, hi);
    }
    const idx: number[] = [];
    const w: number[] = [];
    let sum = 0;
    for (let i = lo; i < hi; i++) {
      const k = cubic((i + 0.5 - centre) / stretch, kernel.a);
      if (k === 0) continue;
      idx.push(kernel.edge === 'renormalise' ? i : edgeIndex(i, inSize, kernel.edge));
      w.push(k);
      sum += k;
    }
    index.push(Int32Array.from(idx));
    weight.push(Float64Array.from(w, (k) => (sum !== 0 ? k / sum : k)));
  }
  return { index, weight };
}

export interface ResizeOptions {
  readonly kernel?: BicubicKernel;
  /** Clamp the result to [0, 1] (default true): bicubic over- and undershoots at edges. */
  readonly clamp?: boolean;
}

/** Resizes every channel of a planar image to `outHeight` x `outWidth`: columns first, then rows. */
export function resizeBicubic(
  image: FloatImage,
  outHeight: number,
  outWidth: number,
  options: ResizeOptions = {},
): FloatImage {
  const kernel = options.kernel ?? PIL_BICUBIC;
  const { channels, height: h, width: w, data } = image;
  const cols = axisTaps(w, outWidth, kernel);
  const rows = axisTaps(h, outHeight, kernel);
  const mid = new Float32Array(h * outWidth);
  const out = floatImage(channels, outHeight, outWidth);
  for (let c = 0; c < channels; c++) {
    const base = c * h * w;
    for (let y = 0; y < h; y++) {
      const row = base + y * w;
      for (let x = 0; x < outWidth; x++) {
        const idx = cols.index[x];
        const wt = cols.weight[x];
        let acc = 0;
        for (let k = 0; k < idx.length; k++) acc += wt[k] * data[row + idx[k]];
        mid[y * outWidth + x] = acc;
      }
    }
    const obase = c * outHeight * outWidth;
    for (let y = 0; y < outHeight; y++) {
      const idx = rows.index[y];
      const wt = rows.weight[y];
      const orow = obase + y * outWidth;
      for (let x = 0; x < outWidth; x++) {
        let acc = 0;
        for (let k = 0; k < idx.length; k++) acc += wt[k] * mid[idx[k] * outWidth + x];
        out.data[orow + x] = acc;
      }
    }
  }
  if (options.clamp ?? true) {
    const d = out.data;
    for (let i = 0; i < d.length; i++) d[i] = Math.min(1, Math.max(0, d[i]));
  }
  return out;
}
