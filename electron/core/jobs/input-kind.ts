/**
 * Which model fits a photo: a clean source (PNG, TIFF, a JPEG saved near-losslessly) goes to the
 * clean model, which keeps every bit of real detail; a compressed one (JPEG, lossy WebP, HEIC,
 * AVIF) to the photo model, trained to remove blocks, ringing and noise while it enlarges
 * (image/degrade.ts). The clean model sharpens those artefacts into crisp ones instead.
 */
import { open } from 'node:fs/promises';
import type { InputChoice } from '../../shared/vocabulary.js';
import { type Compression, describeCompression, detectCompression } from '../image/compression.js';
import { sniffKind } from '../image/sniff-format.js';

export type { InputChoice } from '../../shared/vocabulary.js';
export { INPUT_CHOICES, PHOTO_MODEL_NAME } from '../../shared/vocabulary.js';

/**
 * JPEGs at this libjpeg quality or above count as clean: at 95+ the artefacts are below what the
 * eye or the clean model picks up, and the clean model keeps more detail.
 */
export const CLEAN_JPEG_QUALITY = 95;

export interface InputKind {
  readonly kind: 'clean' | 'compressed';
  /** What the header says; absent when the choice was forced. */
  readonly compression?: Compression;
}

/** Bytes read for the header: quantisation tables come after EXIF, which may take up to 64 KiB. */
const HEAD_BYTES = 256 * 1024;

async function readStart(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export async function inputKind(path: string, choice: InputChoice = 'auto'): Promise<InputKind> {
  if (choice !== 'auto') return { kind: choice };
  const head = await readStart(path);
  const sniffed = sniffKind(head);
  const format = sniffed === 'heic' ? 'heif' : (sniffed ?? 'unknown');
  const compression = detectCompression(head, format);
  const compressed =
    compression.kind === 'lossy' || (compression.kind === 'jpeg' && compression.quality < CLEAN_JPEG_QUALITY);
  return { kind: compressed ? 'compressed' : 'clean', compression };
}

/**
 * For the result line and the queue row: what was found and what was done about it.
 * `usedPhotoModel` matters only for a compressed input.
 */
export function describeInputKind(input: InputKind, usedPhotoModel: boolean): string {
  const found = input.compression ? ` (${describeCompression(input.compression)})` : '';
  if (input.kind === 'clean') return `clean source${found}`;
  return usedPhotoModel
    ? `compressed photo${found}: artefacts removed`
    : `compressed photo${found}, but no photo model is installed: artefacts may be sharpened`;
}
