import { describe, expect, it } from 'vitest';
import { averagingDecay, updateAverage } from '../../../../../electron/core/train/optim/weight-average.js';

describe('weight average', () => {
  it('warms up, then holds the decay', () => {
    expect(averagingDecay(0.999, 0)).toBeCloseTo(0.1);
    expect(averagingDecay(0.999, 90)).toBeCloseTo(0.91);
    expect(averagingDecay(0.999, 1e6)).toBe(0.999);
  });

  it('holds the full decay from the first update when the warm-up is off (a fine-tune from a trained model)', () => {
    expect(averagingDecay(0.99, 0, false)).toBe(0.99);
    const average = new Map([['a', Float32Array.of(0)]]);
    const weights = new Map([['a', Float32Array.of(1)]]);
    for (let t = 0; t < 10; t++) updateAverage(average, weights, ['a'], 0.99, t, false);
    // The starting weights keep 0.99^10 of their say; warmed up they would keep 0.1 * 2/11 * ... ~ 0.
    expect(average.get('a')![0]).toBeCloseTo(1 - 0.99 ** 10, 6);
  });

  it('is the exponential average of the weights it has seen, for the named parameters only', () => {
    const average = new Map([
      ['a', Float32Array.of(0, 10)],
      ['frozen', Float32Array.of(5)],
    ]);
    const weights = new Map([
      ['a', Float32Array.of(1, 0)],
      ['frozen', Float32Array.of(-5)],
    ]);
    const decay = 0.5;
    let expected = [0, 10];
    for (let t = 0; t < 30; t++) {
      const d = averagingDecay(decay, t);
      expected = expected.map((e, i) => d * e + (1 - d) * weights.get('a')![i]);
      updateAverage(average, weights, ['a'], decay, t);
    }
    expect([...average.get('a')!].map((v) => Number(v.toFixed(5)))).toEqual(
      expected.map((v) => Number(v.toFixed(5))),
    );
    expect(average.get('a')![0]).toBeCloseTo(1, 5);
    expect(average.get('frozen')![0]).toBe(5);
  });
});
