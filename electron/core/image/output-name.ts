import { extname } from 'node:path';

import type { OutputFormat } from '../../shared/vocabulary.js';

export type { OutputFormat } from '../../shared/vocabulary.js';
export { OUTPUT_FORMATS } from '../../shared/vocabulary.js';

export const DEFAULT_NAME_TEMPLATE = '{name}_{width}x{height}.{ext}';

export type { NameVars } from '../../shared/name-template.js';

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

import { outputFileName } from '../../shared/name-template.js';

export { outputFileName, sanitizeFileName } from '../../shared/name-template.js';

/**
 * Throws the error `outputFileName` would give for `template`, before any work starts: an unknown
 * placeholder or a template that cleans to nothing is a mistake in what the user typed, and should
 * not surface as the first file's failure after the model has loaded.
 */
export function checkNameTemplate(template: string): void {
  outputFileName(template, { name: 'photo', width: 1, height: 1, scale: '1', ext: 'png' });
}
