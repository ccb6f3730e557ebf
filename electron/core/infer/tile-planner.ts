/**
 * Cuts an output window into tiles, and finds for each tile the low-resolution region to encode.
 *
 * Exactness: a latent code depends on LR pixels up to `receptiveRadius` away (34 stacked 3x3 convs
 * in EDSR-baseline, plus one for the 3x3 unfold / its factorised projection). Encoding a crop whose
 * edges are at least that far from every code the tile's queries touch gives the same codes as
 * encoding the whole image, and the decoder's `window` input keeps the coordinate maths global, so
 * tiled output equals untiled output.
 */

import type { Rect, Size } from '../../shared/size-spec.js';
import type { LiifArchitecture } from '../model/architecture.js';
import { indexRowsPerCode } from '../model/decoder-graph.js';
import { codeChannels } from '../model/encoder-graph.js';

export interface TilePlan {
  /** Output pixels of this tile, in virtual-image coordinates. */
  readonly output: Rect;
  /** LR crop to encode (contains the needed codes plus the halo), clipped to the image. */
  readonly crop: Rect;
}

export interface TileSizing {
  /** Output tile side in pixels. */
  readonly tileSide: number;
  /** Queries decoded per decoder call. */
  readonly chunkQueries: number;
}

/** Default memory budget for inference, sized so an 8 GB machine keeps room for the OS and the app. */
export const DEFAULT_MEMORY_BUDGET_MB = 1536;

/** LR pixels a code sees in each direction: 2 convs per residual block + head + tail, + the 3x3 unfold. */
export function receptiveRadius(arch: LiifArchitecture): number {
  return 2 * arch.resBlocks + 2 + 1;
}

/** Indices of LR codes an output row/column range reaches through the local ensemble (+-1 code). */
function neededCodes(start: number, end: number, outSize: number, lrSize: number): [number, number] {
  // Query centres map to LR position p = (i + 0.5) * lr / out - 0.5 (in code units); the ensemble
  // shifts by half a code either way and rounds to the nearest, so +-1 code covers it, +1 for safety.
  const lo = Math.floor(((start + 0.5) * lrSize) / outSize - 0.5) - 2;
  const hi = Math.ceil(((end - 0.5) * lrSize) / outSize - 0.5) + 2;
  return [Math.max(0, lo), Math.min(lrSize - 1, hi)];
}

/**
 * Picks tile and chunk sizes from a memory budget. Per LR crop pixel ONNX Runtime holds a few
 * 64-channel activations and the 256-channel codes (~2.5 KB), and the codes come back to
 * JavaScript once more; per query in flight, four ensemble members x 256 hidden floats x a few
 * live tensors (~20 KB). An LMF model's codes are 208 channels and its queries gather 208 and
 * compute 16 per member, so the same formula with its code width applies. The shares below were calibrated by tests/bench/peak-rss.ts: ORT's arena
 * grows in powers of two, so a share of a quarter of the budget per stage keeps the whole
 * process near the budget.
 */
export function sizeTiles(
  arch: LiifArchitecture,
  budgetMB: number,
  scale: number,
  tileSideOverride?: number,
): TileSizing {
  const budget = budgetMB * 1024 * 1024;
  const codeWidth = codeChannels(arch, 'factorised');
  const perQuery = 4 * Math.max(arch.hidden, codeWidth) * 4 * 5;
  const chunkQueries = Math.max(1024, Math.min(65536, Math.floor((budget * 0.2) / perQuery)));
  const perCode = (4 * arch.features + 3 * codeWidth + 3) * 4;
  const cropSide = Math.min(Math.floor(Math.sqrt((budget * 0.25) / perCode)), maxCropSide(arch));
  const coreSide = Math.max(16, cropSide - 2 * receptiveRadius(arch));
  const tileSide = tileSideOverride ?? Math.max(32, Math.floor(coreSide * Math.max(1, scale)));
  return { tileSide, chunkQueries };
}

/**
 * The decoder's index maths is float32, exact for windows under 2^24 gather rows
 * (indexRowsPerCode); the region preview's cache may add its margin around a crop, so 64 codes
 * of slack are kept.
 */
export function maxCropSide(arch: LiifArchitecture): number {
  return Math.floor(Math.sqrt(2 ** 24 / indexRowsPerCode(arch))) - 64;
}

/** Plans tiles row-major over the output window; every crop has the same size (see uniformCrops). */
export function planTiles(
  arch: LiifArchitecture,
  lr: Size,
  virtual: Size,
  window: Rect,
  tileSide: number,
): TilePlan[] {
  const halo = receptiveRadius(arch);
  const tiles: TilePlan[] = [];
  // As many tiles as tileSide needs, but of equal sizes: a 782-pixel side at tileSide 554 becomes
  // two 391-pixel tiles, not 554 + 228, whose uniform crops (each with its halo) encoded far more
  // of the photo than it has: Set14's zebra (586x391) at x2 with the default budget encoded 2.86x
  // its pixels with the LMF model's tiles and 2.35x with the exact model's; now 1.65x with both.
  const stepY = balancedStep(window.height, tileSide);
  const stepX = balancedStep(window.width, tileSide);
  for (let y = window.y; y < window.y + window.height; y += stepY) {
    const h = Math.min(stepY, window.y + window.height - y);
    const [ry0, ry1] = neededCodes(y, y + h, virtual.height, lr.height);
    for (let x = window.x; x < window.x + window.width; x += stepX) {
      const w = Math.min(stepX, window.x + window.width - x);
      const [rx0, rx1] = neededCodes(x, x + w, virtual.width, lr.width);
      const cy0 = Math.max(0, ry0 - halo);
      const cx0 = Math.max(0, rx0 - halo);
      const cy1 = Math.min(lr.height, ry1 + 1 + halo);
      const cx1 = Math.min(lr.width, rx1 + 1 + halo);
      tiles.push({
        output: { x, y, width: w, height: h },
        crop: { x: cx0, y: cy0, width: cx1 - cx0, height: cy1 - cy0 },
      });
    }
  }
  return uniformCrops(tiles, lr);
}

/** The largest side at most `tileSide` that splits `length` into equal parts (the last one shorter by < parts). */
function balancedStep(length: number, tileSide: number): number {
  return Math.ceil(length / Math.ceil(length / tileSide));
}

/**
 * Grows every crop to the largest crop's size, sliding it to stay inside the image. A larger crop
 * never changes the codes a tile uses (it only adds context), and with one crop shape for every
 * encoder run ONNX Runtime's memory arena stops growing after the first tile.
 */
function uniformCrops(tiles: TilePlan[], lr: Size): TilePlan[] {
  const height = Math.max(...tiles.map((t) => t.crop.height));
  const width = Math.max(...tiles.map((t) => t.crop.width));
  const slide = (start: number, size: number, target: number, limit: number) =>
    Math.max(0, Math.min(start - Math.floor((target - size) / 2), limit - target));
  return tiles.map(({ output, crop }) => ({
    output,
    crop: {
      x: slide(crop.x, crop.width, width, lr.width),
      y: slide(crop.y, crop.height, height, lr.height),
      width,
      height,
    },
  }));
}
