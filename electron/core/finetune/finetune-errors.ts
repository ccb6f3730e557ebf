import type { SkippedFile } from './scan.js';

export type FinetuneErrorCode =
  | 'no-images'
  | 'missing-folder'
  | 'bad-name'
  | 'name-taken'
  | 'no-run'
  | 'damaged-run'
  | 'save-failed';

/** A fine-tuning failure to show as is; `code` says which, for the CLI's exit code and the UI. */
export class FinetuneError extends Error {
  override readonly name = 'FinetuneError';
  constructor(
    readonly code: FinetuneErrorCode,
    message: string,
    readonly skipped: readonly SkippedFile[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
