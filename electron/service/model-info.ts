/** The model list the renderer shows: installed models as ModelInfo, the first of each name. */
import { dirname, resolve } from 'node:path';
import { listModels } from '../core/model/model-registry.js';
import type { ModelInfo } from '../ipc/payloads.js';

/**
 * Models in `roots`, in order; a name found again in a later root is hidden by the first (shipped
 * models come first). Models in `userDir` are marked as the user's (they may be renamed, deleted).
 */
export async function listModelInfo(
  roots: readonly string[],
  userDir: string | undefined,
): Promise<ModelInfo[]> {
  const listings = await listModels([...roots]);
  const seen = new Set<string>();
  const models: ModelInfo[] = [];
  for (const m of listings) {
    if (seen.has(m.name)) continue;
    seen.add(m.name);
    models.push({
      name: m.name,
      ...(m.manifest?.displayName ? { displayName: m.manifest.displayName } : {}),
      ...(m.manifest?.description ? { description: m.manifest.description } : {}),
      ...(m.error ? { error: m.error } : {}),
      ...(userDir && resolve(dirname(m.dir)) === resolve(userDir) ? { user: true } : {}),
      ...heldOutScores(m.manifest?.scores),
    });
  }
  return models;
}

/** Before/after held-out PSNR from a fine-tuned model's card (finetune.ts writes scores.heldOut). */
function heldOutScores(scores: Record<string, unknown> | undefined): Pick<ModelInfo, 'heldOut'> {
  const heldOut = scores?.heldOut as { basePsnr?: unknown; tunedPsnr?: unknown } | undefined;
  if (typeof heldOut?.basePsnr !== 'number' || typeof heldOut.tunedPsnr !== 'number') return {};
  return { heldOut: { basePsnr: heldOut.basePsnr, tunedPsnr: heldOut.tunedPsnr } };
}
