import { describe, expect, it } from 'vitest';
import { toOnnxBytes } from '../../../../electron/core/graph/onnx-export.js';
import { pixelCentre } from '../../../../electron/core/infer/coordinates.js';
import { openSession } from '../../../../electron/core/infer/onnx-runtime.js';
import type { LiifArchitecture } from '../../../../electron/core/model/architecture.js';
import { buildDecoderGraph } from '../../../../electron/core/model/decoder-graph.js';
import { buildEncoderGraph, type CodeLayout } from '../../../../electron/core/model/encoder-graph.js';
import { randomWeights, seededRandom } from '../../../../electron/core/model/random-weights.js';
import { TINY_LMF_ARCH } from '../../../helpers/tiny-model.js';
import { type Planes, referenceEncoder, referenceQuery } from '../reference/liif-reference.js';

const TINY: LiifArchitecture = { features: 8, resBlocks: 2, hidden: 32, hiddenLayers: 4 };
const TINY_LMF = TINY_LMF_ARCH;

function randomImage(seed: number, height: number, width: number): Planes {
  const rand = seededRandom(seed);
  const data = new Float64Array(3 * height * width);
  for (let i = 0; i < data.length; i++) data[i] = rand();
  return { channels: 3, height, width, data };
}

/** Every output pixel's coordinate and cell for an outH x outW target, in (y, x) order. */
function fullGrid(outH: number, outW: number): { coord: Float32Array; cell: Float32Array } {
  const coord = new Float32Array(outH * outW * 2);
  const cell = new Float32Array(outH * outW * 2);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const i = (y * outW + x) * 2;
      coord[i] = pixelCentre(y, outH);
      coord[i + 1] = pixelCentre(x, outW);
      cell[i] = 2 / outH;
      cell[i + 1] = 2 / outW;
    }
  }
  return { coord, cell };
}

async function runOnnx(
  arch: LiifArchitecture,
  seed: number,
  image: Planes,
  outH: number,
  outW: number,
  layout: CodeLayout,
): Promise<Float32Array> {
  const weights = randomWeights(arch, seed);
  const encoder = await openSession(toOnnxBytes(buildEncoderGraph(arch, weights, layout)), 'cpu');
  const decoder = await openSession(toOnnxBytes(buildDecoderGraph(arch, weights, layout)), 'cpu');
  const [codes] = await encoder.run(
    { image: { data: Float32Array.from(image.data), dims: [1, 3, image.height, image.width] } },
    ['codes'],
  );
  const { coord, cell } = fullGrid(outH, outW);
  const q = outH * outW;
  const [rgb] = await decoder.run(
    {
      codes,
      coord: { data: coord, dims: [1, q, 2] },
      cell: { data: cell, dims: [1, q, 2] },
      window: { data: Float32Array.of(0, 0, image.height, image.width), dims: [4] },
    },
    ['rgb'],
  );
  await encoder.release();
  await decoder.release();
  return rgb.data;
}

describe('LIIF graphs against the plain-loop reference', () => {
  const lrH = 7;
  const lrW = 9;
  // Uniform scales 1.7, 2, 3 and a non-uniform 5.5 x 2.25.
  const cases: Array<[string, number, number]> = [
    ['x1.7', Math.round(lrH * 1.7), Math.round(lrW * 1.7)],
    ['x2', lrH * 2, lrW * 2],
    ['x3', lrH * 3, lrW * 3],
    ['x5.5 by x2.25', Math.round(lrH * 5.5), Math.round(lrW * 2.25)],
  ];
  const variants = [
    ['mlp', TINY],
    ['lmf', TINY_LMF],
  ] as const;
  for (const [decoder, arch] of variants)
    for (const layout of ['factorised', 'plain'] as const) {
      for (const [label, outH, outW] of cases) {
        it(`${decoder} ${layout} decoder matches the reference at ${label}, every pixel including borders`, async () => {
          const image = randomImage(7, lrH, lrW);
          const onnx = await runOnnx(arch, 42, image, outH, outW, layout);
          const weights = randomWeights(arch, 42);
          const feat = referenceEncoder(arch, weights, image);
          let maxDiff = 0;
          let spread = 0;
          for (let y = 0; y < outH; y++) {
            for (let x = 0; x < outW; x++) {
              const ref = referenceQuery(
                arch,
                weights,
                feat,
                [pixelCentre(y, outH), pixelCentre(x, outW)],
                [2 / outH, 2 / outW],
              );
              for (let c = 0; c < 3; c++) {
                maxDiff = Math.max(maxDiff, Math.abs(ref[c] - onnx[(y * outW + x) * 3 + c]));
                spread = Math.max(spread, Math.abs(ref[c] - 0.5));
              }
            }
          }
          expect(maxDiff).toBeLessThanOrEqual(1e-4);
          // Guard against a degenerate model whose outputs are all clamped or constant.
          expect(spread).toBeGreaterThan(1e-3);
        });
      }
    }
});
