import { describe, expect, it } from 'vitest';
import { splitHoldout } from '../../../../../electron/core/train/data/holdout.js';

const files = Array.from({ length: 50 }, (_, i) => `/photos/img_${String(i).padStart(3, '0')}.jpg`);

describe('splitHoldout', () => {
  it('holds out round(n * fraction) files, deterministically, keeping input order', () => {
    const a = splitHoldout(files, 0.1, 5);
    expect(a.holdout).toHaveLength(5);
    expect(a.train).toHaveLength(45);
    expect(new Set([...a.train, ...a.holdout]).size).toBe(50);
    expect(splitHoldout(files, 0.1, 5)).toEqual(a);
    expect(a.train).toEqual(files.filter((f) => !a.holdout.includes(f)));
  });

  it('does not depend on the order of the list or the folder the files are in', () => {
    const a = splitHoldout(files, 0.2, 1);
    const shuffled = [...files].reverse();
    const b = splitHoldout(shuffled, 0.2, 1);
    expect([...b.holdout].sort()).toEqual([...a.holdout].sort());
    const moved = splitHoldout(
      files.map((f) => f.replace('/photos/', '/elsewhere/')),
      0.2,
      1,
    );
    expect(moved.holdout.map((f) => f.split('/').at(-1))).toEqual(a.holdout.map((f) => f.split('/').at(-1)));
  });

  it('changes with the seed', () => {
    expect(splitHoldout(files, 0.1, 1).holdout).not.toEqual(splitHoldout(files, 0.1, 2).holdout);
  });

  it('holds out at least one of two or more files, none of one, and none for fraction 0', () => {
    expect(splitHoldout(['/a.png', '/b.png'], 0.1).holdout).toHaveLength(1);
    expect(splitHoldout(['/a.png'], 0.5).holdout).toHaveLength(0);
    expect(splitHoldout(files, 0).holdout).toHaveLength(0);
    expect(() => splitHoldout(files, 1)).toThrow(RangeError);
  });
});
