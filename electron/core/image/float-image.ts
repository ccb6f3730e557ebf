/**
 * Planar float images in [0,1]: the form the data pipeline, the resampler and evaluation share.
 */
import { maxSample, type PixelBuffer } from './pixel-buffer.js';

/** Planar pixels: data[(c * height + y) * width + x]. */
export interface FloatImage {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly data: Float32Array;
}

export function floatImage(channels: number, height: number, width: number): FloatImage {
  return { channels, height, width, data: new Float32Array(channels * height * width) };
}

/**
 * Integer pixels of any layout -> planar RGB in [0,1]. Gray is replicated to three equal
 * channels; alpha is dropped (not composited: training crops and benchmark images are opaque
 * in practice, and compositing on a colour would invent content the model should not learn);
 * 16-bit samples are divided by 65535.
 */
export function toFloatRgb(pixels: PixelBuffer): FloatImage {
  return cropRgb(pixels, 0, 0, pixels.height, pixels.width);
}

/** A rectangle of `pixels` as planar RGB in [0,1] (same channel rules as toFloatRgb). */
export function cropRgb(
  pixels: PixelBuffer,
  y0: number,
  x0: number,
  height: number,
  width: number,
): FloatImage {
  if (y0 < 0 || x0 < 0 || y0 + height > pixels.height || x0 + width > pixels.width)
    throw new RangeError(`crop ${width}x${height}+${x0}+${y0} outside ${pixels.width}x${pixels.height}`);
  const out = floatImage(3, height, width);
  const { data, channels: stride } = pixels;
  const scale = 1 / maxSample(pixels.bitDepth);
  const colour = stride >= 3 ? 3 : 1;
  const plane = height * width;
  for (let c = 0; c < 3; c++) {
    const src = Math.min(c, colour - 1);
    for (let y = 0; y < height; y++) {
      const row = ((y0 + y) * pixels.width + x0) * stride + src;
      const dst = c * plane + y * width;
      for (let x = 0; x < width; x++) out.data[dst + x] = data[row + x * stride] * scale;
    }
  }
  return out;
}

/** The top-left `height` x `width` region of a planar image. */
export function cropTopLeft(image: FloatImage, height: number, width: number): FloatImage {
  if (height === image.height && width === image.width) return image;
  if (height > image.height || width > image.width)
    throw new RangeError(`crop ${width}x${height} larger than ${image.width}x${image.height}`);
  const out = floatImage(image.channels, height, width);
  for (let c = 0; c < image.channels; c++) {
    for (let y = 0; y < height; y++) {
      const src = (c * image.height + y) * image.width;
      out.data.set(image.data.subarray(src, src + width), (c * height + y) * width);
    }
  }
  return out;
}

/**
 * Square dihedral augmentation of a planar image, as the reference applies it: horizontal flip
 * (columns reversed), vertical flip (rows reversed), then transpose (rows <-> columns).
 */
export function augment(image: FloatImage, hflip: boolean, vflip: boolean, transpose: boolean): FloatImage {
  if (!hflip && !vflip && !transpose) return image;
  const { channels, height: h, width: w } = image;
  const oh = transpose ? w : h;
  const ow = transpose ? h : w;
  const out = floatImage(channels, oh, ow);
  for (let c = 0; c < channels; c++) {
    const base = c * h * w;
    const obase = c * oh * ow;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        // Position in the flipped (not yet transposed) image, then back to the source.
        let fy = transpose ? ox : oy;
        let fx = transpose ? oy : ox;
        if (vflip) fy = h - 1 - fy;
        if (hflip) fx = w - 1 - fx;
        out.data[obase + oy * ow + ox] = image.data[base + fy * w + fx];
      }
    }
  }
  return out;
}

/** Rounds to the nearest of 256 levels, as storing the image as 8-bit would (values in [0,1]). */
export function quantize8(image: FloatImage): FloatImage {
  const data = new Float32Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(image.data[i] * 255) / 255;
  return { ...image, data };
}

/** Planar [0,1] RGB -> interleaved 8-bit RGB (clamped and rounded), the layout encoders take. */
export function toRgb8(image: FloatImage): Buffer {
  const plane = image.height * image.width;
  const out = Buffer.alloc(plane * 3);
  for (let i = 0; i < plane; i++)
    for (let c = 0; c < 3; c++)
      out[i * 3 + c] = Math.round(Math.min(1, Math.max(0, image.data[c * plane + i])) * 255);
  return out;
}
