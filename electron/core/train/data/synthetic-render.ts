/**
 * Renders synthetic scenes (synthetic-scene.ts) to pixels through sharp's librsvg, in whichever
 * thread builds batches: a training sample's HR image, made on the fly and never stored.
 */
import sharp from 'sharp';
import type { PixelBuffer } from '../../image/pixel-buffer.js';
import { type SceneKind, synthesiseScene } from './synthetic-scene.js';

export interface SyntheticImage
  extends Pick<PixelBuffer, 'width' | 'height' | 'channels' | 'bitDepth' | 'data'> {
  readonly kind: SceneKind;
}

/** The smallest scene side: a 48-pixel LR patch at x4. */
export const SYNTHETIC_MIN_SIDE = 192;

/** A scene of `minSide` to twice that per side (the sampler passes its largest HR crop). */
export async function renderSynthetic(
  random: () => number,
  minSide = SYNTHETIC_MIN_SIDE,
): Promise<SyntheticImage> {
  const side = Math.round(minSide * (1 + random()));
  const scene = synthesiseScene(random, side);
  const { data, info } = await sharp(Buffer.from(scene.svg))
    .flatten({ background: '#808080' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== side || info.height !== side || info.channels !== 3)
    throw new Error(
      `synthetic scene rendered as ${info.width}x${info.height}x${info.channels}, not ${side}x${side}x3`,
    );
  return {
    kind: scene.kind,
    width: side,
    height: side,
    channels: 3,
    bitDepth: 8,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}
