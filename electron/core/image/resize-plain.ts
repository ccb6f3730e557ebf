import sharp from 'sharp';
import { hasAlpha, isGray, type PixelBuffer, pixelBufferProblem } from './pixel-buffer.js';
import { rawInput, toRawPixels } from './sharp-raw.js';

/**
 * High-quality plain resize (Lanczos3 via sharp) for target scales <= 1, where the model is not
 * used. Works for any channels/bitDepth and keeps them: gray stays gray, 16-bit stays 16-bit, and
 * alpha is premultiplied by sharp during the resample so transparent pixels do not bleed colour.
 * Samples are resampled as stored (no colour-space conversion), as the model sees them.
 */
export async function resizePlain(pixels: PixelBuffer, width: number, height: number): Promise<PixelBuffer> {
  const problem = pixelBufferProblem(pixels);
  if (problem) throw new RangeError(`resizePlain: ${problem}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`resizePlain: invalid target size ${width}x${height}`);
  }
  const pipeline = sharp(rawInput(pixels.data, pixels.bitDepth), {
    raw: { width: pixels.width, height: pixels.height, channels: pixels.channels },
    limitInputPixels: false,
  }).resize(width, height, { fit: 'fill', kernel: 'lanczos3' });
  const out = await toRawPixels(
    pipeline,
    isGray(pixels.channels),
    hasAlpha(pixels.channels),
    pixels.bitDepth,
  );
  if (out.channels !== pixels.channels) {
    throw new Error(`resizePlain: sharp returned ${out.channels} channels for ${pixels.channels}`);
  }
  return { ...out, bitDepth: pixels.bitDepth };
}
