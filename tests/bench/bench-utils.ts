/** Small helpers shared by the benchmarks (which are not tests: they measure, they don't assert). */

import { GraphBuilder } from '../../electron/core/graph/graph-builder.js';
import { toOnnxBytes } from '../../electron/core/graph/onnx-export.js';
import { openSession } from '../../electron/core/infer/onnx-runtime.js';

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A deterministic 8-bit RGB photo with detail everywhere (a repeating ramp). */
export function benchPhoto(width: number, height: number) {
  return {
    width,
    height,
    channels: 3 as const,
    bitDepth: 8 as const,
    data: Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 7) % 256),
  };
}

/** Wall seconds of one call. */
export async function seconds(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await run();
  return (performance.now() - t) / 1000;
}

/** Runs `fn` once to warm up, then `runs` times; returns the median seconds. */
export async function timeMedian(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push((performance.now() - t) / 1000);
  }
  return median(times);
}

/**
 * This machine's matmul peak through ONNX Runtime's CPU provider, in GFLOP/s, measured now: the
 * best of square products and the decoder's own shapes (Q x 256 by 256 x 256).
 */
export async function measureMatmulPeak(runs = 5): Promise<number> {
  let best = 0;
  for (const [m, k, n] of [
    [1024, 1024, 1024],
    [2048, 2048, 2048],
    [8192, 256, 256],
    [65536, 256, 256],
  ]) {
    // The right factor is a constant, as the decoder's weights are, so ORT can pre-pack it.
    const g = new GraphBuilder('matmul');
    const a = g.input('a', 'float32', [m, k]);
    const b = g.param(
      'b',
      [k, n],
      Float32Array.from({ length: k * n }, (_, i) => (i % 5) * 0.1),
    );
    g.output(g.named(g.matmul(a, b), 'c'), 'float32', [m, n]);
    const session = await openSession(toOnnxBytes(g.build()), 'cpu');
    const feeds = {
      a: { data: Float32Array.from({ length: m * k }, (_, i) => (i % 7) * 0.1), dims: [m, k] },
    };
    const seconds = await timeMedian(runs, () => session.run(feeds, ['c']));
    best = Math.max(best, (2 * m * k * n) / seconds / 1e9);
    await session.release();
  }
  return best;
}
