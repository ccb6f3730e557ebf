import sharp, { type Sharp } from 'sharp';
import {
  type ConflictPolicy,
  commitFile,
  exists,
  removeQuietly,
  syncFile,
  tempPathFor,
} from './atomic-file.js';
import { type ExifTags, patchExif } from './exif-tags.js';
import { errorText, ImageError, isDiskFull } from './image-errors.js';
import type { OutputFormat } from './output-name.js';
import {
  hasAlpha,
  type ImageMetadata,
  isGray,
  type PixelBuffer,
  pixelBufferProblem,
} from './pixel-buffer.js';
import { withPngMetadata } from './png-metadata.js';
import { colourspaceFor, rawInput } from './sharp-raw.js';

export type { ConflictPolicy } from './atomic-file.js';
export {
  DEFAULT_NAME_TEMPLATE,
  extensionFor,
  formatFromPath,
  type NameVars,
  type OutputFormat,
  outputFileName,
  sanitizeFileName,
} from './output-name.js';

export interface WriteOptions {
  format: OutputFormat;
  /** 1-100 for jpeg, webp and avif (default 92); png and tiff are lossless and ignore it. */
  quality?: number;
  /** What to do when the target exists. Default 'rename' (`name (1).ext`). */
  onConflict?: ConflictPolicy;
  /** Keep ICC profile, EXIF and density. Default true. */
  keepMetadata?: boolean;
  signal?: AbortSignal;
}

export interface WriteResult {
  /** The path actually written (differs from the target after a rename), or the existing file when skipped. */
  path: string;
  skipped: boolean;
}

export const DEFAULT_QUALITY = 92;

/** Per-side limits of the encoders; beyond them libvips fails late, after the pixels were produced. */
const MAX_SIDE: Partial<Record<OutputFormat, number>> = { jpeg: 65535, webp: 16383 };

/** Why the format cannot store an image of this size, or undefined when it can. */
export function formatFitProblem(format: OutputFormat, width: number, height: number): string | undefined {
  const maxSide = MAX_SIDE[format];
  return maxSide && (width > maxSide || height > maxSide)
    ? `${width}x${height}, ${format} allows at most ${maxSide} pixels per side`
    : undefined;
}

/**
 * Throws ImageError 'target-too-large' when the format cannot store an image of this size. Jobs call
 * it before upscaling, so a too-large WebP fails at once rather than after the hours it took.
 */
export function checkFormatFits(
  format: OutputFormat,
  width: number,
  height: number,
  targetPath: string,
): void {
  const problem = formatFitProblem(format, width, height);
  if (problem) throw new ImageError(targetPath, 'target-too-large', problem);
}

/** Formats that store 16 bits per sample; libvips reduces the others to 8 (RGB: v >> 8, gray: rounded). */
const SIXTEEN_BIT: ReadonlySet<OutputFormat> = new Set(['png', 'tiff']);

/** JPEG has no alpha; flatten onto white, as image editors do, rather than libvips' black. */
const JPEG_MATTE = '#ffffff';

/**
 * The pixels as a sharp pipeline, carrying ICC and EXIF when asked. sharp cannot attach ICC bytes
 * to raw pixels without converting them (withIccProfile transforms from sRGB), so the pixels are
 * first wrapped in an uncompressed PNG that holds the profile and EXIF, which sharp then re-attaches
 * unchanged with keepIccProfile/keepExif.
 */
async function source(p: PixelBuffer, meta: ImageMetadata, keep: boolean): Promise<Sharp> {
  const raw = { width: p.width, height: p.height, channels: p.channels };
  const space = colourspaceFor(isGray(p.channels), p.bitDepth === 16);
  const exif = keep && meta.exif ? patchExif(meta.exif, uprightTags(p)) : undefined;
  const icc = keep ? meta.icc : undefined;
  if (!exif && !icc) return sharp(rawInput(p.data, p.bitDepth), { raw }).toColourspace(space);
  const png = await sharp(rawInput(p.data, p.bitDepth), { raw })
    .toColourspace(space)
    .png({ compressionLevel: 0, adaptiveFiltering: false })
    .toBuffer();
  // Our own PNG, so no untrusted-input limits; and a profile libpng rejects (an RGB profile on gray
  // pixels) is dropped with a warning rather than failing the write.
  let s = sharp(withPngMetadata(png, { icc, exif }), {
    failOn: 'none',
    limitInputPixels: false,
    unlimited: true,
  });
  if (icc) s = s.keepIccProfile();
  if (exif) s = s.keepExif();
  return s;
}

/** The pixels are upright, so Orientation becomes 1, and the recorded size becomes the new size. */
function uprightTags(p: PixelBuffer): Required<ExifTags> {
  return { orientation: 1, pixelXDimension: p.width, pixelYDimension: p.height };
}

function encode(s: Sharp, p: PixelBuffer, opts: WriteOptions): Sharp {
  const quality = Math.round(Math.min(100, Math.max(1, opts.quality ?? DEFAULT_QUALITY)));
  const sixteen = p.bitDepth === 16 && SIXTEEN_BIT.has(opts.format);
  let out = s.toColourspace(colourspaceFor(isGray(p.channels), sixteen));
  switch (opts.format) {
    case 'png':
      return out.png({ compressionLevel: 6 });
    case 'tiff':
      // sharp's TIFF default is JPEG compression: lossy and 8-bit only.
      return out.tiff({ compression: 'deflate', predictor: 'horizontal' });
    case 'jpeg':
      if (hasAlpha(p.channels)) out = out.flatten({ background: JPEG_MATTE });
      // 4:4:4 at high quality: chroma subsampling visibly blurs the fine detail we just added.
      return out.jpeg({ quality, chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0' });
    case 'webp':
      return out.webp({ quality });
    case 'avif':
      return out.avif({ quality });
  }
}

/**
 * Encode pixels to `targetPath` atomically: the data goes to a hidden temp file in the same folder,
 * which is flushed and then renamed (or linked) to the final name, so a reader never sees a
 * half-written file under that name. On error or abort the temp file is removed.
 * Metadata: the ICC profile is re-attached without converting pixels; EXIF is kept with Orientation
 * set to 1 and PixelX/YDimension set to the new size (TIFF output cannot carry EXIF in sharp).
 */
export async function writeImage(
  pixels: PixelBuffer,
  metadata: ImageMetadata,
  targetPath: string,
  opts: WriteOptions,
): Promise<WriteResult> {
  opts.signal?.throwIfAborted();
  const problem = pixelBufferProblem(pixels);
  if (problem) throw new ImageError(targetPath, 'write-failed', `invalid pixel buffer, ${problem}`);
  checkFormatFits(opts.format, pixels.width, pixels.height, targetPath);
  const policy = opts.onConflict ?? 'rename';
  if (policy === 'skip' && (await exists(targetPath))) return { path: targetPath, skipped: true };

  const keep = opts.keepMetadata ?? true;
  const temp = tempPathFor(targetPath);
  try {
    let s = encode(await source(pixels, metadata, keep), pixels, opts);
    if (keep && metadata.density) s = s.withDensity(metadata.density);
    opts.signal?.throwIfAborted();
    await s.toFile(temp);
    await syncFile(temp);
    opts.signal?.throwIfAborted();
    return await commitFile(temp, targetPath, policy);
  } catch (err) {
    await removeQuietly(temp);
    if (err instanceof ImageError || opts.signal?.aborted) throw err;
    if (isDiskFull(err)) throw new ImageError(targetPath, 'disk-full', undefined, { cause: err });
    throw new ImageError(targetPath, 'write-failed', errorText(err), { cause: err });
  }
}
