import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  axisTaps,
  type BicubicKernel,
  cubic,
  MATLAB_BICUBIC,
  PIL_BICUBIC,
  resizeBicubic,
  TORCH_BICUBIC,
} from '../../../../electron/core/image/bicubic.js';
import type { FloatImage } from '../../../../electron/core/image/float-image.js';

const row = (values: number[]): FloatImage => ({
  channels: 1,
  height: 1,
  width: values.length,
  data: Float32Array.from(values),
});

const image = (
  channels: number,
  height: number,
  width: number,
  f: (c: number, y: number, x: number) => number,
) => {
  const data = new Float32Array(channels * height * width);
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) data[(c * height + y) * width + x] = f(c, y, x);
  return { channels, height, width, data };
};

const dot = (w: number[], v: number[]) => w.reduce((s, wi, i) => s + wi * v[i], 0);
const ALL: Array<[string, BicubicKernel]> = [
  ['pil', PIL_BICUBIC],
  ['matlab', MATLAB_BICUBIC],
  ['torch', TORCH_BICUBIC],
];

describe('cubic kernel', () => {
  it('has the Keys values for a = -0.5 and a = -0.75', () => {
    expect(cubic(0, -0.5)).toBe(1);
    expect(cubic(1, -0.5)).toBeCloseTo(0, 15);
    expect(cubic(2, -0.5)).toBeCloseTo(0, 15);
    expect(cubic(0.5, -0.5)).toBeCloseTo(0.5625, 12);
    expect(cubic(-1.5, -0.5)).toBeCloseTo(-0.0625, 12);
    expect(cubic(0.5, -0.75)).toBeCloseTo(0.59375, 12);
    expect(cubic(1.5, -0.75)).toBeCloseTo(-0.09375, 12);
  });
});

describe('resizeBicubic, hand-computed 1-D cases', () => {
  // Halving with the kernel stretched x2: taps at distances 0.5..3.5 input px, i.e. 0.25..1.75 in
  // kernel units: cubic = 0.8671875, 0.2265625, -0.0703125, -0.0234375, summing to 2 over both sides.
  const HALF = [
    -0.0234375, -0.0703125, 0.2265625, 0.8671875, 0.8671875, 0.2265625, -0.0703125, -0.0234375,
  ].map((w) => w / 2);
  const input = [0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.5, 0.35, 0.65, 0.15];

  it('downsample by exactly 2 is the stretched-kernel weighted average (interior)', () => {
    const out = resizeBicubic(row(input), 1, 6, { kernel: PIL_BICUBIC, clamp: false });
    // Output 2 is centred at input position 5 (pixel edges), reading inputs 1..8.
    expect(out.data[2]).toBeCloseTo(dot(HALF, input.slice(1, 9)), 6);
    expect(out.data[3]).toBeCloseTo(dot(HALF, input.slice(3, 11)), 6);
  });

  it('borders: Pillow renormalises the in-range taps, Matlab mirrors, torch replicates', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8];
    // Doubling: output 0 is centred at 0.25: taps -2..1 at distances -1.75, -0.75, 0.25, 1.25.
    const w = [-0.0234375, 0.2265625, 0.8671875, -0.0703125];
    const pil = resizeBicubic(row(v), 1, 16, { kernel: PIL_BICUBIC, clamp: false });
    expect(pil.data[0]).toBeCloseTo((w[2] * 1 + w[3] * 2) / (w[2] + w[3]), 6);
    const matlab = resizeBicubic(row(v), 1, 16, { kernel: MATLAB_BICUBIC, clamp: false });
    expect(matlab.data[0]).toBeCloseTo(w[0] * 2 + w[1] * 1 + w[2] * 1 + w[3] * 2, 6);
    const torch = resizeBicubic(row(v), 1, 16, { kernel: TORCH_BICUBIC, clamp: false });
    const t = [1.75, 0.75, 0.25, 1.25].map((d) => cubic(d, -0.75));
    expect(torch.data[0]).toBeCloseTo(t[0] * 1 + t[1] * 1 + t[2] * 1 + t[3] * 2, 6);
    // Away from the borders the a = -0.5 conventions agree.
    expect(matlab.data[7]).toBeCloseTo(pil.data[7], 6);
  });

  it('torch-style downsampling does not stretch the kernel (no antialias)', () => {
    const out = resizeBicubic(row(input), 1, 6, { kernel: TORCH_BICUBIC, clamp: false });
    const w = [-0.09375, 0.59375, 0.59375, -0.09375];
    expect(out.data[2]).toBeCloseTo(dot(w, input.slice(3, 7)), 6);
  });

  it('weights sum to one for every output, any size pair', () => {
    for (const [, k] of ALL) {
      for (const [a, b] of [
        [7, 3],
        [3, 7],
        [48, 192],
        [192, 48],
        [10, 10],
        [1, 5],
      ]) {
        for (const w of axisTaps(a, b, k).weight) expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
      }
    }
  });
});

describe('resizeBicubic, invariants', () => {
  it('keeps a constant image constant, up and down, in every convention', () => {
    const flat = image(3, 17, 23, (c) => 0.2 + 0.3 * c);
    for (const [, kernel] of ALL) {
      for (const [h, w] of [
        [5, 7],
        [40, 61],
        [17, 9],
      ]) {
        const out = resizeBicubic(flat, h, w, { kernel });
        for (let c = 0; c < 3; c++)
          for (let i = 0; i < h * w; i++) expect(out.data[c * h * w + i]).toBeCloseTo(0.2 + 0.3 * c, 6);
      }
    }
  });

  it('keeps a linear ramp linear away from the borders (a = -0.5; integer downscales exactly)', () => {
    const n = 40;
    const ramp = image(1, n, n, (_, y, x) => (0.5 * x + 0.25 * y) / n);
    for (const [, kernel] of ALL.slice(0, 2)) {
      // [output side, tolerance]: a stretched kernel sampled at a non-integer phase is only nearly linear.
      for (const [m, tol] of [
        [100, 1e-6],
        [20, 1e-6],
        [10, 1e-6],
        [17, 3e-4],
      ]) {
        const out = resizeBicubic(ramp, m, m, { kernel, clamp: false });
        const s = n / m;
        // Border taps reach 2 kernel widths (2 * max(1, s) input pixels) in.
        const margin = Math.ceil((2 * Math.max(1, s) + 1) / s) + 1;
        expect(margin * 2).toBeLessThan(m);
        for (let y = margin; y < m - margin; y++) {
          for (let x = margin; x < m - margin; x++) {
            const sx = (x + 0.5) * s - 0.5;
            const sy = (y + 0.5) * s - 0.5;
            expect(Math.abs(out.data[y * m + x] - (0.5 * sx + 0.25 * sy) / n)).toBeLessThan(tol);
          }
        }
      }
    }
  });

  it('clamps to [0,1] by default (bicubic overshoots at edges)', () => {
    const step = row([0, 0, 0, 0, 1, 1, 1, 1]);
    const raw = resizeBicubic(step, 1, 32, { clamp: false });
    expect(Math.min(...raw.data)).toBeLessThan(0);
    expect(Math.max(...raw.data)).toBeGreaterThan(1);
    const clamped = resizeBicubic(step, 1, 32);
    expect(Math.min(...clamped.data)).toBe(0);
    expect(Math.max(...clamped.data)).toBe(1);
  });

  it('matches a direct 2-D transcription of Pillow precompute_coeffs', () => {
    const src = image(2, 11, 14, (c, y, x) => ((x * 7 + y * 13 + c * 5) % 17) / 16);
    const [oh, ow] = [4, 31];
    const out = resizeBicubic(src, oh, ow, { clamp: false });
    // Independent, slow and literal: weights per Resample.c, summed in 2-D.
    const coeffs = (inSize: number, outSize: number, o: number) => {
      const scale = inSize / outSize;
      const filterscale = Math.max(1, scale);
      const support = 2 * filterscale;
      const center = (o + 0.5) * scale;
      const xmin = Math.max(0, Math.trunc(center - support + 0.5));
      const xmax = Math.min(inSize, Math.trunc(center + support + 0.5));
      const k: Array<[number, number]> = [];
      let ww = 0;
      for (let x = xmin; x < xmax; x++) {
        const w = cubic((x - center + 0.5) / filterscale, -0.5);
        k.push([x, w]);
        ww += w;
      }
      return k.map(([x, w]) => [x, w / ww] as [number, number]);
    };
    for (let c = 0; c < 2; c++) {
      for (let y = 0; y < oh; y++) {
        for (let x = 0; x < ow; x++) {
          let acc = 0;
          for (const [iy, wy] of coeffs(11, oh, y))
            for (const [ix, wx] of coeffs(14, ow, x)) acc += wy * wx * src.data[(c * 11 + iy) * 14 + ix];
          expect(out.data[(c * oh + y) * ow + x]).toBeCloseTo(acc, 6);
        }
      }
    }
  });
});

describe('resizeBicubic against Pillow output (fixtures/make-pil-bicubic.py)', () => {
  const fixture = JSON.parse(
    readFileSync(join(import.meta.dirname, 'fixtures/pil-bicubic.json'), 'utf8'),
  ) as {
    width: number;
    height: number;
    data: number[];
    cases: Array<{ width: number; height: number; data: number[] }>;
    cases8: Array<{ width: number; height: number; data: number[] }>;
  };

  it('equals Pillow float (mode F) resizes, down and up, to float32 precision', () => {
    const src = {
      channels: 1,
      height: fixture.height,
      width: fixture.width,
      data: Float32Array.from(fixture.data),
    };
    for (const c of fixture.cases) {
      const out = resizeBicubic(src, c.height, c.width, { kernel: PIL_BICUBIC, clamp: false });
      const worst = Math.max(...c.data.map((v, i) => Math.abs(v - out.data[i])));
      expect(worst, `${c.width}x${c.height}`).toBeLessThan(2e-6);
    }
  });

  // Downscaling only: Pillow also clips between its two passes, which on this noise image moves
  // a few upscaled pixels by up to 9 levels; we clamp once at the end (documented in bicubic.ts).
  it('is within one level of a Pillow 8-bit downscale (which rounds between passes)', () => {
    const src = {
      channels: 1,
      height: fixture.height,
      width: fixture.width,
      data: Float32Array.from(fixture.data, (v) => Math.round(v * 255) / 255),
    };
    for (const c of fixture.cases8.filter((k) => k.width < fixture.width)) {
      const out = resizeBicubic(src, c.height, c.width);
      const worst = Math.max(...c.data.map((v, i) => Math.abs(v - Math.round(out.data[i] * 255))));
      expect(worst, `${c.width}x${c.height}`).toBeLessThanOrEqual(1);
    }
  });
});
