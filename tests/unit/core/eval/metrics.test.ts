import { describe, expect, it } from 'vitest';
import { psnr, ssimY } from '../../../../electron/core/eval/metrics.js';
import type { FloatImage } from '../../../../electron/core/image/float-image.js';
import { seededRandom } from '../../../../electron/core/model/random-weights.js';

const rgb = (h: number, w: number, f: (c: number, y: number, x: number) => number): FloatImage => {
  const data = new Float32Array(3 * h * w);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[(c * h + y) * w + x] = f(c, y, x);
  return { channels: 3, height: h, width: w, data };
};

const noise = (h: number, w: number, seed: number) => {
  const r = seededRandom(seed);
  return rgb(h, w, () => r());
};

/** Slow, literal SSIM (Wang et al. 2004): every 11x11 window summed directly, no separability. */
function referenceSsim(a: FloatImage, b: FloatImage): number {
  const { height: h, width: w } = a;
  const plane = h * w;
  const y255 = (im: FloatImage, i: number) =>
    16 + (255 * (65.738 * im.data[i] + 129.057 * im.data[plane + i] + 25.064 * im.data[2 * plane + i])) / 256;
  const g: number[][] = [];
  let total = 0;
  for (let i = 0; i < 11; i++) {
    g.push([]);
    for (let j = 0; j < 11; j++) {
      const v = Math.exp(-((i - 5) ** 2 + (j - 5) ** 2) / (2 * 1.5 * 1.5));
      g[i].push(v);
      total += v;
    }
  }
  const [c1, c2] = [(0.01 * 255) ** 2, (0.03 * 255) ** 2];
  let sum = 0;
  let count = 0;
  for (let y = 0; y + 11 <= h; y++) {
    for (let x = 0; x + 11 <= w; x++) {
      let [ma, mb, saa, sbb, sab] = [0, 0, 0, 0, 0];
      for (let i = 0; i < 11; i++) {
        for (let j = 0; j < 11; j++) {
          const wt = g[i][j] / total;
          const p = (y + i) * w + x + j;
          const [va, vb] = [y255(a, p), y255(b, p)];
          ma += wt * va;
          mb += wt * vb;
          saa += wt * va * va;
          sbb += wt * vb * vb;
          sab += wt * va * vb;
        }
      }
      const [va, vb, cov] = [saa - ma * ma, sbb - mb * mb, sab - ma * mb];
      sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      count++;
    }
  }
  return sum / count;
}

describe('psnr', () => {
  it('is Infinity for identical images', () => {
    const a = noise(20, 24, 1);
    expect(psnr(a, a, 2)).toBe(Number.POSITIVE_INFINITY);
  });

  it('gives the known value for a constant offset: Y weights sum to 219.859 / 256', () => {
    const a = noise(20, 24, 2);
    const b = rgb(20, 24, (c, y, x) => a.data[(c * 20 + y) * 24 + x] + 0.1);
    expect(psnr(b, a, 0)).toBeCloseTo(-20 * Math.log10(0.1 * (219.859 / 256)), 4); // 21.3218 dB
    expect(psnr(b, a, 0, 'rgb')).toBeCloseTo(20, 4);
  });

  it('ignores the shaved border', () => {
    const a = noise(20, 24, 3);
    const b = rgb(20, 24, (c, y, x) => {
      const v = a.data[(c * 20 + y) * 24 + x];
      return y < 3 || x < 3 || y >= 17 || x >= 21 ? 1 - v : v;
    });
    expect(psnr(b, a, 3)).toBe(Number.POSITIVE_INFINITY);
    expect(psnr(b, a, 2)).toBeLessThan(30);
  });

  it('rejects size mismatches and over-shaving', () => {
    expect(() => psnr(noise(10, 10, 1), noise(10, 11, 1), 1)).toThrow(RangeError);
    expect(() => psnr(noise(10, 10, 1), noise(10, 10, 2), 5)).toThrow(RangeError);
  });
});

describe('ssimY', () => {
  it('is 1 for identical images', () => {
    const a = noise(30, 26, 4);
    expect(ssimY(a, a, 0)).toBeCloseTo(1, 12);
  });

  it('equals a direct window-by-window computation, and is symmetric', () => {
    const a = noise(24, 30, 5);
    const b = rgb(24, 30, (c, y, x) => 0.7 * a.data[(c * 24 + y) * 30 + x] + 0.2 * ((x + y) % 3) * 0.3);
    const expected = referenceSsim(a, b);
    expect(ssimY(b, a, 0)).toBeCloseTo(expected, 10);
    expect(ssimY(a, b, 0)).toBeCloseTo(expected, 10);
    expect(expected).toBeLessThan(0.99);
  });

  it('drops into (0,1) for a constant offset through the luminance term alone', () => {
    const a = rgb(20, 20, () => 0.5);
    const b = rgb(20, 20, () => 0.6);
    const [ya, yb] = [16 + 0.5 * 219.859 * (255 / 256), 16 + 0.6 * 219.859 * (255 / 256)];
    const c1 = (0.01 * 255) ** 2;
    expect(ssimY(b, a, 2)).toBeCloseTo((2 * ya * yb + c1) / (ya * ya + yb * yb + c1), 6);
  });
});
