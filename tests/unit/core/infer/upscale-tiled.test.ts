import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelFiles, LiifEngine } from '../../../../electron/core/infer/liif-engine.js';
import { type RgbSource, upscaleTiled } from '../../../../electron/core/infer/upscale-tiled.js';
import { EDSR_BASELINE_LIIF, type LiifArchitecture } from '../../../../electron/core/model/architecture.js';
import { randomWeights, seededRandom } from '../../../../electron/core/model/random-weights.js';
import { outputGeometry, type Rect, type SizeSpec } from '../../../../electron/shared/size-spec.js';
import { TINY_LMF_ARCH } from '../../../helpers/tiny-model.js';

/** A smooth random image (so the model sees structure, not only noise). */
function randomSource(seed: number, width: number, height: number): RgbSource {
  const rand = seededRandom(seed);
  const planes = new Float32Array(3 * width * height);
  for (let i = 0; i < planes.length; i++) planes[i] = rand();
  return {
    width,
    height,
    read(rect: Rect) {
      const out = new Float32Array(3 * rect.width * rect.height);
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < rect.height; y++)
          for (let x = 0; x < rect.width; x++)
            out[(c * rect.height + y) * rect.width + x] =
              planes[(c * height + rect.y + y) * width + rect.x + x];
      return out;
    },
  };
}

async function render(
  engine: LiifEngine,
  source: RgbSource,
  spec: SizeSpec,
  tileSide: number,
): Promise<{ pixels: Float32Array; width: number; height: number; tiles: number }> {
  const geometry = outputGeometry(source, spec);
  const { width, height } = geometry.window;
  const pixels = new Float32Array(width * height * 3).fill(Number.NaN);
  const tiles = await upscaleTiled(
    engine,
    source,
    geometry,
    (rect, rgb) => {
      for (let y = 0; y < rect.height; y++)
        pixels.set(
          rgb.subarray(y * rect.width * 3, (y + 1) * rect.width * 3),
          ((rect.y + y) * width + rect.x) * 3,
        );
    },
    { tileSide },
  );
  return { pixels, width, height, tiles };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('tiled upscaling equals untiled', () => {
  const tiny: LiifArchitecture = { features: 8, resBlocks: 2, hidden: 32, hiddenLayers: 4 };
  let tinyEngine: LiifEngine;
  let lmfEngine: LiifEngine;
  let fullEngine: LiifEngine;
  beforeAll(async () => {
    tinyEngine = await LiifEngine.open(buildModelFiles('tiny', tiny, randomWeights(tiny, 3)), 'cpu');
    lmfEngine = await LiifEngine.open(
      buildModelFiles('tiny-lmf', TINY_LMF_ARCH, randomWeights(TINY_LMF_ARCH, 3)),
      'cpu',
    );
    fullEngine = await LiifEngine.open(
      buildModelFiles('edsr', EDSR_BASELINE_LIIF, randomWeights(EDSR_BASELINE_LIIF, 5)),
      'cpu',
    );
  });
  afterAll(async () => {
    await tinyEngine.release();
    await lmfEngine.release();
    await fullEngine.release();
  });

  const specs: Array<[string, SizeSpec]> = [
    ['x2.37', { kind: 'scale', scale: 2.37 }],
    ['x3', { kind: 'scale', scale: 3 }],
    ['exact 101 x 47 (non-uniform)', { kind: 'exact', width: 101, height: 47 }],
    ['cover box 64 x 64 (a window of a larger image)', { kind: 'box', width: 64, height: 64, fit: 'cover' }],
  ];
  for (const [label, spec] of specs)
    for (const decoder of ['mlp', 'lmf'] as const) {
      it(`tiny ${decoder} model, ${label}`, async () => {
        const engine = decoder === 'lmf' ? lmfEngine : tinyEngine;
        const source = randomSource(11, 37, 29);
        const whole = await render(engine, source, spec, 100_000);
        const tiled = await render(engine, source, spec, 13);
        expect(whole.tiles).toBe(1);
        expect(tiled.tiles).toBeGreaterThan(4);
        expect(whole.pixels.some(Number.isNaN)).toBe(false);
        expect(tiled.pixels.some(Number.isNaN)).toBe(false);
        expect(maxAbsDiff(whole.pixels, tiled.pixels)).toBeLessThanOrEqual(1e-4);
      });
    }

  it('EDSR-baseline (receptive radius 35): crops with interior edges still give identical output', async () => {
    const source = randomSource(12, 120, 20);
    const spec: SizeSpec = { kind: 'scale', scale: 2 };
    const whole = await render(fullEngine, source, spec, 100_000);
    const tiled = await render(fullEngine, source, spec, 40);
    expect(tiled.tiles).toBe(6);
    expect(maxAbsDiff(whole.pixels, tiled.pixels)).toBeLessThanOrEqual(1e-4);
  });
});
