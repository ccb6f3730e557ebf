import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NAME_TEMPLATE,
  extensionFor,
  formatFromPath,
  outputFileName,
} from '../../../../electron/core/image/write-image.js';

const vars = { name: 'holiday', width: 4000, height: 3000, scale: '4', ext: 'png' };

describe('outputFileName', () => {
  it('renders the default template', () => {
    expect(outputFileName(DEFAULT_NAME_TEMPLATE, vars)).toBe('holiday_4000x3000.png');
  });

  it('renders every placeholder, repeated and in any order', () => {
    expect(outputFileName('{ext}-{scale}x-{name}-{width}-{height}-{name}', vars)).toBe(
      'png-4x-holiday-4000-3000-holiday',
    );
  });

  it('renders a missing scale as empty', () => {
    expect(outputFileName('{name}@{scale}.{ext}', { ...vars, scale: undefined })).toBe('holiday@.png');
  });

  it('throws on an unknown placeholder, naming it', () => {
    expect(() => outputFileName('{name}_{heigth}.{ext}', vars)).toThrow(/\{heigth\}/);
    expect(() => outputFileName('{}.{ext}', vars)).toThrow(/unknown placeholder/);
  });

  it('keeps stray braces that are not placeholders', () => {
    expect(outputFileName('{name.{ext}', vars)).toBe('{name.png');
  });

  it('never yields a path', () => {
    expect(outputFileName('../{name}/x.{ext}', vars)).toBe('.._holiday_x.png');
    expect(outputFileName('{name}.{ext}', { ...vars, name: 'a/b\\c' })).toBe('a_b_c.png');
    expect(outputFileName('{name}.{ext}', { ...vars, name: 'what?: "no" <x>|*' })).toBe(
      'what__ _no_ _x___.png',
    );
  });

  it('avoids names Windows refuses or rewrites', () => {
    expect(outputFileName('{name}.{ext}', { ...vars, name: 'CON' })).toBe('_CON.png');
    expect(outputFileName('{name}', { ...vars, name: 'trailing. ' })).toBe('trailing');
    expect(() => outputFileName('{name}', { ...vars, name: '..' })).toThrow(/empty/);
  });
});

describe('extensions', () => {
  it('maps formats to conventional extensions', () => {
    expect(['png', 'jpeg', 'webp', 'avif', 'tiff'].map((f) => extensionFor(f as 'png'))).toEqual([
      'png',
      'jpg',
      'webp',
      'avif',
      'tif',
    ]);
  });

  it('finds the format from a path, case-insensitively', () => {
    expect(formatFromPath('/a/b/photo.JPG')).toBe('jpeg');
    expect(formatFromPath('scan.tiff')).toBe('tiff');
    expect(formatFromPath('x.jpeg')).toBe('jpeg');
    expect(formatFromPath('x.avif')).toBe('avif');
    expect(formatFromPath('x.gif')).toBeUndefined();
    expect(formatFromPath('noext')).toBeUndefined();
  });
});
