import { describe, expect, it } from 'vitest';
import { niceRange, plotSeries } from '../../../../renderer/src/lib/chart-geometry.js';

describe('chart geometry', () => {
  it('maps points into the box, higher values drawn higher', () => {
    const plot = plotSeries(
      [
        {
          label: 'loss',
          points: [
            [0, 1],
            [10, 0],
          ],
        },
      ],
      100,
      50,
    );
    const [first, second] = plot.paths[0].d.split(' ');
    expect(first.startsWith('M0.0,')).toBe(true);
    expect(second.startsWith('L100.0,')).toBe(true);
    const y = (s: string) => Number(s.split(',')[1]);
    expect(y(first)).toBeLessThan(y(second));
  });

  it('shares axes between the tuned curve and the dashed base line, and widens x to the budget', () => {
    const plot = plotSeries(
      [
        {
          label: 'tuned',
          points: [
            [0, 20],
            [50, 22],
          ],
        },
        {
          label: 'base',
          points: [
            [0, 20],
            [50, 20],
          ],
          dashed: true,
        },
      ],
      200,
      100,
      100,
    );
    expect(plot.xRange).toEqual([0, 100]);
    expect(plot.paths[1].dashed).toBe(true);
    expect(plot.paths[1].d).toMatch(/^M0\.0,[\d.]+ L100\.0,[\d.]+$/);
    expect(niceRange([])).toEqual([0, 1]);
    expect(niceRange([3, 3])[0]).toBeLessThan(3);
  });

  it('keeps a minimum span, so 0.01 dB is drawn as the small change it is', () => {
    const [lo, hi] = niceRange([48.95, 48.96], 0.5);
    expect(hi - lo).toBeGreaterThanOrEqual(0.5);
    expect((lo + hi) / 2).toBeCloseTo(48.955, 6);
    const plot = plotSeries(
      [
        {
          label: 'tuned',
          points: [
            [0, 48.95],
            [10, 48.96],
          ],
        },
      ],
      100,
      100,
      undefined,
      0.5,
    );
    const ys = plot.paths[0]!.d.split(' ').map((p) => Number(p.split(',')[1]));
    // Two points 0.01 dB apart, less than 3 % of the height apart on screen.
    expect(Math.abs(ys[0]! - ys[1]!)).toBeLessThan(3);
    // A flat line still gets an axis around it.
    expect(niceRange([5, 5])).toEqual([4.45, 5.55]);
  });
});
