/**
 * The in-memory image shape shared by decoding, resizing, the model and encoding.
 * Pixels stay integers in the file's own colour space; float conversion belongs to the model code.
 */

export type BitDepth = 8 | 16;
export type Channels = 1 | 2 | 3 | 4;

/** Interleaved integer pixels: data[(y*width + x)*channels + c]. channels: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
export interface PixelBuffer {
  width: number;
  height: number;
  channels: Channels;
  bitDepth: BitDepth;
  data: Uint8Array | Uint16Array;
}

export interface ImageMetadata {
  /** ICC profile bytes, exactly as embedded in the source file. The pixels are in this colour space. */
  icc?: Buffer;
  /** Raw EXIF block as sharp's metadata().exif returns it (may start with "Exif\0\0"). */
  exif?: Buffer;
  /** Pixels per inch. */
  density?: number;
}

export interface DecodedImage extends PixelBuffer {
  path: string;
  /** sharp's format id: jpeg, png, webp, gif, tiff, heif (also for AVIF), svg... */
  format: string;
  metadata: ImageMetadata;
  /**
   * What decoding changed that the user did not ask for (a CMYK photo made sRGB, an animation cut
   * to its first frame), in words for the result line and the queue row. Empty when nothing.
   */
  notices: readonly string[];
}

export function isGray(channels: Channels): boolean {
  return channels <= 2;
}

export function hasAlpha(channels: Channels): boolean {
  return channels === 2 || channels === 4;
}

/** Largest sample value for the depth: 255 or 65535. */
export function maxSample(bitDepth: BitDepth): number {
  return bitDepth === 16 ? 65535 : 255;
}

/**
 * Why a pixel buffer cannot be used, or undefined when it is well formed. Checked before any
 * native call, because sharp reads raw memory by the declared size and a short array would
 * otherwise surface as an obscure libvips error (or read past what the caller meant).
 */
export function pixelBufferProblem(p: PixelBuffer): string | undefined {
  if (!Number.isInteger(p.width) || !Number.isInteger(p.height) || p.width < 1 || p.height < 1) {
    return `invalid size ${p.width}x${p.height}`;
  }
  if (![1, 2, 3, 4].includes(p.channels)) return `invalid channel count ${p.channels}`;
  if (p.bitDepth === 8 && !(p.data instanceof Uint8Array)) return '8-bit pixels must be a Uint8Array';
  if (p.bitDepth === 16 && !(p.data instanceof Uint16Array)) return '16-bit pixels must be a Uint16Array';
  if (p.bitDepth !== 8 && p.bitDepth !== 16) return `invalid bit depth ${p.bitDepth}`;
  const expected = p.width * p.height * p.channels;
  if (p.data.length !== expected) {
    return `pixel data has ${p.data.length} samples, expected ${expected} (${p.width}x${p.height}x${p.channels})`;
  }
  return undefined;
}
