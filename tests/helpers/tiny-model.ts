/** Small random-weight models for tests (no trained model is needed to test the plumbing). */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiifArchitecture } from '../../electron/core/model/architecture.js';
import { exportModelDir } from '../../electron/core/model/export-model.js';
import { randomWeights } from '../../electron/core/model/random-weights.js';

export const TINY_ARCH: LiifArchitecture = { features: 8, resBlocks: 2, hidden: 32, hiddenLayers: 4 };

/** The same encoder with a small LMF decoder (render MLP 3 x 6, latent MLP 20 wide). */
export const TINY_LMF_ARCH: LiifArchitecture = {
  features: 8,
  resBlocks: 2,
  hidden: 6,
  hiddenLayers: 3,
  decoder: 'lmf',
  latentHidden: 20,
};

/** Creates a models root holding one tiny random model; returns the root and the model's folder. */
export async function makeTinyModelRoot(
  name = 'liif-edsr-baseline',
  seed = 1,
  arch: LiifArchitecture = TINY_ARCH,
): Promise<{ root: string; dir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'liif-models-'));
  const dir = join(root, name);
  await exportModelDir(dir, arch, randomWeights(arch, seed), {
    name,
    displayName: 'Tiny random test model',
  });
  return { root, dir };
}
