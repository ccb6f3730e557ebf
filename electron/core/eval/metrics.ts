/**
 * Image quality as SR papers report it (../shared/LIIF.md "Evaluation protocol").
 *
 * - PSNR: on the Y channel of the difference, Y = (65.738 R + 129.057 G + 25.064 B) / 256 on
 *   [0,1] values (the reference's calc_psnr; the +16 offset cancels in a difference), `shave`
 *   pixels dropped at each border, -10 log10(MSE). Identical images give Infinity.
 * - SSIM: Wang et al. 2004 as common SR evaluation code computes it (Matlab ssim_index, BasicSR
 *   calculate_ssim): on Y in [0,255] with the +16 offset (Matlab rgb2ycbcr), shaved the same way,
 *   an 11 x 11 Gaussian window with sigma 1.5, 'valid' filtering, K1 = 0.01, K2 = 0.03, L = 255,
 *   mean of the SSIM map.
 */
import type { FloatImage } from '../image/float-image.js';

const KR = 65.738 / 256;
const KG = 129.057 / 256;
const KB = 25.064 / 256;

export type MetricChannel = 'y' | 'rgb';

function checkPair(a: FloatImage, b: FloatImage, shave: number): void {
  if (a.channels !== 3 || b.channels !== 3) throw new RangeError('metrics need 3-channel images');
  if (a.height !== b.height || a.width !== b.width)
    throw new RangeError(`sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  if (!Number.isInteger(shave) || shave < 0 || 2 * shave >= Math.min(a.height, a.width))
    throw new RangeError(`cannot shave ${shave} px from ${a.width}x${a.height}`);
}

/** Y of [0,1] RGB without the offset, over the shaved region: [h - 2 shave, w - 2 shave]. */
export function lumaShaved(image: FloatImage, shave: number): Float64Array {
  const { height: h, width: w, data } = image;
  const oh = h - 2 * shave;
  const ow = w - 2 * shave;
  const plane = h * w;
  const out = new Float64Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const i = (y + shave) * w + x + shave;
      out[y * ow + x] = KR * data[i] + KG * data[plane + i] + KB * data[2 * plane + i];
    }
  }
  return out;
}

/** PSNR in dB of `test` against `reference` (both [0,1] RGB planar), Y channel or RGB. */
export function psnr(
  test: FloatImage,
  reference: FloatImage,
  shave: number,
  channel: MetricChannel = 'y',
): number {
  checkPair(test, reference, shave);
  let sum = 0;
  let count = 0;
  if (channel === 'y') {
    const a = lumaShaved(test, shave);
    const b = lumaShaved(reference, shave);
    for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
    count = a.length;
  } else {
    const { height: h, width: w } = test;
    for (let c = 0; c < 3; c++) {
      for (let y = shave; y < h - shave; y++) {
        for (let x = shave; x < w - shave; x++) {
          const i = (c * h + y) * w + x;
          sum += (test.data[i] - reference.data[i]) ** 2;
        }
      }
    }
    count = 3 * (h - 2 * shave) * (w - 2 * shave);
  }
  return -10 * Math.log10(sum / count);
}

function gaussianWindow(size: number, sigma: number): Float64Array {
  const r = (size - 1) / 2;
  const g = Float64Array.from({ length: size }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const total = g.reduce((s, v) => s + v, 0);
  return g.map((v) => v / total);
}

/** 'valid' separable filtering of an [h, w] plane. */
function filterValid(src: Float64Array, h: number, w: number, g: Float64Array): Float64Array {
  const k = g.length;
  const ow = w - k + 1;
  const oh = h - k + 1;
  const mid = new Float64Array(h * ow);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < ow; x++) {
      let acc = 0;
      for (let j = 0; j < k; j++) acc += g[j] * src[y * w + x + j];
      mid[y * ow + x] = acc;
    }
  }
  const out = new Float64Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let acc = 0;
      for (let j = 0; j < k; j++) acc += g[j] * mid[(y + j) * ow + x];
      out[y * ow + x] = acc;
    }
  }
  return out;
}

/** Mean SSIM of two single-channel planes with values on a 0-255 scale. */
export function ssimPlane(a: Float64Array, b: Float64Array, h: number, w: number): number {
  const g = gaussianWindow(11, 1.5);
  if (h < g.length || w < g.length) return Number.NaN;
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  const prod = (x: Float64Array, y: Float64Array) => x.map((v, i) => v * y[i]);
  const mu1 = filterValid(a, h, w, g);
  const mu2 = filterValid(b, h, w, g);
  const s11 = filterValid(prod(a, a), h, w, g);
  const s22 = filterValid(prod(b, b), h, w, g);
  const s12 = filterValid(prod(a, b), h, w, g);
  let sum = 0;
  for (let i = 0; i < mu1.length; i++) {
    const m1 = mu1[i];
    const m2 = mu2[i];
    const v1 = s11[i] - m1 * m1;
    const v2 = s22[i] - m2 * m2;
    const cov = s12[i] - m1 * m2;
    sum += ((2 * m1 * m2 + c1) * (2 * cov + c2)) / ((m1 * m1 + m2 * m2 + c1) * (v1 + v2 + c2));
  }
  return sum / mu1.length;
}

/** SSIM on Y (0-255 with the +16 offset), `shave` pixels dropped at each border. */
export function ssimY(test: FloatImage, reference: FloatImage, shave: number): number {
  checkPair(test, reference, shave);
  const toY255 = (image: FloatImage) => lumaShaved(image, shave).map((v) => 16 + 255 * v);
  const h = test.height - 2 * shave;
  const w = test.width - 2 * shave;
  return ssimPlane(toY255(test), toY255(reference), h, w);
}
