import { describe, expect, it } from 'vitest';
import { quickLookFactor } from '../../../../renderer/src/lib/quick-look.js';

const photo = { width: 1000, height: 750 };
const view = { width: 340, height: 340 };
const at = (scale: number) => ({
  width: Math.round(photo.width * scale),
  height: Math.round(photo.height * scale),
});

describe('quick look factor', () => {
  it('keeps the coarse picture above the photo size, so the model still decodes it', () => {
    expect(quickLookFactor(photo, at(8), view)).toBe(4);
    expect(quickLookFactor(photo, at(4.5), view)).toBe(4);
    expect(quickLookFactor(photo, at(4), view)).toBe(2);
    expect(quickLookFactor(photo, at(2.5), view)).toBe(2);
    expect(quickLookFactor(photo, at(2), view)).toBeUndefined();
    expect(quickLookFactor(photo, at(1.5), view)).toBeUndefined();
    expect(quickLookFactor(photo, at(0.5), view)).toBeUndefined();
    for (const scale of [2.01, 2.5, 3, 4, 4.01, 6, 12]) {
      const k = quickLookFactor(photo, at(scale), view);
      expect(k, `x${scale}`).toBeGreaterThan(1);
      expect(scale / (k ?? 1), `x${scale}`).toBeGreaterThan(1);
    }
  });

  it('follows the less enlarged side of a W x H target', () => {
    // x6 wide but only x1.8 high: a coarse picture would be smaller than the photo vertically.
    expect(quickLookFactor(photo, { width: 6000, height: 1350 }, view)).toBeUndefined();
    expect(quickLookFactor(photo, { width: 6000, height: 2400 }, view)).toBe(2);
  });

  it('skips the quick look for a view too small to need one', () => {
    expect(quickLookFactor(photo, at(8), { width: 340, height: 63 })).toBeUndefined();
    expect(quickLookFactor(photo, at(8), { width: 64, height: 64 })).toBe(4);
  });
});
