/**
 * What output size the user asked for, and the pixel geometry that follows from it.
 *
 * LIIF decodes any coordinate, so a "cover" box is a crop of a larger virtual image: only the
 * window inside the box is ever decoded (the region preview uses the same mechanism).
 */

export type SizeSpec =
  | { readonly kind: 'scale'; readonly scale: number }
  | { readonly kind: 'width'; readonly width: number }
  | { readonly kind: 'height'; readonly height: number }
  | { readonly kind: 'exact'; readonly width: number; readonly height: number }
  | {
      readonly kind: 'box';
      readonly width: number;
      readonly height: number;
      readonly fit: 'contain' | 'cover';
    };

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** A rectangle of output pixels: rows [y, y + height), columns [x, x + width). */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The virtual output image (what the coordinates are relative to) and the window actually produced. */
export interface OutputGeometry {
  readonly virtual: Size;
  readonly window: Rect;
  /** Largest of the two axis scales (virtual / source): <= 1 means a plain resize, not the model. */
  readonly maxScale: number;
}

/** Default ceiling on output pixels: 1 gigapixel (a 16-bit RGBA buffer of that size is 8 GB). */
export const DEFAULT_MAX_OUTPUT_PIXELS = 1_000_000_000;

export class SizeError extends Error {}

function positiveInt(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 1 || !Number.isInteger(value))
    throw new SizeError(`${what} must be a whole number of pixels >= 1 (got ${value})`);
  return value;
}

const scaled = (n: number, s: number) => Math.max(1, Math.round(n * s));

/** Computes the output geometry for a source size; throws SizeError for invalid requests. */
export function outputGeometry(
  source: Size,
  spec: SizeSpec,
  maxOutputPixels = DEFAULT_MAX_OUTPUT_PIXELS,
): OutputGeometry {
  let virtual: Size;
  let window: Rect | undefined;
  switch (spec.kind) {
    case 'scale':
      if (!Number.isFinite(spec.scale) || spec.scale <= 0)
        throw new SizeError(`scale must be a positive number (got ${spec.scale})`);
      virtual = { width: scaled(source.width, spec.scale), height: scaled(source.height, spec.scale) };
      break;
    case 'width': {
      const width = positiveInt(spec.width, 'width');
      virtual = { width, height: scaled(source.height, width / source.width) };
      break;
    }
    case 'height': {
      const height = positiveInt(spec.height, 'height');
      virtual = { width: scaled(source.width, height / source.height), height };
      break;
    }
    case 'exact':
      virtual = { width: positiveInt(spec.width, 'width'), height: positiveInt(spec.height, 'height') };
      break;
    case 'box': {
      const bw = positiveInt(spec.width, 'box width');
      const bh = positiveInt(spec.height, 'box height');
      const pick = spec.fit === 'contain' ? Math.min : Math.max;
      const s = pick(bw / source.width, bh / source.height);
      virtual = { width: scaled(source.width, s), height: scaled(source.height, s) };
      if (spec.fit === 'cover') {
        // Rounding can leave the covering image a pixel short of the box: never crop past it.
        virtual = { width: Math.max(virtual.width, bw), height: Math.max(virtual.height, bh) };
        window = {
          x: Math.floor((virtual.width - bw) / 2),
          y: Math.floor((virtual.height - bh) / 2),
          width: bw,
          height: bh,
        };
      }
      break;
    }
  }
  const win = window ?? { x: 0, y: 0, width: virtual.width, height: virtual.height };
  if (win.width * win.height > maxOutputPixels)
    throw new SizeError(
      `target ${win.width} x ${win.height} is ${((win.width * win.height) / 1e6).toFixed(0)} megapixels, ` +
        `beyond the limit of ${(maxOutputPixels / 1e6).toFixed(0)} megapixels`,
    );
  const maxScale = Math.max(virtual.width / source.width, virtual.height / source.height);
  return { virtual, window: win, maxScale };
}
