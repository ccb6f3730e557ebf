import { loadModelDir } from '../model/model-dir.js';
import { defaultModelRoots, resolveModel } from '../model/model-registry.js';
import { LiifEngine } from './liif-engine.js';
import type { ProviderChoice } from './onnx-runtime.js';

/**
 * Finds a model by name or folder (default: the shipped base model), checks its files, and opens
 * it on the chosen execution provider.
 */
export async function openModel(
  nameOrDir: string | undefined,
  provider: ProviderChoice,
  roots: string[] = defaultModelRoots(),
): Promise<LiifEngine> {
  const dir = await resolveModel(nameOrDir, roots);
  const model = await loadModelDir(dir);
  return LiifEngine.open(
    {
      name: model.manifest.name,
      architecture: model.architecture,
      encoder: model.encoderPath,
      decoder: model.decoderPath,
    },
    provider,
  );
}
