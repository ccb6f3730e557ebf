/**
 * The training loop: batches from the data pipeline, forward + backward on ONNX Runtime, Adam in
 * JavaScript, held-out validation every K steps, atomic checkpoints. Deterministic given the seed on
 * the CPU provider, and resumable bit for bit (the checkpoint holds weights, moments, step, the
 * data cursor and the history).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DegradeRecipe } from '../image/degrade.js';
import type { ProviderChoice } from '../infer/onnx-runtime.js';
import { allParams, type LiifArchitecture, type Weights } from '../model/architecture.js';
import type { DataReport, SamplerState } from './data/sampler.js';
import { createSampler } from './data/sampler.js';
import { adamStep, createAdamState, withMomentsFor } from './optim/adam.js';
import { type Checkpoint, loadCheckpoint, saveCheckpoint } from './optim/checkpoint.js';
import { type LrSchedule, learningRate } from './optim/lr-schedule.js';
import { copyWeights, updateAverage } from './optim/weight-average.js';
import { TrainStep } from './train-step.js';
import type { TrainingMode } from './training-graph.js';
import { loadValidationSet, type ValidationScore, validate } from './validation.js';

export interface TrainConfig {
  readonly architecture: LiifArchitecture;
  readonly trainFiles: readonly string[];
  /** Sampling weight per training file (data/sampler.ts `weights`); absent: each equally often. */
  readonly trainWeights?: readonly number[];
  /** Share of samples drawn from synthetic structure scenes (data/synthetic-scene.ts); default 0. */
  readonly syntheticShare?: number;
  /** The data folders and their weights, as the user gave them: recorded, not read. */
  readonly dataSources?: ReadonlyArray<{
    readonly dir: string;
    readonly files: number;
    readonly weight: number;
  }>;
  readonly validationFiles: readonly string[];
  readonly checkpointPath: string;
  readonly seed: number;
  readonly batchSize: number;
  readonly lrSize: number;
  readonly queries: number;
  /**
   * Keep the most detailed of this many random crops (default 1, the paper's uniform crop): the
   * training photos are mostly smooth, and flat crops teach little (crop-detail.ts).
   */
  readonly cropCandidates?: number;
  /** Degrade the LR inputs like real photos (data/degrade.ts); absent: clean bicubic LR. */
  readonly degrade?: DegradeRecipe;
  readonly schedule: LrSchedule;
  readonly mode: TrainingMode;
  readonly provider: ProviderChoice;
  /** Validate (and checkpoint) every this many steps; 0 = only at the end. */
  readonly validateEvery: number;
  /**
   * Held-out images scored at each validation (default 4). More cost more time per validation
   * but decide better: on 4 images, two runs compared the other way round than on 12.
   */
  readonly validationImages?: number;
  /** Save a checkpoint every this many steps (besides validation points and the end). */
  readonly checkpointEvery: number;
  /**
   * Keep a moving average of the weights with this decay (e.g. 0.999), and validate and return it
   * instead of the raw weights; 0 or absent: no average.
   */
  readonly averageDecay?: number;
  /**
   * Warm the average's decay up from 0.1 (optim/weight-average.ts); default true. False keeps a
   * trained starting point weighing in the average from the first update (full-mode fine-tuning).
   */
  readonly averageWarmup?: boolean;
  /**
   * Also keep the weights that scored best at validation (the starting weights' step-0 score
   * included), returned as `best`. For fine-tuning, where the held-out score picks the model to
   * save: a short run's last weights can score below where they started.
   */
  readonly keepBest?: boolean;
}

export interface TrainBudget {
  /** Stop after this many total steps (counting steps done before a resume). */
  readonly steps?: number;
  /** Stop after this many minutes of this run. */
  readonly minutes?: number;
  /**
   * Minutes of the same budget used before this run (a resumed fine-tune): not part of this run's
   * deadline, but of the fraction of the budget used that 'cosine-over-budget' decays by.
   */
  readonly minutesBefore?: number;
}

export interface HistoryPoint {
  readonly step: number;
  readonly loss: number;
}

export interface ValidationPoint extends ValidationScore {
  readonly step: number;
}

export interface TrainHistory {
  /** Mean loss over each logging window. */
  readonly loss: HistoryPoint[];
  readonly validation: ValidationPoint[];
}

export type TrainEvent =
  | { readonly kind: 'data'; readonly report: DataReport }
  | {
      readonly kind: 'step';
      readonly step: number;
      readonly totalSteps: number | undefined;
      readonly loss: number;
      readonly lr: number;
      readonly stepsPerSecond: number;
      readonly etaMs: number | undefined;
      readonly timing: { readonly dataMs: number; readonly computeMs: number; readonly optimMs: number };
    }
  | ({ readonly kind: 'validation' } & ValidationPoint)
  | { readonly kind: 'checkpoint'; readonly step: number; readonly path: string };

export interface TrainResult {
  /** The weights to keep: the moving average when the run keeps one, else the raw weights. */
  readonly weights: Weights;
  readonly step: number;
  readonly history: TrainHistory;
  readonly stoppedBy: 'budget' | 'abort';
  readonly wallClockSeconds: number;
  /** With `keepBest`: the validated weights with the highest held-out PSNR, and where they scored it. */
  readonly best?: ValidationPoint & { readonly weights: Weights };
}

/** Starts from `initial` weights, or resumes `config.checkpointPath` when `resume` is set. */
export async function train(
  config: TrainConfig,
  start: { initial: Weights } | { resume: true },
  budget: TrainBudget,
  options: { signal?: AbortSignal; onEvent?: (event: TrainEvent) => void } = {},
): Promise<TrainResult> {
  const emit = options.onEvent ?? (() => {});
  // `liif train --out` names a model folder that usually does not exist yet: without this the
  // first checkpoint failed ("file not found") after minutes of training.
  if (!('resume' in start)) await mkdir(dirname(config.checkpointPath), { recursive: true });
  const resumed: Checkpoint | undefined =
    'resume' in start ? await loadCheckpoint(config.checkpointPath) : undefined;
  const weights: Weights =
    resumed?.weights ?? new Map([...(start as { initial: Weights }).initial].map(([k, v]) => [k, v.slice()]));
  const trainStep = await TrainStep.open(config.architecture, weights, config.mode, config.provider);
  const adam = resumed
    ? withMomentsFor(resumed.adam, weights, trainStep.trainable)
    : createAdamState(weights, trainStep.trainable);
  const decay = config.averageDecay ?? 0;
  // A run that turns averaging on when resumed starts its average at the current weights, and
  // counts its warm-up from there.
  const average = decay > 0 ? (resumed?.average ?? copyWeights(weights)) : undefined;
  let averageUpdates = resumed?.average ? (resumed.info.averageUpdates ?? adam.step) : 0;
  let best: (ValidationPoint & { weights: Weights }) | undefined =
    config.keepBest && resumed?.best && resumed.info.best
      ? { ...resumed.info.best, weights: resumed.best }
      : undefined;
  const history: TrainHistory = (resumed?.info.history as TrainHistory | undefined) ?? {
    loss: [],
    validation: [],
  };
  const priorSeconds = resumed?.info.wallClockSeconds ?? 0;

  const sampler = await createSampler({
    files: config.trainFiles,
    seed: config.seed,
    batchSize: config.batchSize,
    lrSize: config.lrSize,
    samplesPerPatch: config.queries,
    cropCandidates: config.cropCandidates,
    ...(config.trainWeights ? { weights: config.trainWeights } : {}),
    ...(config.syntheticShare ? { syntheticShare: config.syntheticShare } : {}),
    ...(config.degrade ? { degrade: config.degrade } : {}),
    // The 239 training photos take about 2 GB as 8-bit pixels: keep them all decoded.
    cacheBytes: 2.5e9,
  });
  if (resumed) sampler.restore(resumed.info.data as SamplerState);
  emit({ kind: 'data', report: sampler.report() });
  const validationSet = await loadValidationSet(config.validationFiles, {
    limit: config.validationImages ?? 4,
  });
  const shapes = new Map(allParams(config.architecture).map((p) => [p.name, [...p.shape]]));
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let dataState: SamplerState = resumed ? (resumed.info.data as SamplerState) : sampler.state();
  let window: number[] = [];

  const checkpoint = async () => {
    await saveCheckpoint(
      config.checkpointPath,
      {
        weights,
        adam,
        ...(average ? { average } : {}),
        ...(best ? { best: best.weights } : {}),
        info: {
          architecture: config.architecture,
          trainable: trainStep.trainable,
          step: adam.step,
          ...(average ? { averageUpdates } : {}),
          ...(best ? { best: { step: best.step, psnr: best.psnr, bicubicPsnr: best.bicubicPsnr } } : {}),
          data: dataState,
          config: {
            ...config,
            trainFiles: config.trainFiles.length,
            trainWeights: undefined,
            validationFiles: config.validationFiles,
          },
          history,
          wallClockSeconds: priorSeconds + elapsed(),
          ...(resumed?.info.gpuRuns ? { gpuRuns: resumed.info.gpuRuns } : {}),
        },
      },
      (name) => shapes.get(name)!,
    );
    emit({ kind: 'checkpoint', step: adam.step, path: config.checkpointPath });
  };
  const runValidation = async () => {
    if (validationSet.images.length === 0) return;
    const validated = average ?? weights;
    const score = await validate(config.architecture, validated, validationSet, config.provider);
    const point = { step: adam.step, ...score };
    history.validation.push(point);
    if (config.keepBest && (!best || point.psnr > best.psnr))
      best = { ...point, weights: copyWeights(validated) };
    emit({ kind: 'validation', ...point });
  };

  let stoppedBy: TrainResult['stoppedBy'] = 'budget';
  try {
    if (!resumed && config.validateEvery > 0) await runValidation();
    let perStep = 0;
    const deadline = budget.minutes === undefined ? Number.POSITIVE_INFINITY : budget.minutes * 60;
    while ((budget.steps === undefined || adam.step < budget.steps) && elapsed() < deadline) {
      if (options.signal?.aborted) {
        stoppedBy = 'abort';
        break;
      }
      const t0 = performance.now();
      const batch = await sampler.next();
      const t1 = performance.now();
      const { loss, grads } = await trainStep.run(batch, weights);
      if (!Number.isFinite(loss))
        throw new Error(`training diverged at step ${adam.step + 1} (loss ${loss})`);
      const t2 = performance.now();
      const lr = learningRate(config.schedule, adam.step, budgetUsed(budget, adam.step, elapsed()));
      adamStep(weights, grads, adam, lr);
      if (average)
        updateAverage(
          average,
          weights,
          trainStep.trainable,
          decay,
          averageUpdates++,
          config.averageWarmup ?? true,
        );
      dataState = batch.state;
      const t3 = performance.now();
      window.push(loss);
      // Pace from the steps themselves (validation pauses excluded), smoothed over ~20 steps.
      const stepSeconds = (t3 - t0) / 1000;
      perStep = perStep === 0 ? stepSeconds : perStep * 0.95 + stepSeconds * 0.05;
      const totalSteps = budget.steps;
      const remainingBySteps =
        totalSteps === undefined ? Number.POSITIVE_INFINITY : (totalSteps - adam.step) * perStep;
      const remaining = Math.min(remainingBySteps, deadline - elapsed());
      emit({
        kind: 'step',
        step: adam.step,
        totalSteps,
        loss,
        lr,
        stepsPerSecond: 1 / perStep,
        etaMs: Number.isFinite(remaining) ? remaining * 1000 : undefined,
        timing: { dataMs: t1 - t0, computeMs: t2 - t1, optimMs: t3 - t2 },
      });
      if (window.length >= 10) {
        history.loss.push({ step: adam.step, loss: window.reduce((a, b) => a + b, 0) / window.length });
        window = [];
      }
      if (config.validateEvery > 0 && adam.step % config.validateEvery === 0) {
        await runValidation();
        await checkpoint();
      } else if (config.checkpointEvery > 0 && adam.step % config.checkpointEvery === 0) {
        await checkpoint();
      }
    }
    if (window.length > 0)
      history.loss.push({ step: adam.step, loss: window.reduce((a, b) => a + b, 0) / window.length });
    if (stoppedBy === 'budget' && history.validation.at(-1)?.step !== adam.step && config.validateEvery > 0)
      await runValidation();
    await checkpoint();
  } finally {
    sampler.close();
    await trainStep.release();
  }
  return {
    weights: average ?? weights,
    step: adam.step,
    history,
    stoppedBy,
    wallClockSeconds: priorSeconds + elapsed(),
    ...(best ? { best } : {}),
  };
}

/** Fraction of the budget used after `step` steps and `seconds` of this run: the larger of the two. */
export function budgetUsed(budget: TrainBudget, step: number, seconds: number): number {
  const bySteps = budget.steps === undefined ? 0 : step / Math.max(1, budget.steps);
  const before = (budget.minutesBefore ?? 0) * 60;
  const byTime =
    budget.minutes === undefined ? 0 : (before + seconds) / Math.max(1e-9, before + budget.minutes * 60);
  return Math.min(1, Math.max(bySteps, byTime));
}
