import { describe, expect, it } from 'vitest';
import {
  compareHeldOutPhotos,
  describeHeldOutPhotos,
  LEVEL_DB,
} from '../../../../electron/core/finetune/held-out-photos.js';

describe('held-out photo comparison', () => {
  it('counts photos that got better and worse, and the largest drop', () => {
    // The B100 case: one photo falls by 1.1 dB and carries the mean, the others barely move.
    const before = [32.36, 35.03, 39.41, 25.13, 34.27];
    const after = [32.26, 35.03, 38.31, 25.15, 34.27];
    const change = compareHeldOutPhotos(before, after);
    expect(change).toEqual({ better: 1, worse: 2, of: 5, largestDropDb: expect.closeTo(1.1, 9) });
    expect(describeHeldOutPhotos(change!)).toBe(
      'better on 1 of 5 held-out photos, worse on 2 (by up to 1.10 dB)',
    );
  });

  it('calls changes below what two decimals show level', () => {
    const change = compareHeldOutPhotos([30, 30], [30 + LEVEL_DB / 2, 30 - LEVEL_DB / 2]);
    expect(change).toEqual({ better: 0, worse: 0, of: 2, largestDropDb: 0 });
    expect(describeHeldOutPhotos(change!)).toBe('better on 0 of 2 held-out photos');
  });

  it('gives nothing when the per-photo scores are missing or do not match', () => {
    expect(compareHeldOutPhotos(undefined, [1])).toBeUndefined();
    expect(compareHeldOutPhotos([1, 2], [1])).toBeUndefined();
    expect(compareHeldOutPhotos([], [])).toBeUndefined();
  });
});
