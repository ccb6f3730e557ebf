/**
 * Fine-tuning: teach a trained model a user's own photos. Scan the folders, hold out a
 * deterministic few images, train from the base model's weights with the trainer (checkpointed in
 * the run's work folder, so a crash or a pause loses at most one checkpoint interval), score base
 * and tuned model on the same held-out images by the paper's protocol, and save the result as a
 * named model in the user models folder with one folder rename. A paused or cancelled run never
 * writes a model, and the base model is only read.
 *
 * The held-out score is the trainer's validation: mean Y-PSNR at x2, x3, x4 over centre crops of
 * the first held-out images (train/validation.ts). Its step-0 point is the base model's score.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkModelName } from '../../shared/model-name.js';
import { checkRecipe, DEFAULT_RECIPE, type DegradeRecipe } from '../image/degrade.js';
import type { ProviderChoice } from '../infer/onnx-runtime.js';
import { type LoadedModel, loadModelDir } from '../model/model-dir.js';
import type { ModelManifest } from '../model/model-manifest.js';
import { listModels, resolveModel } from '../model/model-registry.js';
import { folderWeights, keepEveryFolderTraining } from '../train/data/folder-weights.js';
import { splitHoldout } from '../train/data/holdout.js';
import { type TrainConfig, type TrainEvent, type TrainHistory, train } from '../train/trainer.js';
import type { ValidationScore } from '../train/validation.js';
import { FinetuneError } from './finetune-errors.js';
import {
  checkpointPath,
  discardRun,
  type FinetuneBudget,
  type FinetuneKnobs,
  type FinetuneMode,
  type FinetuneRun,
  loadRun,
  saveRun,
  TRAINING_MODE,
} from './finetune-run.js';
import { exampleForRun, type HeldOutExample } from './held-out-example.js';
import { compareHeldOutPhotos, type HeldOutPhotoChange } from './held-out-photos.js';
import { saveModel } from './save-model.js';
import { type ScanReport, scanFolders } from './scan.js';

/** HR pixels decoded per crop by default: half of them (the base model's own training measured it). */
export const defaultQueries = (lrSize: number) => Math.max(1, Math.round((lrSize * lrSize) / 2));

/**
 * The paper's 48-pixel LR crops with the base model's CPU-budget choices: batch 8 and half the
 * queries, for twice the updates per minute, and a moving average of the weights. The learning
 * rate, the warm-up and the average held from the base trade what a run can learn against what it
 * can break; each was chosen by measurement, recorded in models/README.md ("Fine-tuning: measured
 * effect", with the commands to rerun them).
 */
const KNOBS = {
  batchSize: 8,
  warmupSteps: 50,
  averageFromBase: true,
  lrSize: 48,
  queries: defaultQueries(48),
  learningRate: 1e-4,
  averageDecay: 0.99,
  validateEvery: 50,
  checkpointEvery: 20,
  // The before/after a user sees: 8 held-out images (when there are that many) for a steadier
  // number than the trainer's default 4, at ~15 s per validation on a laptop CPU.
  validationImages: 8,
  // Not on by default: on B100 the held-out score (5 photos of the tuning half) fell while the
  // same run's model was better on 20 unseen photos at x2, x3 and x4, so choosing by it kept the
  // base (tests/bench/finetune-effect.ts, models/README.md). Too few photos to choose on.
  keepBest: false,
} as const satisfies FinetuneKnobs;

/** One set for both modes: fast mode trains part of the encoder too, and needs the same care. */
export const DEFAULT_KNOBS: Readonly<Record<FinetuneMode, FinetuneKnobs>> = { full: KNOBS, fast: KNOBS };

export interface FinetuneRequest {
  readonly name: string;
  readonly folders: readonly string[];
  /**
   * One weight per folder, in the same order (each above 0): a folder's share of the training
   * draws, whatever its size (folder-weights.ts). Absent: every photo equally often.
   */
  readonly folderWeights?: readonly number[];
  readonly recursive?: boolean;
  /** Base model: a name in the model roots or a folder (default: the default model). */
  readonly from?: string;
  readonly budget: FinetuneBudget;
  readonly mode?: FinetuneMode;
  /** Fraction of usable images held out to measure quality (default 0.1, at least one image). */
  readonly holdout?: number;
  readonly seed?: number;
  /** Smaller settings for tests and weak machines; defaults are DEFAULT_KNOBS[mode]. */
  readonly knobs?: Partial<FinetuneKnobs>;
}

export interface FinetuneEnv {
  /** Where the result is saved and the work folder lives (userModelsDir()). */
  readonly modelsDir: string;
  /** Where `from` names are looked up (defaultModelRoots()). */
  readonly roots: readonly string[];
  readonly provider?: ProviderChoice;
  /** Where a finished run's before/after example pictures go (the app's cache); none when absent. */
  readonly exampleDir?: string;
}

export type FinetuneEvent =
  | TrainEvent
  | { readonly kind: 'scan'; readonly report: ScanReport }
  | { readonly kind: 'run'; readonly run: FinetuneRun; readonly resumed: boolean }
  | ({ readonly kind: 'baseline' } & ValidationScore)
  | { readonly kind: 'saving'; readonly dir: string };

export interface FinetuneCallbacks {
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: FinetuneEvent) => void;
}

export type FinetuneResult =
  | {
      readonly status: 'saved';
      readonly name: string;
      readonly dir: string;
      readonly baseName: string;
      readonly steps: number;
      readonly seconds: number;
      /** The step whose weights were saved: the last, or with keepBest the best held-out (0: the base's). */
      readonly selectedStep: number;
      readonly base: ValidationScore;
      readonly tuned: ValidationScore;
      /** How many held-out photos got better and worse (absent when a run record predates it). */
      readonly photos?: HeldOutPhotoChange;
      /** The held-out photo that gained most, as pictures (only with env.exampleDir). */
      readonly example?: HeldOutExample;
      readonly history: TrainHistory;
    }
  | { readonly status: 'paused'; readonly name: string; readonly step: number; readonly seconds: number };

function modelName(name: string): string {
  try {
    return checkModelName(name);
  } catch (err) {
    throw new FinetuneError('bad-name', (err as Error).message);
  }
}

/** Scans, splits and trains a new run; throws FinetuneError before training when there is nothing to train on. */
export async function startFinetune(
  request: FinetuneRequest,
  env: FinetuneEnv,
  callbacks: FinetuneCallbacks = {},
): Promise<FinetuneResult> {
  const name = modelName(request.name);
  // Shipped models count too: a second "liif-edsr-baseline" would be listed twice and never chosen.
  const taken = (await listModels([...new Set([...env.roots, env.modelsDir])])).find((m) => m.name === name);
  if (taken) throw new FinetuneError('name-taken', `a model named "${name}" already exists (${taken.dir})`);
  if (await loadRun(env.modelsDir, name))
    throw new FinetuneError(
      'name-taken',
      `an interrupted fine-tuning run named "${name}" exists: resume it or discard it first`,
    );
  // A knob given as undefined (an absent CLI flag, say) keeps its default rather than erasing it.
  const given = Object.entries(request.knobs ?? {}).filter(([, v]) => v !== undefined);
  const mode = request.mode ?? 'full';
  const knobs: FinetuneKnobs = { ...DEFAULT_KNOBS[mode], ...Object.fromEntries(given) };
  const recursive = request.recursive ?? false;
  const report = await scanFolders(request.folders, {
    recursive,
    lrSize: knobs.lrSize,
    signal: callbacks.signal,
  });
  callbacks.onEvent?.({ kind: 'scan', report });
  if (report.usable.length < 2)
    throw new FinetuneError(
      'no-images',
      `only one usable image in ${request.folders.join(', ')}: fine-tuning needs at least two (one is held out to measure quality)`,
      report.skipped,
    );
  const baseDir = await resolveModel(request.from, [...env.roots]);
  const base = await loadModelDir(baseDir);
  const degrade = baseDegradations(base.manifest);
  const seed = request.seed ?? 0;
  const holdout = request.holdout ?? 0.1;
  const everySplit = splitHoldout(
    report.usable.map((im) => im.path),
    holdout,
    seed,
  );
  const split = request.folderWeights
    ? keepEveryFolderTraining(
        everySplit,
        request.folders.map((dir) => ({ dir: resolve(dir) })),
      )
    : everySplit;
  const trainWeights = request.folderWeights
    ? weighFolders(split.train, request.folders, request.folderWeights)
    : undefined;
  const run: FinetuneRun = {
    version: 1,
    name,
    folders: report.folders,
    ...(trainWeights ? { folderWeights: [...(request.folderWeights ?? [])], trainWeights } : {}),
    recursive,
    baseName: base.manifest.name,
    baseDir,
    mode,
    budget: request.budget,
    holdout,
    seed,
    knobs: { ...knobs, ...(degrade && knobs.degrade === undefined ? { degrade } : {}) },
    trainFiles: split.train,
    holdoutFiles: split.holdout,
    skipped: report.skipped.length,
    createdAt: new Date().toISOString(),
  };
  await saveRun(env.modelsDir, run);
  callbacks.onEvent?.({ kind: 'run', run, resumed: false });
  return execute(run, base, false, env, callbacks);
}

/** Per-file weights for the request's folder weights; a mismatch is the caller's mistake, said plainly. */
function weighFolders(
  files: readonly string[],
  folders: readonly string[],
  weights: readonly number[],
): number[] {
  if (weights.length !== folders.length)
    throw new RangeError(`${weights.length} folder weights for ${folders.length} folders`);
  try {
    return folderWeights(
      files,
      folders.map((dir, i) => ({ dir: resolve(dir), weight: weights[i]! })),
    );
  } catch (err) {
    throw new FinetuneError('no-images', (err as Error).message);
  }
}

/**
 * The degradation recipe a model was trained with (`training.degradations` in model.json), or
 * undefined for a clean model or a record that does not hold a usable recipe.
 */
export function baseDegradations(manifest: ModelManifest): DegradeRecipe | undefined {
  const recorded = manifest.training?.degradations;
  if (typeof recorded !== 'object' || recorded === null) return undefined;
  try {
    return checkRecipe({ ...DEFAULT_RECIPE, ...(recorded as Partial<DegradeRecipe>) });
  } catch {
    return undefined;
  }
}

/**
 * Continues an interrupted run from its checkpoint (or from the base model when it stopped before
 * the first checkpoint). `budget` replaces the run's budget when given.
 */
export async function resumeFinetune(
  name: string,
  env: FinetuneEnv,
  callbacks: FinetuneCallbacks = {},
  budget?: FinetuneBudget,
): Promise<FinetuneResult> {
  const saved = await loadRun(env.modelsDir, modelName(name));
  if (!saved) throw new FinetuneError('no-run', `no interrupted fine-tuning run named "${name}" to resume`);
  const run = budget ? { ...saved, budget } : saved;
  const base = await loadModelDir(run.baseDir);
  const hasCheckpoint =
    (await stat(checkpointPath(env.modelsDir, run.name)).catch(() => undefined)) !== undefined;
  callbacks.onEvent?.({ kind: 'run', run, resumed: hasCheckpoint });
  return execute(run, base, hasCheckpoint, env, callbacks);
}

async function execute(
  initialRun: FinetuneRun,
  base: LoadedModel,
  resume: boolean,
  env: FinetuneEnv,
  { signal, onEvent }: FinetuneCallbacks,
): Promise<FinetuneResult> {
  let run = initialRun;
  const { knobs } = run;
  const config: TrainConfig = {
    architecture: base.architecture,
    trainFiles: run.trainFiles,
    validationFiles: run.holdoutFiles,
    checkpointPath: checkpointPath(env.modelsDir, run.name),
    seed: run.seed,
    batchSize: knobs.batchSize,
    lrSize: knobs.lrSize,
    queries: knobs.queries,
    cropCandidates: knobs.cropCandidates ?? 1,
    ...(knobs.degrade ? { degrade: knobs.degrade } : {}),
    ...(run.trainWeights ? { trainWeights: run.trainWeights } : {}),
    schedule: {
      ...(knobs.decay === 'cosine'
        ? { kind: 'cosine-over-budget', base: knobs.learningRate, min: 0 }
        : { kind: 'constant', base: knobs.learningRate }),
      warmupSteps: knobs.warmupSteps ?? 0,
    },
    mode: TRAINING_MODE[run.mode],
    provider: env.provider ?? 'cpu',
    validateEvery: Math.max(1, knobs.validateEvery),
    validationImages: knobs.validationImages ?? 4,
    checkpointEvery: knobs.checkpointEvery,
    averageDecay: knobs.averageDecay ?? 0,
    averageWarmup: !(knobs.averageFromBase ?? false),
    keepBest: knobs.keepBest ?? false,
  };
  const prior = resume ? (run.progress?.seconds ?? 0) : 0;
  const started = performance.now();
  const seconds = () => prior + (performance.now() - started) / 1000;
  // run.json updates are chained so they land in order; awaited before returning.
  let saving = Promise.resolve();
  const update = (next: FinetuneRun) => {
    run = next;
    saving = saving.then(() => saveRun(env.modelsDir, next));
  };
  const minutes = run.budget.minutes === undefined ? undefined : Math.max(0, run.budget.minutes - prior / 60);
  const result = await train(
    config,
    resume ? { resume: true } : { initial: base.weights },
    { steps: run.budget.steps, minutes, ...(minutes === undefined ? {} : { minutesBefore: prior / 60 }) },
    {
      signal,
      onEvent: (event) => {
        onEvent?.(event);
        if (event.kind === 'validation' && event.step === 0) {
          const score = { psnr: event.psnr, bicubicPsnr: event.bicubicPsnr, perImage: event.perImage };
          update({ ...run, base: score });
          onEvent?.({ kind: 'baseline', ...score });
        }
        if (event.kind === 'checkpoint')
          update({ ...run, progress: { step: event.step, seconds: seconds() } });
      },
    },
  );
  await saving;
  if (result.stoppedBy === 'abort')
    return { status: 'paused', name: run.name, step: result.step, seconds: seconds() };

  const baseScore = run.base ?? result.history.validation.find((v) => v.step === 0);
  const last = result.history.validation.at(-1);
  const chosen = result.best ?? (last && { ...last, weights: result.weights });
  if (!baseScore || !chosen) throw new Error('fine-tuning finished without a held-out score');
  const tunedScore = { psnr: chosen.psnr, bicubicPsnr: chosen.bicubicPsnr, perImage: chosen.perImage };
  const baseOnly = { psnr: baseScore.psnr, bicubicPsnr: baseScore.bicubicPsnr, perImage: baseScore.perImage };
  const photos = compareHeldOutPhotos(baseOnly.perImage, tunedScore.perImage);
  const dir = await saveModel(
    run,
    base,
    chosen.weights,
    { steps: result.step, seconds: result.wallClockSeconds, selectedStep: chosen.step, photos },
    baseOnly,
    tunedScore,
    env,
    onEvent,
  );
  await discardRun(env.modelsDir, run.name);
  const example = await exampleForRun(env.exampleDir, {
    architecture: base.architecture,
    base: base.weights,
    tuned: chosen.weights,
    photos: run.holdoutFiles.slice(0, config.validationImages),
    provider: config.provider,
  });
  return {
    status: 'saved',
    name: run.name,
    dir,
    baseName: run.baseName,
    steps: result.step,
    seconds: result.wallClockSeconds,
    selectedStep: chosen.step,
    base: baseOnly,
    tuned: tunedScore,
    ...(photos ? { photos } : {}),
    ...(example ? { example } : {}),
    history: result.history,
  };
}
