import type { Sharp } from 'sharp';
import type { BitDepth, Channels } from './pixel-buffer.js';

/** libvips interpretation that keeps a layout as it is: gray stays gray, 16-bit stays 16-bit. */
export function colourspaceFor(gray: boolean, sixteen: boolean): string {
  if (gray) return sixteen ? 'grey16' : 'b-w';
  return sixteen ? 'rgb16' : 'srgb';
}

export interface RawPixels {
  width: number;
  height: number;
  channels: Channels;
  data: Uint8Array | Uint16Array;
}

/**
 * Finish a pipeline as interleaved integer samples in the given layout.
 * sharp's raw output keeps only band 0 of any 8-bit 'b-w' image, silently dropping alpha from
 * gray+alpha; that case goes through sRGB (an exact band copy for gray) and is picked back apart.
 */
export async function toRawPixels(
  s: Sharp,
  gray: boolean,
  alpha: boolean,
  bitDepth: BitDepth,
): Promise<RawPixels> {
  const sixteen = bitDepth === 16;
  const grayAlpha8 = gray && alpha && !sixteen;
  const { data, info } = await s
    .toColourspace(grayAlpha8 ? 'srgb' : colourspaceFor(gray, sixteen))
    .raw({ depth: sixteen ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (grayAlpha8) {
    if (info.channels !== 4) throw new Error(`expected 4 channels from sharp, got ${info.channels}`);
    return { width: info.width, height: info.height, channels: 2, data: pickGrayAlpha(data) };
  }
  return {
    width: info.width,
    height: info.height,
    channels: info.channels as Channels,
    data: sixteen ? toUint16(data) : new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

function pickGrayAlpha(rgba: Uint8Array): Uint8Array {
  const n = rgba.length / 4;
  const out = new Uint8Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[2 * i] = rgba[4 * i];
    out[2 * i + 1] = rgba[4 * i + 3];
  }
  return out;
}

/** sharp's raw ushort output is native-endian, like Uint16Array; copy only when misaligned. */
export function toUint16(data: Buffer): Uint16Array {
  if (data.byteOffset % 2 === 0) return new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
  const copy = new Uint8Array(data.length);
  copy.set(data);
  return new Uint16Array(copy.buffer);
}

/** A typed-array view sharp reads with the right sample type (it looks at the constructor). */
export function rawInput(data: Uint8Array | Uint16Array, bitDepth: BitDepth): Uint8Array | Uint16Array {
  return bitDepth === 16
    ? new Uint16Array(data.buffer, data.byteOffset, data.length)
    : new Uint8Array(data.buffer, data.byteOffset, data.length);
}
