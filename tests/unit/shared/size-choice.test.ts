import { describe, expect, it } from 'vitest';
import {
  describeTarget,
  printPixels,
  stretchText,
  toSizeSpec,
  warningText,
} from '../../../electron/shared/size-choice.js';

const landscape = { width: 400, height: 300 };
const portrait = { width: 300, height: 400 };

describe('size choice', () => {
  it('scales by any real number', () => {
    const d = describeTarget({ mode: 'scale', scale: 2.37 }, landscape);
    expect(d.ok && [d.target.width, d.target.height]).toEqual([948, 711]);
  });

  it('box with the aspect lock fits inside; without it gives exactly the box', () => {
    const locked = describeTarget({ mode: 'box', width: 1000, height: 1000, lockAspect: true }, landscape);
    expect(locked.ok && [locked.target.width, locked.target.height]).toEqual([1000, 750]);
    const free = describeTarget({ mode: 'box', width: 1000, height: 1000, lockAspect: false }, landscape);
    expect(free.ok && [free.target.width, free.target.height]).toEqual([1000, 1000]);
  });

  it('long-edge presets follow the orientation', () => {
    expect(toSizeSpec({ mode: 'long-edge', pixels: 3840 }, landscape)).toEqual({
      kind: 'width',
      width: 3840,
    });
    expect(toSizeSpec({ mode: 'long-edge', pixels: 3840 }, portrait)).toEqual({
      kind: 'height',
      height: 3840,
    });
  });

  it('print size converts cm and inches at a DPI', () => {
    expect(printPixels(10, 'in', 300)).toBe(3000);
    expect(printPixels(25.4, 'cm', 300)).toBe(3000);
    const d = describeTarget(
      { mode: 'print', width: 4, height: 3, unit: 'in', dpi: 300, lockAspect: false },
      landscape,
    );
    expect(d.ok && [d.target.width, d.target.height, d.target.megapixels]).toEqual([1200, 900, 1.08]);
  });

  it('warns beyond x4 and above x12 without refusing', () => {
    const at = (scale: number) => {
      const d = describeTarget({ mode: 'scale', scale }, landscape);
      return d.ok ? d.target.warning : 'error';
    };
    expect([at(4), at(4.5), at(12), at(12.5)]).toEqual([
      'none',
      'beyond-trained',
      'beyond-trained',
      'extreme',
    ]);
    expect(warningText('extreme', 16)).toContain('x16');
  });

  it('reports an impossible size as a problem, not a throw', () => {
    const d = describeTarget({ mode: 'scale', scale: 64 }, { width: 100_000, height: 100_000 });
    expect(d.ok).toBe(false);
  });
});

describe('stretchText', () => {
  it('says how much each axis grows when the aspect changes, and nothing when it is kept', () => {
    expect(stretchText({ width: 48, height: 32 }, { width: 101, height: 37 })).toBe(
      'stretched: x2.1 wide, x1.16 tall',
    );
    expect(stretchText({ width: 48, height: 32 }, { width: 96, height: 64 })).toBeUndefined();
    // x2.37 of 41 x 36 rounds to 97 x 85: the same aspect to the pixel, not a stretch.
    expect(stretchText({ width: 41, height: 36 }, { width: 97, height: 85 })).toBeUndefined();
  });
});
