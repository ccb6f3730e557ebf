/**
 * The region preview's cache of encoder output: the quick look and the full preview that follows
 * it, or a preview moved by a few pixels, encode nearly the same low-resolution crop, so the codes
 * of one encode serve the next passes. Preview path only; batch jobs encode every tile.
 *
 * Exactness: a tile decodes only codes at least `receptiveRadius` (the planner's halo) inside its
 * crop, except at the image's own edges (tile-planner.ts), and such a code depends on LR pixels up
 * to that radius away and on nothing else: it is the code the whole image would give, wherever
 * the crop ends. A larger cached crop contains the smaller crop and its halo, so those codes are
 * the same in both (to float tolerance: ORT may sum in another order for another shape). Codes
 * near the small crop's edges differ (the large crop's are closer to the whole image's), but no
 * query reads them.
 *
 * A hit hands the decoder the larger crop's codes with that crop's origin in its `window` input
 * (y0, x0, H, W), so each query reads the code at the same global position as it would in a slice.
 * Cutting the slice out would cost an allocation and a copy of the codes (46 MB, 150-200 ms on a
 * 2-core machine for the app's view at x2.5) on every pass.
 * Tested by tests/unit/core/infer/codes-cache.test.ts and tests/unit/core/service/preview-pixels.test.ts
 * (cached preview == uncached preview).
 */

import type { Rect } from '../../shared/size-spec.js';
import type { LiifEngine } from './liif-engine.js';
import type { FloatTensor } from './onnx-runtime.js';
import type { CropCodes, EncodeCrop, RgbSource } from './upscale-tiled.js';

export interface CodesCacheOptions {
  /** LR pixels added on each side of a crop encoded on a miss (clamped to the image). */
  readonly margin?: number;
  /** Codes kept at most, in bytes (least recently used go first). */
  readonly maxBytes?: number;
  /** Entries kept at most. */
  readonly maxEntries?: number;
}

/**
 * The quick look's crop and the full preview's differ by a pixel or two, which any margin covers;
 * 8 LR pixels also cover drags of the region by a couple of overview pixels. A miss encodes
 * (crop + 2 margin)^2 LR pixels instead of crop^2: 1.16x for the app's view at x2.5 (crop 212).
 * Covering the arrow keys' pan (a quarter of the 340-pixel view: 34 LR pixels at x2.5, 21 at x4)
 * would take 24 or more, 1.5x, which delays every quick look by half an encode; measured with 24
 * (and slicing, since dropped), the full preview came no sooner than without the cache.
 */
export const DEFAULT_CODES_MARGIN = 8;
/**
 * Factorised EDSR-baseline codes are 256 float32 per LR pixel (1 KiB): the app's view at x2.5
 * needs a 228^2 crop with the margin (51 MiB), at x4 176^2 (30 MiB); a 512 view at x2.5 296^2
 * (86 MiB). 192 MiB keeps the last three or four, colour and alpha passes counted apart.
 */
export const DEFAULT_CODES_MAX_BYTES = 192 * 1024 * 1024;
const DEFAULT_MAX_ENTRIES = 4;

interface Entry {
  readonly source: string;
  readonly crop: Rect;
  readonly codes: Promise<FloatTensor>;
  /** 0 until the encode finishes. */
  bytes: number;
}

export class CodesCache {
  private entries: Entry[] = []; // least recently used first
  private engine: LiifEngine | undefined;
  private readonly margin: number;
  private readonly maxBytes: number;
  private readonly maxEntries: number;

  constructor(options: CodesCacheOptions = {}) {
    this.margin = options.margin ?? DEFAULT_CODES_MARGIN;
    this.maxBytes = options.maxBytes ?? DEFAULT_CODES_MAX_BYTES;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  /** Bytes of codes held now. */
  get bytes(): number {
    return this.entries.reduce((sum, e) => sum + e.bytes, 0);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Drops every entry (the engine was released, or the model changed). */
  clear(): void {
    this.entries = [];
    this.engine = undefined;
  }

  /**
   * Encodes tiles through the cache. `source` names the pixels the RgbSource reads: the image
   * (path and modification time) and which of its channels (colour or alpha pass).
   */
  encoder(source: string): EncodeCrop {
    return (engine, pixels, crop) => this.codes(engine, source, pixels, crop);
  }

  private async codes(engine: LiifEngine, source: string, pixels: RgbSource, crop: Rect): Promise<CropCodes> {
    // Codes of another engine (another model or provider) are never reused.
    if (this.engine !== engine) this.clear();
    this.engine = engine;
    let entry = this.entries.find((e) => e.source === source && contains(e.crop, crop));
    if (entry) this.entries.splice(this.entries.indexOf(entry), 1);
    else entry = this.encode(engine, source, pixels, grow(crop, this.margin, pixels));
    this.entries.push(entry);
    this.evict();
    return { codes: await entry.codes, crop: entry.crop };
  }

  private encode(engine: LiifEngine, source: string, pixels: RgbSource, crop: Rect): Entry {
    const codes = engine.encode(pixels.read(crop), crop.height, crop.width);
    const entry: Entry = { source, crop, codes, bytes: 0 };
    codes.then(
      (c) => {
        entry.bytes = c.data.byteLength;
        this.evict();
      },
      () => this.drop(entry),
    );
    return entry;
  }

  private drop(entry: Entry): void {
    const i = this.entries.indexOf(entry);
    if (i >= 0) this.entries.splice(i, 1);
  }

  /** Least recently used first, down to the bounds (codes larger than the bound are not kept). */
  private evict(): void {
    while (this.entries.length > this.maxEntries || this.bytes > this.maxBytes) this.entries.shift();
  }
}

function contains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

function grow(crop: Rect, margin: number, image: { width: number; height: number }): Rect {
  const x = Math.max(0, crop.x - margin);
  const y = Math.max(0, crop.y - margin);
  return {
    x,
    y,
    width: Math.min(image.width, crop.x + crop.width + margin) - x,
    height: Math.min(image.height, crop.y + crop.height + margin) - y,
  };
}
