import { describe, expect, it } from 'vitest';
import { outputGeometry, SizeError } from '../../../electron/shared/size-spec.js';

const src = { width: 400, height: 300 };

describe('outputGeometry', () => {
  it('scales uniformly by any real factor, rounding each side', () => {
    const g = outputGeometry(src, { kind: 'scale', scale: 2.37 });
    expect(g.virtual).toEqual({ width: 948, height: 711 });
    expect(g.window).toEqual({ x: 0, y: 0, width: 948, height: 711 });
    expect(g.maxScale).toBeCloseTo(2.37, 2);
  });

  it('derives the other side from a width or a height', () => {
    expect(outputGeometry(src, { kind: 'width', width: 1000 }).virtual).toEqual({ width: 1000, height: 750 });
    expect(outputGeometry(src, { kind: 'height', height: 1000 }).virtual).toEqual({
      width: 1333,
      height: 1000,
    });
  });

  it('gives exactly the requested size for width and height together (non-uniform)', () => {
    const g = outputGeometry(src, { kind: 'exact', width: 1000, height: 500 });
    expect(g.window).toEqual({ x: 0, y: 0, width: 1000, height: 500 });
  });

  it('fits inside a box (contain) or covers it and crops the centre (cover)', () => {
    expect(outputGeometry(src, { kind: 'box', width: 1920, height: 1080, fit: 'contain' }).window).toEqual({
      x: 0,
      y: 0,
      width: 1440,
      height: 1080,
    });
    const cover = outputGeometry(src, { kind: 'box', width: 1920, height: 1080, fit: 'cover' });
    expect(cover.virtual).toEqual({ width: 1920, height: 1440 });
    expect(cover.window).toEqual({ x: 0, y: 180, width: 1920, height: 1080 });
  });

  it('reports scales at or below 1 so the caller can use a plain resize', () => {
    expect(outputGeometry(src, { kind: 'scale', scale: 1 }).maxScale).toBe(1);
    expect(outputGeometry(src, { kind: 'scale', scale: 0.5 }).maxScale).toBe(0.5);
  });

  it('rejects invalid requests and targets beyond the pixel limit with a clear message', () => {
    expect(() => outputGeometry(src, { kind: 'scale', scale: -2 })).toThrow(SizeError);
    expect(() => outputGeometry(src, { kind: 'width', width: 10.5 })).toThrow(/whole number/);
    expect(() => outputGeometry(src, { kind: 'scale', scale: 30 }, 100e6)).toThrow(
      /target 12000 x 9000 is 108 megapixels, beyond the limit of 100 megapixels/,
    );
  });
});
