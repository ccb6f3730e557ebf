/**
 * Tiled LIIF upscaling of an RGB source: memory follows the budget, not the image size.
 */

import type { OutputGeometry, Rect, Size } from '../../shared/size-spec.js';
import { pixelCentre } from './coordinates.js';
import type { LiifEngine } from './liif-engine.js';
import type { FloatTensor } from './onnx-runtime.js';
import { type ProgressListener, throwIfAborted, type UpscaleStage } from './progress.js';
import { DEFAULT_MEMORY_BUDGET_MB, planTiles, sizeTiles } from './tile-planner.js';

/** Random access to an RGB image in [0,1]: read(rect) returns planar [3, rect.height, rect.width]. */
export interface RgbSource extends Size {
  read(rect: Rect): Float32Array;
}

/**
 * Receives decoded pixels: `rect` is relative to the output window, `rgb` is interleaved
 * [rect.height * rect.width * 3] in [0,1]. Called once per chunk of rows, top to bottom per tile.
 */
export type RgbSink = (rect: Rect, rgb: Float32Array) => void;

/** Latent codes [1, crop.height, crop.width, K] (channels last) of an LR crop. */
export interface CropCodes {
  readonly codes: FloatTensor;
  readonly crop: Rect;
}

/**
 * Gives latent codes for a tile's LR crop: of that crop or of a larger one containing it, equal to
 * `engine.encode(source.read(crop), ...)` at least on the codes the tile reads (those a halo inside
 * `crop`). The decoder's `window` input takes the returned crop's origin, so coordinates stay
 * global and a larger crop's codes need no cutting. The region preview reuses earlier passes'
 * codes this way (codes-cache.ts).
 */
export type EncodeCrop = (engine: LiifEngine, source: RgbSource, crop: Rect) => Promise<CropCodes>;

/** Encodes every crop afresh: batch jobs, and the preview without a cache. */
export const encodeCrop: EncodeCrop = async (engine, source, crop) => ({
  codes: await engine.encode(source.read(crop), crop.height, crop.width),
  crop,
});

export interface TiledOptions {
  readonly memoryBudgetMB?: number;
  /** Output tile side in pixels (overrides the budget's choice). */
  readonly tileSide?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
  readonly stage?: UpscaleStage;
  /** This pass's share of the whole job, for the overall fraction: [start, end) in 0..1. */
  readonly fractionRange?: readonly [number, number];
  /** Where tiles' codes come from (default: encodeCrop). */
  readonly encode?: EncodeCrop;
}

/** Upscales `source` to `geometry`, streaming decoded rows into `sink`. Returns the tile count. */
export async function upscaleTiled(
  engine: LiifEngine,
  source: RgbSource,
  geometry: OutputGeometry,
  sink: RgbSink,
  options: TiledOptions = {},
): Promise<number> {
  const { virtual, window } = geometry;
  const arch = engine.architecture;
  const sizing = sizeTiles(
    arch,
    options.memoryBudgetMB ?? DEFAULT_MEMORY_BUDGET_MB,
    geometry.maxScale,
    options.tileSide,
  );
  const tiles = planTiles(arch, source, virtual, window, sizing.tileSide);
  const encode = options.encode ?? encodeCrop;
  const started = performance.now();
  const [f0, f1] = options.fractionRange ?? [0, 1];
  const cell = [2 / virtual.height, 2 / virtual.width];
  const totalPixels = window.width * window.height;
  let pixelsDone = 0;
  // Progress after every chunk, weighted by output pixels (edge tiles are smaller).
  const report = (tilesDone: number) => {
    const elapsedMs = performance.now() - started;
    const share = pixelsDone / totalPixels;
    options.onProgress?.({
      kind: 'tiles',
      stage: options.stage ?? 'colour',
      tilesDone,
      tilesTotal: tiles.length,
      fraction: f0 + (f1 - f0) * share,
      elapsedMs,
      etaMs: share > 0 ? (elapsedMs / share) * (1 - share) : undefined,
    });
  };
  // Pixel-centre coordinates of the window's rows and columns, computed once rather than per query.
  const rowCoords = Float32Array.from({ length: window.height }, (_, y) =>
    pixelCentre(window.y + y, virtual.height),
  );
  const colCoords = Float32Array.from({ length: window.width }, (_, x) =>
    pixelCentre(window.x + x, virtual.width),
  );

  // Every decoder run gets exactly `chunk` queries (the last of a tile is padded by repeating its
  // final query): one shape for every run keeps ONNX Runtime's arena from growing.
  // (At least one full tile row; no more than the largest tile, so small images stay cheap.)
  const tileW = Math.min(sizing.tileSide, window.width);
  const tileH = Math.min(sizing.tileSide, window.height);
  const chunk = Math.max(tileW, Math.min(sizing.chunkQueries, tileW * tileH));
  const coord = new Float32Array(chunk * 2);
  const cells = new Float32Array(chunk * 2);
  for (let i = 0; i < chunk; i++) {
    cells[2 * i] = cell[0];
    cells[2 * i + 1] = cell[1];
  }
  for (let t = 0; t < tiles.length; t++) {
    throwIfAborted(options.signal);
    const { output, crop } = tiles[t];
    const { codes, crop: encoded } = await encode(engine, source, crop);
    const codeWindow = [encoded.y, encoded.x, source.height, source.width] as const;
    const rowsPerChunk = Math.max(1, Math.floor(chunk / output.width));
    for (let y = output.y; y < output.y + output.height; y += rowsPerChunk) {
      throwIfAborted(options.signal);
      const rows = Math.min(rowsPerChunk, output.y + output.height - y);
      const q = rows * output.width;
      for (let i = 0; i < chunk; i++) {
        const k = Math.min(i, q - 1);
        coord[2 * i] = rowCoords[y - window.y + Math.floor(k / output.width)];
        coord[2 * i + 1] = colCoords[output.x - window.x + (k % output.width)];
      }
      const rgb = await engine.decode(codes, coord, cells, codeWindow);
      sink(
        { x: output.x - window.x, y: y - window.y, width: output.width, height: rows },
        rgb.subarray(0, q * 3),
      );
      pixelsDone += q;
      const lastChunk = y + rows >= output.y + output.height;
      report(lastChunk ? t + 1 : t);
    }
  }
  return tiles.length;
}
