/**
 * One error type for everything that can go wrong with a model on disk, so the CLI and the UI can
 * show "which file, what is wrong" without parsing messages, and branch on `reason` instead.
 */

export type ModelErrorReason = 'missing' | 'corrupt' | 'incompatible' | 'io';

export class ModelError extends Error {
  override readonly name = 'ModelError';
  /** The file or folder at fault, as the caller named it. */
  readonly path: string;
  /**
   * missing: a file/folder/tensor/model that should be there is not.
   * corrupt: it is there but unreadable or damaged (bad JSON, truncated, NaN weights).
   * incompatible: it is well formed but made for another architecture or format version.
   * io: the operating system refused (permissions, disk full).
   */
  readonly reason: ModelErrorReason;
  /** The message without the path prefix, for UIs that show the path separately. */
  readonly detail: string;

  constructor(reason: ModelErrorReason, path: string, detail: string, options?: { cause?: unknown }) {
    super(`${path}: ${detail}`, options);
    this.reason = reason;
    this.path = path;
    this.detail = detail;
  }
}

/** Turns a Node fs error into a ModelError: ENOENT is 'missing', everything else 'io'. */
export function fsModelError(err: unknown, path: string, what = 'file'): ModelError {
  if (err instanceof ModelError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new ModelError('missing', path, `${what} not found`, { cause: err });
  if (code === 'ENOTDIR')
    return new ModelError('missing', path, `a parent of this ${what} is not a folder`, { cause: err });
  const text = err instanceof Error ? err.message : String(err);
  return new ModelError('io', path, `could not access ${what} (${text})`, { cause: err });
}
