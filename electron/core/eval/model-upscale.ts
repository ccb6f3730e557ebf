import { outputGeometry, type Rect } from '../../shared/size-spec.js';
import { type FloatImage, floatImage } from '../image/float-image.js';
import type { LiifEngine } from '../infer/liif-engine.js';
import { type RgbSource, upscaleTiled } from '../infer/upscale-tiled.js';

export interface FloatUpscaleOptions {
  readonly tileSide?: number;
  readonly memoryBudgetMB?: number;
  readonly signal?: AbortSignal;
}

/** A planar RGB image as the tiled upscaler's source. */
export function floatSource(image: FloatImage): RgbSource {
  return {
    width: image.width,
    height: image.height,
    read(rect: Rect): Float32Array {
      const plane = rect.width * rect.height;
      const out = new Float32Array(3 * plane);
      for (let c = 0; c < 3; c++) {
        for (let y = 0; y < rect.height; y++) {
          const src = (c * image.height + rect.y + y) * image.width + rect.x;
          out.set(image.data.subarray(src, src + rect.width), c * plane + y * rect.width);
        }
      }
      return out;
    },
  };
}

/**
 * LIIF output of exactly `height` x `width` pixels for a planar [0,1] RGB input, kept in float
 * (no 8-bit rounding), so scores are on the model's unquantised output as the protocol asks.
 */
export async function upscaleFloat(
  engine: LiifEngine,
  lr: FloatImage,
  height: number,
  width: number,
  options: FloatUpscaleOptions = {},
): Promise<FloatImage> {
  const geometry = outputGeometry(lr, { kind: 'exact', width, height }, Number.POSITIVE_INFINITY);
  const out = floatImage(3, height, width);
  const plane = height * width;
  await upscaleTiled(
    engine,
    floatSource(lr),
    geometry,
    (rect, rgb) => {
      for (let y = 0; y < rect.height; y++) {
        for (let x = 0; x < rect.width; x++) {
          const i = (y * rect.width + x) * 3;
          const o = (rect.y + y) * width + rect.x + x;
          for (let c = 0; c < 3; c++) out.data[c * plane + o] = Math.min(1, Math.max(0, rgb[i + c]));
        }
      }
    },
    { tileSide: options.tileSide, memoryBudgetMB: options.memoryBudgetMB, signal: options.signal },
  );
  return out;
}
