/**
 * Centre crops written as PNG (lossless), for scoring photos at a cost whole 2040-px photos would
 * not allow on CPU: the model card's held-out crops (checkpoint-tools.ts) and the fine-tuning
 * benchmark's unseen photos (tests/bench/finetune-effect.ts).
 */
import sharp from 'sharp';

export interface CentreCrop {
  readonly width: number;
  readonly height: number;
  readonly sourceWidth: number;
  readonly sourceHeight: number;
}

/**
 * Writes the centre `side` x `side` of `file` to `out` (each side clipped to the photo's).
 * `square` clips both sides to the photo's shorter one, so every crop is square.
 */
export async function writeCentreCrop(
  file: string,
  out: string,
  side: number,
  { square = false }: { square?: boolean } = {},
): Promise<CentreCrop> {
  const image = sharp(file);
  const { width: sourceWidth = 0, height: sourceHeight = 0 } = await image.metadata();
  const short = square ? Math.min(sourceWidth, sourceHeight) : Number.POSITIVE_INFINITY;
  const width = Math.min(side, sourceWidth, short);
  const height = Math.min(side, sourceHeight, short);
  await image
    .extract({ left: (sourceWidth - width) >> 1, top: (sourceHeight - height) >> 1, width, height })
    .png()
    .toFile(out);
  return { width, height, sourceWidth, sourceHeight };
}
