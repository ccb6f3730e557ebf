import { describe, expect, it } from 'vitest';
import { streamRandom } from '../../../../../electron/core/train/data/prng.js';
import {
  renderSynthetic,
  SYNTHETIC_MIN_SIDE,
} from '../../../../../electron/core/train/data/synthetic-render.js';
import {
  type Homography,
  mapPoint,
  randomHomography,
  SCENE_KINDS,
  synthesiseScene,
} from '../../../../../electron/core/train/data/synthetic-scene.js';

/** The inverse of a homography (adjugate of its 3x3 matrix), to map canvas points back onto the plane. */
function invert(h: Homography): Homography {
  const [a, b, c, d, e, f, g, k] = h;
  const m = [
    e - f * k,
    c * k - b,
    b * f - c * e,
    f * g - d,
    a - c * g,
    c * d - a * f,
    d * k - e * g,
    b * g - a * k,
    a * e - b * d,
  ];
  return [
    m[0]! / m[8]!,
    m[1]! / m[8]!,
    m[2]! / m[8]!,
    m[3]! / m[8]!,
    m[4]! / m[8]!,
    m[5]! / m[8]!,
    m[6]! / m[8]!,
    m[7]! / m[8]!,
  ];
}

describe('synthetic structure scenes', () => {
  it('are a pure function of their random stream, and every kind comes up', () => {
    const kinds = new Set<string>();
    for (let k = 0; k < 80; k++) {
      const a = synthesiseScene(streamRandom(7, 6, k), 256);
      expect(synthesiseScene(streamRandom(7, 6, k), 256)).toEqual(a);
      expect(a.svg.startsWith('<svg')).toBe(true);
      kinds.add(a.kind);
    }
    expect([...kinds].sort()).toEqual([...SCENE_KINDS].sort());
  });

  it('map straight lines to straight lines, stay in front of the horizon and cover the canvas', () => {
    for (let k = 0; k < 200; k++) {
      const side = 300;
      const h = randomHomography(streamRandom(3, 6, k), side);
      // Three collinear plane points stay collinear (the cross product of the two chords is ~0).
      const [p, q, r] = [mapPoint(h, [-side, 40]), mapPoint(h, [side / 2, 40]), mapPoint(h, [2 * side, 40])];
      const cross = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
      expect(
        Math.abs(cross) / (Math.hypot(q[0] - p[0], q[1] - p[1]) * Math.hypot(r[0] - p[0], r[1] - p[1])),
      ).toBeLessThan(1e-9);
      // w = h6 x + h7 y + 1 > 0.2 over the whole drawn plane [-side, 2 side]^2.
      for (const [x, y] of [
        [-side, -side],
        [2 * side, -side],
        [-side, 2 * side],
        [2 * side, 2 * side],
      ] as const)
        expect(h[6] * x + h[7] * y + 1).toBeGreaterThan(0.2);
      // Every canvas corner comes from inside the drawn plane: the pattern fills the picture.
      const back = invert(h);
      for (const corner of [
        [0, 0],
        [side, 0],
        [0, side],
        [side, side],
      ] as const) {
        const [x, y] = mapPoint(back, corner);
        expect(x).toBeGreaterThan(-side);
        expect(x).toBeLessThan(2 * side);
        expect(y).toBeGreaterThan(-side);
        expect(y).toBeLessThan(2 * side);
      }
    }
  });

  it('render to RGB at a side the sampler can crop at x4, with sharp structure in them', async () => {
    for (let k = 0; k < 6; k++) {
      const minSide = k < 3 ? SYNTHETIC_MIN_SIDE : 300;
      const image = await renderSynthetic(streamRandom(5, 6, k), minSide);
      expect(image.channels).toBe(3);
      expect(image.width).toBe(image.height);
      expect(image.width).toBeGreaterThanOrEqual(minSide);
      expect(image.width).toBeLessThanOrEqual(2 * minSide);
      expect(image.data.length).toBe(image.width * image.height * 3);
      // Edges: a good share of neighbouring pixels differ by more than 32 levels somewhere.
      let steps = 0;
      for (let i = 3; i < image.data.length; i += 3)
        if (Math.abs(image.data[i]! - image.data[i - 3]!) > 32) steps++;
      expect(steps, image.kind).toBeGreaterThan(image.width);
    }
  });
});
