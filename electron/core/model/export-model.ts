/**
 * Writes a complete model directory from weights: the ONNX graphs are generated from the same
 * TypeScript architecture, so weights.safetensors is the single source of truth.
 */
import { toOnnxBytes } from '../graph/onnx-export.js';
import type { LiifArchitecture, Weights } from './architecture.js';
import { buildDecoderGraph } from './decoder-graph.js';
import { buildEncoderGraph } from './encoder-graph.js';
import { saveModelDir } from './model-dir.js';
import { MODEL_FORMAT_VERSION, type ModelManifest } from './model-manifest.js';

export interface ExportDetails {
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly training?: ModelManifest['training'];
  readonly scores?: ModelManifest['scores'];
}

export async function exportModelDir(
  dir: string,
  architecture: LiifArchitecture,
  weights: Weights,
  details: ExportDetails,
): Promise<ModelManifest> {
  const manifest: ModelManifest = {
    formatVersion: MODEL_FORMAT_VERSION,
    name: details.name,
    ...(details.displayName ? { displayName: details.displayName } : {}),
    ...(details.description ? { description: details.description } : {}),
    architecture: { kind: 'liif', encoder: 'edsr-baseline', ...architecture },
    files: { weights: 'weights.safetensors', encoder: 'encoder.onnx', decoder: 'decoder.onnx' },
    createdAt: new Date().toISOString(),
    ...(details.training ? { training: details.training } : {}),
    ...(details.scores ? { scores: details.scores } : {}),
  };
  await saveModelDir(dir, {
    manifest,
    weights,
    onnx: {
      encoder: toOnnxBytes(buildEncoderGraph(architecture, weights, 'factorised')),
      decoder: toOnnxBytes(buildDecoderGraph(architecture, weights, 'factorised')),
    },
  });
  return manifest;
}
