import { extname } from 'node:path';

import type { OutputFormat } from '../../shared/vocabulary.js';

export type { OutputFormat } from '../../shared/vocabulary.js';
export { OUTPUT_FORMATS } from '../../shared/vocabulary.js';

export const DEFAULT_NAME_TEMPLATE = '{name}_{width}x{height}.{ext}';

export interface NameVars {
  /** Source file name without folder or extension. */
  name: string;
  width: number;
  height: number;
  /** Scale as the user typed it, e.g. "4" or "2.5". Renders empty when absent. */
  scale?: string;
  /** Extension without the dot. */
  ext: string;
}

const EXTENSIONS: Record<OutputFormat, string> = {
  png: 'png',
  jpeg: 'jpg',
  webp: 'webp',
  avif: 'avif',
  tiff: 'tif',
};

const FORMAT_BY_EXT: Record<string, OutputFormat> = {
  png: 'png',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  jpe: 'jpeg',
  jfif: 'jpeg',
  webp: 'webp',
  avif: 'avif',
  tif: 'tiff',
  tiff: 'tiff',
};

export function extensionFor(format: OutputFormat): string {
  return EXTENSIONS[format];
}

/** The output format a file name asks for, by extension (case-insensitive), or undefined. */
export function formatFromPath(path: string): OutputFormat | undefined {
  return FORMAT_BY_EXT[extname(path).slice(1).toLowerCase()];
}

/** The format an input is written in: the one chosen, else the input's own when writable, else PNG. */
export function outputFormatFor(input: string, chosen: OutputFormat | undefined): OutputFormat {
  return chosen ?? formatFromPath(input) ?? 'png';
}

// Characters Windows forbids in names, both separators, and control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is removed
const UNSAFE = /[<>:"/\\|?*\u0000-\u001f]/g;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** Make one path segment safe on Windows, macOS and Linux: no separators, no reserved names. */
export function sanitizeFileName(name: string): string {
  let out = name.replace(UNSAFE, '_');
  // Windows silently drops trailing dots and spaces, so "a." and "a" would collide.
  out = out.replace(/[. ]+$/, '');
  if (out === '' || out === '.' || out === '..')
    throw new Error(`output file name "${name}" is empty after cleaning`);
  if (RESERVED.test(out)) out = `_${out}`;
  return out;
}

/**
 * Render an output file name such as `{name}_{width}x{height}.{ext}`. Placeholders: name, width,
 * height, scale, ext; any other `{...}` throws, so a typo in a user template is reported instead of
 * silently producing a literal "{heigth}". The result is a single safe file name, never a path.
 */
export function outputFileName(template: string, vars: NameVars): string {
  const values: Record<string, string> = {
    name: vars.name,
    width: String(vars.width),
    height: String(vars.height),
    scale: vars.scale ?? '',
    ext: vars.ext,
  };
  const rendered = template.replace(/\{([^{}]*)\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined)
      throw new Error(`unknown placeholder ${whole} in file name template "${template}"`);
    return value;
  });
  return sanitizeFileName(rendered);
}

/**
 * Throws the error `outputFileName` would give for `template`, before any work starts: an unknown
 * placeholder or a template that cleans to nothing is a mistake in what the user typed, and should
 * not surface as the first file's failure after the model has loaded.
 */
export function checkNameTemplate(template: string): void {
  outputFileName(template, { name: 'photo', width: 1, height: 1, scale: '1', ext: 'png' });
}
