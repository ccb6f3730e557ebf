/**
 * The look at a user's folders before fine-tuning: which images can be used, which are skipped and
 * why, how big they are, and how many training crops each can give. Header-only (no pixel decode),
 * so a folder of thousands of camera photos is scanned in seconds; images are used at their native
 * resolutions (size-varied ground truths, ../shared/LIIF.md, LIIF Sec. 5.3), never resized.
 * With `verify` (default) each image is also decoded once to a small thumbnail, so truncated files
 * are found here rather than mid-training (JPEGs decode at reduced size, so this stays cheap).
 */

import sharp from 'sharp';
import { ImageError } from '../image/image-errors.js';
import { DEFAULT_MAX_PIXELS, probeImage } from '../image/read-image.js';
import { collectInputs } from '../jobs/collect-inputs.js';
import { inputKind } from '../jobs/input-kind.js';
import { FinetuneError } from './finetune-errors.js';

/** Scales the crop counts are given for: an HR crop at scale s is (lrSize * s) pixels square. */
export const CROP_SCALES = [1, 2, 3, 4] as const;

export interface ScannedImage {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  /** Non-overlapping (lrSize * s)-pixel crops the image holds, one count per CROP_SCALES entry. */
  readonly crops: readonly number[];
}

export interface SkippedFile {
  readonly path: string;
  /** 'too-small', or an ImageError reason ('truncated', 'not-an-image', 'too-large', ...). */
  readonly reason: string;
  /** What is wrong, in plain words, without the file's name (shown beside it). */
  readonly message: string;
}

export interface HistogramBin {
  readonly label: string;
  /** Long side in pixels, min inclusive, max exclusive. */
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

export interface ScanReport {
  readonly folders: readonly string[];
  readonly recursive: boolean;
  readonly lrSize: number;
  readonly usable: readonly ScannedImage[];
  readonly skipped: readonly SkippedFile[];
  /** Usable images by long side. */
  readonly histogram: readonly HistogramBin[];
  readonly cropScales: readonly number[];
  /** Sum of each image's crops per CROP_SCALES entry. */
  readonly totalCrops: readonly number[];
  /** How many usable photos are compressed (JPEG below quality 95, lossy WebP/HEIC/AVIF). */
  readonly compression: CompressionSummary;
}

export interface CompressionSummary {
  readonly compressed: number;
  readonly jpegs: number;
  /** Median estimated quality of the JPEGs (image/compression.ts); absent without JPEGs. */
  readonly medianJpegQuality?: number;
}

async function summariseCompression(images: readonly ScannedImage[]): Promise<CompressionSummary> {
  const kinds = await Promise.all(images.map((im) => inputKind(im.path).catch(() => undefined)));
  const qualities = kinds
    .flatMap((k) => (k?.compression?.kind === 'jpeg' ? [k.compression.quality] : []))
    .sort((a, b) => a - b);
  return {
    compressed: kinds.filter((k) => k?.kind === 'compressed').length,
    jpegs: qualities.length,
    ...(qualities.length ? { medianJpegQuality: qualities[Math.floor(qualities.length / 2)]! } : {}),
  };
}

/** In words, for the scan report: "12 of 20 are compressed (12 JPEGs, median quality ~82)". */
export function describeCompressionSummary(c: CompressionSummary, usable: number): string {
  const jpegs = c.jpegs
    ? ` (${c.jpegs} JPEG${c.jpegs === 1 ? '' : 's'}, median quality ~${c.medianJpegQuality})`
    : '';
  return `${c.compressed} of ${usable} compressed${jpegs}`;
}

const BIN_EDGES = [0, 256, 512, 1024, 2048, 4096, Number.POSITIVE_INFINITY];

function histogram(images: readonly ScannedImage[]): HistogramBin[] {
  return BIN_EDGES.slice(0, -1).map((min, i) => {
    const max = BIN_EDGES[i + 1];
    const label = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `${min}-${max - 1}`;
    const count = images.filter((im) => {
      const side = Math.max(im.width, im.height);
      return side >= min && side < max;
    }).length;
    return { label, min, max, count };
  });
}

export function cropsOf(width: number, height: number, lrSize: number): number[] {
  return CROP_SCALES.map((s) => Math.floor(width / (lrSize * s)) * Math.floor(height / (lrSize * s)));
}

export interface ScanOptions {
  readonly recursive?: boolean;
  /** LR patch side of training (default 48): smaller images cannot give a crop. */
  readonly lrSize?: number;
  /** Images above this many pixels are skipped (default read-image's bound). */
  readonly maxPixels?: number;
  /** Decode each image once to catch truncated files (default true). */
  readonly verify?: boolean;
  readonly signal?: AbortSignal;
}

async function verifyDecodes(path: string): Promise<void> {
  try {
    await sharp(path, { failOn: 'truncated', limitInputPixels: false })
      .resize(64, 64, { fit: 'inside' })
      .raw()
      .toBuffer();
  } catch (err) {
    throw new ImageError(path, 'truncated', undefined, { cause: err });
  }
}

/**
 * Scans folders (and files) for training images. Throws FinetuneError 'missing-folder' for a path
 * that is not there and 'no-images' when nothing usable is found, so no training starts on nothing.
 */
export async function scanFolders(
  folders: readonly string[],
  options: ScanOptions = {},
): Promise<ScanReport> {
  const lrSize = options.lrSize ?? 48;
  const recursive = options.recursive ?? false;
  if (folders.length === 0) throw new FinetuneError('no-images', 'no folder was given');
  const { files, missing } = await collectInputs(folders, recursive);
  if (missing.length > 0)
    throw new FinetuneError('missing-folder', `${missing[0].path}: ${missing[0].error}`);
  const usable: ScannedImage[] = [];
  const skipped: SkippedFile[] = [];
  for (const path of files) {
    options.signal?.throwIfAborted();
    try {
      const { width, height } = await probeImage(path, {
        maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
      });
      if (Math.min(width, height) < lrSize)
        skipped.push({
          path,
          reason: 'too-small',
          message: `${width}x${height} is smaller than the ${lrSize}-pixel training crop`,
        });
      else {
        if (options.verify ?? true) await verifyDecodes(path);
        usable.push({ path, width, height, crops: cropsOf(width, height, lrSize) });
      }
    } catch (err) {
      if (!(err instanceof ImageError)) throw err;
      skipped.push({ path, reason: err.reason, message: err.text });
    }
  }
  if (usable.length === 0) {
    const where = folders.join(', ');
    const why =
      files.length === 0
        ? `no image files in ${where}${recursive ? '' : ' (subfolders not included)'}`
        : `none of the ${files.length} image files in ${where} can be used (${skipped.length} skipped: ${summariseSkips(skipped)})`;
    throw new FinetuneError('no-images', why, skipped);
  }
  return {
    folders: [...folders],
    recursive,
    lrSize,
    usable,
    skipped,
    histogram: histogram(usable),
    cropScales: [...CROP_SCALES],
    totalCrops: CROP_SCALES.map((_, i) => usable.reduce((a, im) => a + im.crops[i], 0)),
    compression: await summariseCompression(usable),
  };
}

/** "3 too-small, 1 truncated". */
export function summariseSkips(skipped: readonly SkippedFile[]): string {
  const counts = new Map<string, number>();
  for (const s of skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return [...counts].map(([reason, n]) => `${n} ${reason}`).join(', ') || 'none';
}
