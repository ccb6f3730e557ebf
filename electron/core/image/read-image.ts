import { stat } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { errorText, ImageError } from './image-errors.js';
import type { BitDepth, Channels, DecodedImage, ImageMetadata } from './pixel-buffer.js';
import { type RawPixels, toRawPixels } from './sharp-raw.js';
import { readHead, type SniffedKind, sharpDecodes, sniffKind } from './sniff-format.js';

export interface ReadOptions {
  /** Refuse images with more pixels than this, before decoding any pixel (decompression bombs). Default 200e6. */
  maxPixels?: number;
  signal?: AbortSignal;
}

export interface ImageProbe {
  /** Width after EXIF orientation, i.e. as readImage will return it. */
  width: number;
  /** Height after EXIF orientation. */
  height: number;
  channels: Channels;
  bitDepth: BitDepth;
  format: string;
  hasAlpha: boolean;
  isGray: boolean;
  /** EXIF orientation 1-8 of the file, when it has one. */
  orientation?: number;
}

export const DEFAULT_MAX_PIXELS = 200e6;

/**
 * 'truncated' turns libjpeg's "premature end" and libpng's short reads into errors, where the
 * default 'none'-like leniency would hand back grey (JPEG) or black (PNG) filled rows. It is less
 * strict than sharp's default 'warning', which also rejects the harmless warnings common in
 * camera and phone files (extraneous bytes, known-incorrect sRGB profiles).
 */
const FAIL_ON = 'truncated' as const;

const KIND_NAMES: Partial<Record<SniffedKind, string>> = {
  heic: 'HEIC/HEIF (HEVC)',
  jxl: 'JPEG XL',
  jp2: 'JPEG 2000',
  bmp: 'BMP',
  psd: 'Photoshop PSD',
  ico: 'ICO',
  pdf: 'PDF',
  exr: 'OpenEXR',
  qoi: 'QOI',
  cr3: 'Canon CR3 raw',
  'raw-camera': 'camera raw',
};

function throwIfAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}

/** Spaces decoded as they are; anything else (CMYK, Lab...) is converted to sRGB and loses its ICC. */
const NATIVE_SPACES = new Set(['srgb', 'rgb', 'b-w', 'grey16', 'rgb16']);

interface Checked {
  meta: Metadata;
  kind: SniffedKind | undefined;
}

/** File-system checks and header parse shared by probe and read; never decodes pixels. */
async function checkFile(path: string, opts: ReadOptions): Promise<Checked> {
  throwIfAborted(opts.signal);
  let head: Uint8Array;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new ImageError(path, 'unreadable', 'it is a folder, not a file');
    if (!st.isFile()) throw new ImageError(path, 'unreadable', 'it is not a regular file');
    if (st.size === 0) throw new ImageError(path, 'empty');
    head = await readHead(path);
  } catch (err) {
    if (err instanceof ImageError) throw err;
    throw new ImageError(path, 'unreadable', fsErrorText(err), { cause: err });
  }
  const kind = sniffKind(head);
  if (kind && !sharpDecodes(kind)) {
    throw new ImageError(path, 'unsupported-format', KIND_NAMES[kind] ?? kind);
  }
  let meta: Metadata;
  try {
    // No pixel limit here: metadata() reads only the header, and we want the size for the message.
    meta = await sharp(path, { failOn: FAIL_ON, limitInputPixels: false }).metadata();
  } catch (err) {
    throw decodeError(path, kind, err);
  }
  throwIfAborted(opts.signal);
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (meta.width * meta.height > maxPixels) {
    throw new ImageError(
      path,
      'too-large',
      `${meta.width}x${meta.height} is ${fmtMegapixels(meta.width * meta.height)}, the limit is ${fmtMegapixels(maxPixels)}`,
    );
  }
  return { meta, kind };
}

function fmtMegapixels(n: number): string {
  return `${(n / 1e6).toFixed(1)} MP`;
}

function fsErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'it does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return errorText(err);
}

/** Map a sharp failure to a reason: recognised container -> damaged data, else not an image. */
function decodeError(path: string, kind: SniffedKind | undefined, err: unknown): ImageError {
  const text = errorText(err);
  if (/Input file is missing/i.test(text))
    return new ImageError(path, 'unreadable', 'it does not exist', { cause: err });
  if (/exceeds pixel limit/i.test(text)) return new ImageError(path, 'too-large', text, { cause: err });
  if (!kind) return new ImageError(path, 'not-an-image', undefined, { cause: err });
  return new ImageError(path, 'truncated', text, { cause: err });
}

function isGraySpace(meta: Metadata): boolean {
  return meta.space === 'b-w' || meta.space === 'grey16';
}

function isSixteenBit(meta: Metadata): boolean {
  // ushort is 16-bit PNG/TIFF (and >8-bit AVIF); wider types (float, uint TIFF) are brought down to 16.
  return meta.depth !== 'uchar' && meta.depth !== 'char';
}

/** Header-only look at an image: size after orientation, channels, depth. Cheap: no pixel decode. */
export async function probeImage(path: string, opts: ReadOptions = {}): Promise<ImageProbe> {
  const { meta } = await checkFile(path, opts);
  const gray = isGraySpace(meta);
  const alpha = meta.hasAlpha;
  const colour = gray ? 1 : 3;
  return {
    width: meta.autoOrient.width,
    height: meta.autoOrient.height,
    channels: (colour + (alpha ? 1 : 0)) as Channels,
    bitDepth: isSixteenBit(meta) ? 16 : 8,
    format: meta.format,
    hasAlpha: alpha,
    isGray: gray,
    ...(meta.orientation !== undefined ? { orientation: meta.orientation } : {}),
  };
}

/**
 * Decode an image upright (EXIF orientation applied) into integer pixels in the file's own colour
 * space. sharp converts to sRGB by default whenever an ICC profile is embedded (and 16-bit RGB to
 * P3); we pass ignoreIcc so the values are untouched and return the profile bytes instead, so the
 * writer can re-attach them. Animated GIF/WebP: first frame only.
 */
export async function readImage(path: string, opts: ReadOptions = {}): Promise<DecodedImage> {
  const { meta, kind } = await checkFile(path, opts);
  const native = NATIVE_SPACES.has(meta.space);
  const gray = isGraySpace(meta);
  const sixteen = isSixteenBit(meta);
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const pipeline = sharp(path, {
    failOn: FAIL_ON,
    // Second line of defence after checkFile, in case the file changed in between.
    limitInputPixels: Number.isFinite(maxPixels) ? Math.max(1, Math.floor(maxPixels)) : false,
    // CMYK/Lab have to become RGB; let sharp use the embedded profile for that.
    ignoreIcc: native,
    autoOrient: true,
  });
  let raw: RawPixels;
  try {
    raw = await toRawPixels(pipeline, gray, meta.hasAlpha, sixteen ? 16 : 8);
  } catch (err) {
    throw decodeError(path, kind, err);
  }
  throwIfAborted(opts.signal);
  if (raw.channels < 1 || raw.channels > 4) {
    throw new ImageError(path, 'unsupported-format', `${raw.channels} channels`);
  }
  const notices: string[] = [];
  if (!native)
    notices.push(
      `converted from ${spaceName(meta.space)} to sRGB: the output has no ${spaceName(meta.space)} version`,
    );
  if ((meta.pages ?? 1) > 1) notices.push(`only the first of its ${meta.pages} frames was upscaled`);
  const metadata: ImageMetadata = {};
  if (native && meta.icc) metadata.icc = meta.icc;
  if (meta.exif) metadata.exif = meta.exif;
  if (meta.density) metadata.density = meta.density;
  return {
    path,
    format: meta.format,
    ...raw,
    bitDepth: sixteen ? 16 : 8,
    metadata,
    notices,
  };
}

function spaceName(space: string | undefined): string {
  return space === undefined
    ? 'its colour space'
    : space === 'labs' || space === 'lab'
      ? 'Lab'
      : space.toUpperCase();
}
