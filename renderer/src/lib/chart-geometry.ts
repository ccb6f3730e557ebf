/** Pure geometry for the small SVG line charts (training loss, held-out PSNR): no DOM, easy to test. */

export interface Series {
  readonly label: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
  /** A dashed reference line (the base model's score). */
  readonly dashed?: boolean;
}

export interface Plot {
  readonly paths: ReadonlyArray<{ readonly label: string; readonly d: string; readonly dashed: boolean }>;
  readonly xRange: readonly [number, number];
  readonly yRange: readonly [number, number];
}

/**
 * A range that contains every value, padded 5 % so lines do not touch the frame; never empty.
 * `minSpan` keeps a tiny change small on screen: held-out PSNR moving 0.01 dB must not be drawn
 * as a steep rise (the dB chart uses 0.5).
 */
export function niceRange(values: readonly number[], minSpan = 0): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const span = Math.max(minSpan, hi - lo < 1e-9 ? 1 : 0);
  if (hi - lo < span) {
    const mid = (lo + hi) / 2;
    lo = mid - span / 2;
    hi = mid + span / 2;
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/**
 * SVG path data for each series in a `width` x `height` box (y grows downwards in SVG, so higher
 * values are drawn higher). All series share the axes; `xMax` widens the x axis to the budget.
 */
export function plotSeries(
  series: readonly Series[],
  width: number,
  height: number,
  xMax?: number,
  minSpan = 0,
): Plot {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const xRange: [number, number] = [Math.min(0, ...xs), Math.max(xMax ?? 1, ...xs, 1)];
  const yRange = niceRange(ys, minSpan);
  const x = (v: number) => ((v - xRange[0]) / (xRange[1] - xRange[0])) * width;
  const y = (v: number) => height - ((v - yRange[0]) / (yRange[1] - yRange[0])) * height;
  const paths = series.map((s) => ({
    label: s.label,
    dashed: s.dashed ?? false,
    d: s.points
      .filter((p) => Number.isFinite(p[1]))
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`)
      .join(' '),
  }));
  return { paths, xRange, yRange };
}
