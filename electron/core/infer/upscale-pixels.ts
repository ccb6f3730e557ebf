/**
 * Upscales integer pixels of any layout (gray, gray+alpha, RGB, RGBA; 8 or 16 bit) with LIIF.
 *
 * - Colour runs through the model in the image's own colour space (no sRGB conversion).
 * - Gray images are fed as three equal channels and averaged back to one.
 * - Alpha gets its own pass through the model (as a gray image), so edges of cut-outs are as
 *   sharp as the colour, not blurred by a bilinear resize.
 * - Targets at or below the source size are a plain Lanczos resize: the model is for enlarging.
 */

import { type OutputGeometry, outputGeometry, type Rect, type SizeSpec } from '../../shared/size-spec.js';
import { hasAlpha, isGray, type PixelBuffer } from '../image/pixel-buffer.js';
import { resizePlain } from '../image/resize-plain.js';
import type { LiifEngine } from './liif-engine.js';
import type { ProgressListener, UpscaleStage } from './progress.js';
import { type EncodeCrop, type RgbSink, type RgbSource, upscaleTiled } from './upscale-tiled.js';

export interface UpscalePixelsOptions {
  readonly memoryBudgetMB?: number;
  readonly tileSide?: number;
  readonly maxOutputPixels?: number;
  /**
   * Decode only this rectangle of the target image (in target pixels): the region preview. LIIF
   * queries are independent, so a 512 x 512 preview of a 100-megapixel target costs 512 x 512.
   */
  readonly region?: Rect;
  /** Where each pass (colour, alpha) gets its tiles' codes: the region preview's cache. */
  readonly encoder?: (stage: UpscaleStage) => EncodeCrop;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
}

export interface UpscaleResult {
  readonly pixels: PixelBuffer;
  /** False when the target was not larger than the source and a plain resize was used. */
  readonly usedModel: boolean;
  readonly geometry: OutputGeometry;
}

/** A view of some of the buffer's channels as an RGB source in [0,1] (one channel -> gray RGB). */
export function channelSource(pixels: PixelBuffer, channels: readonly number[]): RgbSource {
  const max = pixels.bitDepth === 16 ? 65535 : 255;
  const { width, height, data } = pixels;
  const stride = pixels.channels;
  return {
    width,
    height,
    read(rect: Rect): Float32Array {
      const plane = rect.width * rect.height;
      const out = new Float32Array(3 * plane);
      for (let c = 0; c < 3; c++) {
        const src = channels[Math.min(c, channels.length - 1)];
        for (let y = 0; y < rect.height; y++) {
          const row = ((rect.y + y) * width + rect.x) * stride + src;
          const dst = c * plane + y * rect.width;
          for (let x = 0; x < rect.width; x++) out[dst + x] = data[row + x * stride] / max;
        }
      }
      return out;
    },
  };
}

/**
 * A copy of `pixels` whose fully transparent pixels take the colour of the nearest visible one
 * ("alpha bleeding"). The colour under a transparent pixel is invisible and often black; upscaled
 * as it is, it bleeds into the visible edge as a dark fringe. Filled from the inside, the colour
 * is smooth across the edge and the model keeps the edge's own colour. Premultiplying by alpha
 * does not do that here: the model is not linear, so colour x alpha and alpha come out with edges
 * of different shapes and their ratio still dips.
 */
export function bleedColourUnderTransparency(pixels: PixelBuffer): PixelBuffer {
  const { width, height, channels } = pixels;
  const alpha = channels - 1;
  const data = pixels.data.slice();
  const count = width * height;
  // Breadth-first from every visible pixel: each transparent pixel copies the colour of the
  // neighbour that reached it first, i.e. of a nearest visible pixel (4-neighbour distance).
  const queue = new Int32Array(count);
  const reached = new Uint8Array(count);
  let head = 0;
  let tail = 0;
  for (let p = 0; p < count; p++)
    if (data[p * channels + alpha] !== 0) {
      reached[p] = 1;
      queue[tail++] = p;
    }
  if (tail === 0 || tail === count) return pixels;
  while (head < tail) {
    const p = queue[head++]!;
    const x = p % width;
    const y = (p - x) / width;
    for (const [nx, ny] of [
      [x - 1, y],
      [x + 1, y],
      [x, y - 1],
      [x, y + 1],
    ] as const) {
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
      const q = ny * width + nx;
      if (reached[q]) continue;
      reached[q] = 1;
      for (let c = 0; c < alpha; c++) data[q * channels + c] = data[p * channels + c]!;
      queue[tail++] = q;
    }
  }
  return { ...pixels, data };
}

/** Writes decoded RGB into `channels` of `target`; one target channel receives the mean of R, G, B. */
function channelSink(target: PixelBuffer, channels: readonly number[]): RgbSink {
  const max = target.bitDepth === 16 ? 65535 : 255;
  const stride = target.channels;
  return (rect, rgb) => {
    for (let y = 0; y < rect.height; y++) {
      for (let x = 0; x < rect.width; x++) {
        const i = (y * rect.width + x) * 3;
        const o = ((rect.y + y) * target.width + rect.x + x) * stride;
        if (channels.length === 1) {
          target.data[o + channels[0]] = Math.round(((rgb[i] + rgb[i + 1] + rgb[i + 2]) / 3) * max);
        } else {
          for (let c = 0; c < 3; c++) target.data[o + channels[c]] = Math.round(rgb[i + c] * max);
        }
      }
    }
  };
}

export async function upscalePixels(
  engine: LiifEngine,
  source: PixelBuffer,
  spec: SizeSpec,
  options: UpscalePixelsOptions = {},
): Promise<UpscaleResult> {
  const geometry = withRegion(outputGeometry(source, spec, options.maxOutputPixels), options.region);
  const { window } = geometry;
  if (geometry.maxScale <= 1) {
    const pixels = await resizeWindow(source, geometry);
    return { pixels, usedModel: false, geometry };
  }
  const size = window.width * window.height * source.channels;
  const target: PixelBuffer = {
    width: window.width,
    height: window.height,
    channels: source.channels,
    bitDepth: source.bitDepth,
    data: source.bitDepth === 16 ? new Uint16Array(size) : new Uint8Array(size),
  };
  const colour = isGray(source.channels) ? [0] : [0, 1, 2];
  const alpha = hasAlpha(source.channels) ? [source.channels - 1] : undefined;
  // Both passes cost the same, so each is half of the job when there is alpha.
  const split = alpha ? 0.5 : 1;
  const common = {
    memoryBudgetMB: options.memoryBudgetMB,
    tileSide: options.tileSide,
    signal: options.signal,
    onProgress: options.onProgress,
  };
  const colourSource = alpha ? bleedColourUnderTransparency(source) : source;
  await upscaleTiled(engine, channelSource(colourSource, colour), geometry, channelSink(target, colour), {
    ...common,
    stage: 'colour',
    fractionRange: [0, split],
    encode: options.encoder?.('colour'),
  });
  if (alpha) {
    await upscaleTiled(engine, channelSource(source, alpha), geometry, channelSink(target, alpha), {
      ...common,
      stage: 'alpha',
      fractionRange: [split, 1],
      encode: options.encoder?.('alpha'),
    });
  }
  return { pixels: target, usedModel: true, geometry };
}

/** Narrows the geometry's window to a region of it (clipped to the window). */
function withRegion(geometry: OutputGeometry, region: Rect | undefined): OutputGeometry {
  if (!region) return geometry;
  const w = geometry.window;
  const x0 = Math.max(w.x, w.x + Math.floor(region.x));
  const y0 = Math.max(w.y, w.y + Math.floor(region.y));
  const x1 = Math.min(w.x + w.width, w.x + Math.floor(region.x + region.width));
  const y1 = Math.min(w.y + w.height, w.y + Math.floor(region.y + region.height));
  if (x1 <= x0 || y1 <= y0) throw new Error('the preview region lies outside the image');
  return { ...geometry, window: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } };
}

/** Plain resize to the virtual size, then the window (a cover crop) cut out of it. */
async function resizeWindow(source: PixelBuffer, geometry: OutputGeometry): Promise<PixelBuffer> {
  const { virtual, window } = geometry;
  const resized = await resizePlain(source, virtual.width, virtual.height);
  if (window.width === virtual.width && window.height === virtual.height) return resized;
  const ch = resized.channels;
  const out =
    resized.data.constructor === Uint16Array
      ? new Uint16Array(window.width * window.height * ch)
      : new Uint8Array(window.width * window.height * ch);
  for (let y = 0; y < window.height; y++) {
    const start = ((window.y + y) * virtual.width + window.x) * ch;
    out.set(resized.data.subarray(start, start + window.width * ch), y * window.width * ch);
  }
  return { ...resized, width: window.width, height: window.height, data: out };
}
