import sharp from 'sharp';
import { isGray, type PixelBuffer, pixelBufferProblem } from './pixel-buffer.js';

/**
 * High-quality plain resize (Lanczos3 via sharp) for target scales <= 1, where the model is not
 * used. Works for any channels/bitDepth and keeps them: gray stays gray, 16-bit stays 16-bit, and
 * alpha is premultiplied by sharp during the resample so transparent pixels do not bleed colour.
 * Pixels are resampled as stored (no colour-space conversion), matching how the model sees them.
 */
export async function resizePlain(pixels: PixelBuffer, width: number, height: number): Promise<PixelBuffer> {
  const problem = pixelBufferProblem(pixels);
  if (problem) throw new RangeError(`resizePlain: ${problem}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`resizePlain: invalid target size ${width}x${height}`);
  }
  const sixteen = pixels.bitDepth === 16;
  const gray = isGray(pixels.channels);
  const input =
    pixels.data instanceof Uint16Array
      ? new Uint16Array(pixels.data.buffer, pixels.data.byteOffset, pixels.data.length)
      : new Uint8Array(pixels.data.buffer, pixels.data.byteOffset, pixels.data.length);
  const { data, info } = await sharp(input, {
    raw: { width: pixels.width, height: pixels.height, channels: pixels.channels },
    limitInputPixels: false,
  })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .toColourspace(gray ? (sixteen ? 'grey16' : 'b-w') : sixteen ? 'rgb16' : 'srgb')
    .raw({ depth: sixteen ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== pixels.channels) {
    throw new Error(`resizePlain: sharp returned ${info.channels} channels for ${pixels.channels}`);
  }
  const out = sixteen
    ? new Uint16Array(Uint8Array.from(data).buffer)
    : new Uint8Array(data.buffer, data.byteOffset, data.length);
  return { width: info.width, height: info.height, channels: pixels.channels, bitDepth: pixels.bitDepth, data: out };
}
