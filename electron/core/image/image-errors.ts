import { basename } from 'node:path';
import type { FailureParts } from '../../shared/vocabulary.js';

export type ImageErrorReason =
  | 'empty'
  | 'not-an-image'
  | 'unsupported-format'
  | 'truncated'
  | 'too-large'
  | 'target-too-large'
  | 'would-replace-source'
  | 'unreadable'
  | 'write-failed'
  | 'folder-not-writable'
  | 'disk-full';

const REASON_TEXT: Record<ImageErrorReason, string> = {
  empty: 'the file is empty (0 bytes)',
  'not-an-image': 'the file is not an image',
  'unsupported-format': 'this image format is not supported',
  truncated: 'the file is truncated or damaged (image data ends early or is corrupt)',
  'too-large': 'the image is too large to open',
  'target-too-large': 'the output image would be too large for the chosen format',
  'would-replace-source':
    'the output would replace a photo being upscaled; choose another folder or file name, or add a number when the file exists',
  unreadable: 'the file cannot be read',
  'write-failed': 'the image could not be written',
  'folder-not-writable': 'the output folder cannot be written to (read-only, or no permission)',
  'disk-full': 'the disk is full (or over its quota): free some space and try again',
};

/**
 * A per-file failure the UI can show as is: the message names the file and says what is wrong in
 * plain words; `reason` is for code (retry, skip, count). `detail` carries the low-level cause.
 */
export class ImageError extends Error {
  override readonly name = 'ImageError';
  readonly path: string;
  readonly reason: ImageErrorReason;
  /** The message without the file's name, for lists that show the name beside it. */
  readonly text: string;
  /** The low-level cause (the library's own words), when there is one. */
  readonly detail?: string;

  constructor(path: string, reason: ImageErrorReason, detail?: string, options?: { cause?: unknown }) {
    const text = detail ? `${REASON_TEXT[reason]}: ${detail}` : REASON_TEXT[reason];
    super(`${basename(path)}: ${text}`, options);
    this.path = path;
    this.reason = reason;
    this.text = text;
    if (detail) this.detail = detail;
  }
}

export type { FailureParts } from '../../shared/vocabulary.js';

export function failureParts(err: unknown): FailureParts {
  if (err instanceof ImageError)
    return { reason: REASON_TEXT[err.reason], ...(err.detail ? { detail: err.detail } : {}) };
  return { reason: errorText(err) };
}

/**
 * Whether a failed write ran out of space. libvips reports it only in its message, after a chain
 * of follow-on errors ("Unknown error -1") that mean nothing to a user, so the message is matched too.
 */
export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  return err instanceof Error && /No space left on device|Disk quota exceeded/i.test(err.message);
}

/** The text of anything thrown, on one line (libvips joins its error log with newlines). */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/g, '; ').trim();
}
