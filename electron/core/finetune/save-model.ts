/**
 * Saving a finished fine-tune: the model folder (weights, ONNX files, and a model card with the base,
 * the photos, the steps and the before/after held-out scores), written aside and renamed into place.
 */
import { join } from 'node:path';
import { removeTreeInside } from '../fs/inside-folder.js';
import { isDiskFull } from '../image/image-errors.js';
import { exportModelDir } from '../model/export-model.js';
import type { LoadedModel } from '../model/model-dir.js';
import { commitModelFolder } from '../model/model-library.js';
import type { ValidationScore } from '../train/validation.js';
import type { FinetuneCallbacks, FinetuneEnv } from './finetune.js';
import { FinetuneError } from './finetune-errors.js';
import { type FinetuneRun, workDir } from './finetune-run.js';
import { describeHeldOutPhotos, type HeldOutPhotoChange } from './held-out-photos.js';

/** Writes the model under the work folder, then renames it into place; a failure keeps the checkpoint. */
export async function saveModel(
  run: FinetuneRun,
  base: LoadedModel,
  weights: Parameters<typeof exportModelDir>[2],
  done: { steps: number; seconds: number; selectedStep: number; photos?: HeldOutPhotoChange },
  before: ValidationScore,
  after: ValidationScore,
  env: FinetuneEnv,
  onEvent: FinetuneCallbacks['onEvent'],
): Promise<string> {
  const runDir = workDir(env.modelsDir, run.name);
  const staging = join(runDir, 'model');
  onEvent?.({ kind: 'saving', dir: join(env.modelsDir, run.name) });
  const heldOutImages = Math.min(run.knobs.validationImages ?? 4, run.holdoutFiles.length);
  try {
    await removeTreeInside(staging, runDir);
    await exportModelDir(staging, base.architecture, weights, {
      name: run.name,
      displayName: run.name,
      description: describeResult(run, done, before, after),
      training: {
        kind: 'finetune',
        data: run.folders.join(', '),
        folders: run.folders,
        ...(run.folderWeights ? { folderWeights: run.folderWeights } : {}),
        recursive: run.recursive,
        baseModel: run.baseName,
        baseModelDir: run.baseDir,
        images: { train: run.trainFiles.length, heldOut: run.holdoutFiles.length, skipped: run.skipped },
        steps: done.steps,
        selectedStep: done.selectedStep,
        wallClockSeconds: Math.round(done.seconds),
        mode: run.mode,
        batch: run.knobs.batchSize,
        lrSize: run.knobs.lrSize,
        learningRate: run.knobs.learningRate,
        ...(run.knobs.averageDecay ? { averageDecay: run.knobs.averageDecay } : {}),
        ...(run.knobs.averageFromBase ? { averageFromBase: true } : {}),
        ...(run.knobs.warmupSteps ? { warmupSteps: run.knobs.warmupSteps } : {}),
        ...(run.knobs.decay === 'cosine' ? { learningRateDecay: 'cosine over the budget' } : {}),
        seed: run.seed,
        ...(run.knobs.degrade ? { degradations: run.knobs.degrade } : {}),
      },
      scores: {
        heldOut: {
          protocol: 'mean Y-PSNR at x2, x3, x4 (LIIF paper protocol), centre crops of held-out images',
          images: heldOutImages,
          basePsnr: before.psnr,
          tunedPsnr: after.psnr,
          bicubicPsnr: after.bicubicPsnr,
          gainDb: after.psnr - before.psnr,
          ...(done.photos ? { photos: done.photos } : {}),
        },
      },
    });
    return await commitModelFolder(staging, env.modelsDir, run.name);
  } catch (err) {
    await removeTreeInside(staging, runDir).catch(() => undefined);
    const why = isDiskFull(err) ? 'the disk is full: free some space' : (err as Error).message;
    throw new FinetuneError(
      'save-failed',
      `could not save the model "${run.name}" (${why}); nothing was replaced, the checkpoint is kept: resume to try again`,
      [],
      { cause: err },
    );
  }
}

function describeResult(
  run: FinetuneRun,
  done: { steps: number; selectedStep: number; photos?: HeldOutPhotoChange },
  before: ValidationScore,
  after: ValidationScore,
): string {
  const what = `Fine-tuned from ${run.baseName} on ${run.trainFiles.length} photos (${run.mode} mode, ${done.steps} steps)`;
  if (done.selectedStep === 0)
    return `${what}: no step scored above the base on the held-out photos (${before.psnr.toFixed(2)} dB), so these are the base model's weights`;
  const which = done.selectedStep === done.steps ? '' : ` (the best, at step ${done.selectedStep})`;
  const photos = done.photos ? `; ${describeHeldOutPhotos(done.photos)}` : '';
  return `${what}: held-out PSNR ${before.psnr.toFixed(2)} -> ${after.psnr.toFixed(2)} dB${which}${photos}`;
}
