/**
 * Decodes a region preview, full or coarse, from pixels already in memory. The worker writes the
 * result to a PNG; the preview-latency benchmark times this very function.
 */
import type { PixelBuffer } from '../core/image/pixel-buffer.js';
import type { CodesCache } from '../core/infer/codes-cache.js';
import type { LiifEngine } from '../core/infer/liif-engine.js';
import type { UpscaleStage } from '../core/infer/progress.js';
import { upscalePixels } from '../core/infer/upscale-pixels.js';
import { outputGeometry, type Rect, type Size, type SizeSpec } from '../shared/size-spec.js';
import type { PreviewJob } from './worker-protocol.js';

export interface PreviewPixels {
  readonly pixels: PixelBuffer;
  /** The region decoded, in target pixels (relative to the target window). */
  readonly region: Rect;
  readonly target: Size;
  readonly usedModel: boolean;
}

export interface PreviewOptions {
  readonly signal?: AbortSignal;
  /**
   * Reuse codes encoded by earlier passes over the same pixels: the quick look's serve the full
   * preview, and a region's serve the same region moved by a few pixels. `source` names the image
   * (path and modification time, say); the cache tells its colour and alpha passes apart.
   */
  readonly codes?: { readonly cache: CodesCache; readonly source: string };
}

export async function previewPixels(
  engine: LiifEngine,
  image: PixelBuffer,
  job: Pick<PreviewJob, 'size' | 'region' | 'coarse'>,
  { signal, codes }: PreviewOptions = {},
): Promise<PreviewPixels> {
  const target = outputGeometry(image, job.size).window;
  const [size, region] = coarseRequest(image, job);
  const encoder = codes && ((stage: UpscaleStage) => codes.cache.encoder(`${codes.source}\n${stage}`));
  const result = await upscalePixels(engine, image, size, { region, signal, encoder });
  // The region is relative to the target window (which differs from the virtual image for a cover
  // crop); a coarse preview's window is in 1/k target pixels.
  const { window } = result.geometry;
  return {
    pixels: result.pixels,
    region:
      job.coarse === 1
        ? { x: window.x - target.x, y: window.y - target.y, width: window.width, height: window.height }
        : clipRegion(job.region, target),
    target: { width: target.width, height: target.height },
    usedModel: result.usedModel,
  };
}

/**
 * The size and region to decode. Coarse: the same picture at 1/k of the target's resolution (the
 * virtual image divided by k, so a cover crop stays a crop), and the region divided by k: 1/k^2 of
 * the queries. LIIF's cell then says "pixels k times larger", which is what they are.
 */
function coarseRequest(
  image: { width: number; height: number },
  job: Pick<PreviewJob, 'size' | 'region' | 'coarse'>,
): [SizeSpec, Rect] {
  const k = job.coarse;
  if (k <= 1) return [job.size, job.region];
  const { virtual, window } = outputGeometry(image, job.size);
  const size: SizeSpec = {
    kind: 'exact',
    width: Math.max(1, Math.round(virtual.width / k)),
    height: Math.max(1, Math.round(virtual.height / k)),
  };
  const region = {
    x: Math.floor((window.x + job.region.x) / k),
    y: Math.floor((window.y + job.region.y) / k),
    width: Math.max(1, Math.ceil(job.region.width / k)),
    height: Math.max(1, Math.ceil(job.region.height / k)),
  };
  return [size, region];
}

function clipRegion(region: Rect, target: { width: number; height: number }): Rect {
  const x = Math.max(0, Math.min(region.x, target.width - 1));
  const y = Math.max(0, Math.min(region.y, target.height - 1));
  return {
    x,
    y,
    width: Math.min(region.width, target.width - x),
    height: Math.min(region.height, target.height - y),
  };
}
