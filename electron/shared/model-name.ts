/**
 * The one rule for a name that becomes a folder: a model's, an import's, a fine-tuning run's. The
 * IPC validator, the CLI and every core function that joins a name onto a folder call it, so no
 * caller can reach a path outside that folder ("..", "/", "\", an absolute path, NUL) or a name
 * that Windows cannot create. No Node imports: the renderer's checks may take it too.
 */

/** Letters, digits, space, dot, dash, underscore; 1-64 characters; not starting with a dot or space. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9 ._-]{0,63}$/;

/** Device names Windows reserves in every folder, with or without an extension (CON, NUL.txt). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

export const MAX_NAME_LENGTH = 64;

/** A name that cannot be a folder name; `given` is what was asked, `what` says which name it was. */
export class NameError extends RangeError {
  override readonly name = 'NameError';
  constructor(
    readonly given: string,
    readonly what: string,
  ) {
    super(
      `${JSON.stringify(given)} is not a usable ${what}: use 1-${MAX_NAME_LENGTH} letters, digits, spaces, dots, dashes or underscores, not starting with a dot and not ending with a dot`,
    );
  }
}

/**
 * Returns the name trimmed, or throws NameError. A trailing dot is refused because Windows drops it
 * ("a." and "a" are the same folder there); reserved device names because they are not folders.
 */
export function checkModelName(name: unknown, what = 'model name'): string {
  if (typeof name !== 'string') throw new NameError(`(${typeof name})`, what);
  const trimmed = name.trim();
  if (!NAME.test(trimmed) || trimmed.endsWith('.') || WINDOWS_RESERVED.test(trimmed))
    throw new NameError(name, what);
  return trimmed;
}

/** A fine-tuning run is named after the model it will save, so it follows the same rule. */
export const checkRunName = (name: unknown): string => checkModelName(name, 'fine-tuning run name');
