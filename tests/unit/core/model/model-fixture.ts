import type { LiifArchitecture } from '../../../../electron/core/model/architecture.js';
import type { ModelToSave } from '../../../../electron/core/model/model-dir.js';
import type { ModelManifest } from '../../../../electron/core/model/model-manifest.js';
import { randomWeights } from '../../../../electron/core/model/random-weights.js';

export const TINY: LiifArchitecture = { features: 4, resBlocks: 1, hidden: 8, hiddenLayers: 4 };

/** Starts like a real export: field 1 (ir_version, varint) = 8, then junk. Not a loadable graph. */
export function dummyOnnx(tag: number): Uint8Array {
  return new Uint8Array([0x08, 0x08, 0x12, 0x01, tag]);
}

export function tinyManifest(name = 'tiny'): ModelManifest {
  return {
    formatVersion: 1,
    name,
    displayName: 'Tiny test model',
    architecture: { kind: 'liif', encoder: 'edsr-baseline', ...TINY },
    files: {
      weights: 'weights.safetensors',
      encoder: 'encoder.onnx',
      decoder: 'decoder.onnx',
      decoderPlain: 'decoder-plain.onnx',
    },
    createdAt: '2024-05-01T12:00:00.000Z',
    training: { steps: 10, data: 'DIV2K', extra: { lr: 1e-4 } },
    scores: { div2kX4Psnr: 28.5 },
  };
}

export function tinyModel(name = 'tiny', seed = 1): ModelToSave {
  return {
    manifest: tinyManifest(name),
    weights: randomWeights(TINY, seed),
    onnx: { encoder: dummyOnnx(1), decoder: dummyOnnx(2), decoderPlain: dummyOnnx(3) },
  };
}
