/**
 * A fine-tuning run's work folder, `<user models>/.finetune/<name>/`: run.json (what was asked, the
 * split, the base model's held-out score) and checkpoint.safetensors (the trainer's, written
 * atomically every few steps). It outlives a crash or a closed app, so the next start can offer to
 * resume; it is removed once the model is saved or the run is discarded. listModels skips it (no
 * model.json, and the name starts with a dot).
 */

import { mkdir, readdir, readFile, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRunName } from '../../shared/model-name.js';
import type { FinetuneBudget, FinetuneMode } from '../../shared/vocabulary.js';
import { childOf, removeTreeInside } from '../fs/inside-folder.js';
import type { DegradeRecipe } from '../image/degrade.js';
import { writeFileAtomic } from '../model/safetensors.js';
import type { TrainingMode } from '../train/training-graph.js';
import type { ValidationScore } from '../train/validation.js';
import { FinetuneError } from './finetune-errors.js';

export const WORK_DIR = '.finetune';
export const RUN_FILE = 'run.json';
export const CHECKPOINT_FILE = 'checkpoint.safetensors';

/**
 * 'fast' trains the decoder and the encoder's second half (its head and first half fixed): about
 * 1.2-1.3x the steps per minute of 'full' (models/README.md), for weak machines.
 */
export type { FinetuneBudget, FinetuneMode } from '../../shared/vocabulary.js';

export const TRAINING_MODE: Record<FinetuneMode, TrainingMode> = { full: 'full', fast: 'decoder-and-tail' };

export interface FinetuneKnobs {
  readonly batchSize: number;
  readonly lrSize: number;
  readonly queries: number;
  readonly learningRate: number;
  readonly validateEvery: number;
  readonly checkpointEvery: number;
  /** Keep the most detailed of this many random crops (trainer.ts; runs saved before this field: 1). */
  readonly cropCandidates?: number;
  /**
   * Moving average of the weights (trainer.ts `averageDecay`), validated and saved instead of the
   * raw weights; 0 or absent: off (runs saved before this field).
   */
  readonly averageDecay?: number;
  /**
   * Save the weights that scored best on the held-out images (the base's own step-0 score
   * included) rather than the last ones (default and runs saved before this field: the last).
   */
  readonly keepBest?: boolean;
  /**
   * Hold the average's full decay from the first update instead of warming it up (trainer.ts
   * `averageWarmup` false; runs saved before this field: warmed up).
   */
  readonly averageFromBase?: boolean;
  /** Linear learning-rate warm-up over the first updates (optim/lr-schedule.ts; runs saved before this field: 0). */
  readonly warmupSteps?: number;
  /** Held-out images scored for the before/after numbers (runs saved before this field: 4). */
  readonly validationImages?: number;
  /**
   * 'cosine': the learning rate falls to 0 over the budget (optim/lr-schedule.ts
   * 'cosine-over-budget'); 'none' (and runs saved before this field): it stays at learningRate.
   */
  readonly decay?: 'none' | 'cosine';
  /**
   * Degrade the training inputs like real photos (image/degrade.ts): set from the base model's own
   * training record, so tuning a photo model keeps it a photo model (the user's JPEGs must not
   * teach it that their blocks are the look to make). Absent: clean inputs.
   */
  readonly degrade?: DegradeRecipe;
}

/** Everything needed to continue a run without asking again (run.json). */
export interface FinetuneRun {
  readonly version: 1;
  readonly name: string;
  readonly folders: readonly string[];
  /** The request's folder weights, and what they make per training file (the sampler's weights). */
  readonly folderWeights?: readonly number[];
  readonly trainWeights?: readonly number[];
  readonly recursive: boolean;
  readonly baseName: string;
  readonly baseDir: string;
  readonly mode: FinetuneMode;
  readonly budget: FinetuneBudget;
  readonly holdout: number;
  readonly seed: number;
  readonly knobs: FinetuneKnobs;
  readonly trainFiles: readonly string[];
  readonly holdoutFiles: readonly string[];
  readonly skipped: number;
  readonly createdAt: string;
  /** The base model's held-out score, once measured. */
  readonly base?: ValidationScore;
  /** Steps and seconds at the last checkpoint. */
  readonly progress?: { readonly step: number; readonly seconds: number };
}

/** `<modelsDir>/.finetune/<name>`; throws NameError for a name that is not a usable run name. */
export const workDir = (modelsDir: string, name: string) =>
  childOf(join(modelsDir, WORK_DIR), checkRunName(name));
export const checkpointPath = (modelsDir: string, name: string) =>
  join(workDir(modelsDir, name), CHECKPOINT_FILE);

export async function saveRun(modelsDir: string, run: FinetuneRun): Promise<void> {
  await mkdir(workDir(modelsDir, run.name), { recursive: true });
  await writeFileAtomic(join(workDir(modelsDir, run.name), RUN_FILE), `${JSON.stringify(run, null, 2)}\n`);
}

/**
 * The run's record, or undefined when there is none. A record that cannot be read as a run (cut
 * short by a crash, edited by hand, an unknown version) throws FinetuneError 'damaged-run', which
 * says to discard it: guessing at a half-read record could train on the wrong photos.
 */
export async function loadRun(modelsDir: string, name: string): Promise<FinetuneRun | undefined> {
  const file = join(workDir(modelsDir, name), RUN_FILE);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const problem = runProblem(text, checkRunName(name));
  if (typeof problem === 'string')
    throw new FinetuneError(
      'damaged-run',
      `the saved state of the fine-tuning run "${name}" is damaged (${file}: ${problem}); discard the run and start it again`,
    );
  return problem.run;
}

/** What is wrong with run.json's text, or the run it holds. */
function runProblem(text: string, name: string): string | { run: FinetuneRun } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return `not valid JSON: ${(err as Error).message}`;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'not a JSON object';
  const run = json as Partial<FinetuneRun>;
  if (run.version !== 1) return `unknown version ${JSON.stringify(run.version)}`;
  if (run.name !== name) return `it names the run ${JSON.stringify(run.name)}, not its folder's name`;
  for (const key of ['trainFiles', 'holdoutFiles', 'folders'] as const)
    if (!Array.isArray(run[key]) || !run[key].every((f) => typeof f === 'string'))
      return `"${key}" is not a list of paths`;
  if (
    run.trainWeights !== undefined &&
    !(
      Array.isArray(run.trainWeights) &&
      run.trainWeights.length === run.trainFiles?.length &&
      run.trainWeights.every((w) => typeof w === 'number' && w >= 0)
    )
  )
    return '"trainWeights" is not one weight per training file';
  for (const key of ['baseDir', 'baseName', 'createdAt', 'mode'] as const)
    if (typeof run[key] !== 'string') return `"${key}" is missing`;
  if (typeof run.knobs !== 'object' || run.knobs === null) return '"knobs" is missing';
  return { run: run as FinetuneRun };
}

export interface InterruptedRun {
  readonly run: FinetuneRun;
  /** Whether a checkpoint is there (otherwise resuming starts again from the base model). */
  readonly hasCheckpoint: boolean;
}

/** A run folder whose run.json cannot be read: offered for discarding, never for resuming. */
export interface DamagedRun {
  readonly name: string;
  readonly problem: string;
}

/** Runs left by a pause, a closed app or a crash, oldest first: what the app offers to resume. */
export async function listInterruptedRuns(modelsDir: string): Promise<InterruptedRun[]> {
  return (await listRunFolders(modelsDir)).runs;
}

/** Every run folder: the readable runs (oldest first) and the damaged ones (by name). */
export async function listRunFolders(
  modelsDir: string,
): Promise<{ runs: InterruptedRun[]; damaged: DamagedRun[] }> {
  const names = await readdir(join(modelsDir, WORK_DIR)).catch(() => [] as string[]);
  const runs: InterruptedRun[] = [];
  const damaged: DamagedRun[] = [];
  for (const name of names.sort()) {
    // A folder whose name is not a run name is none of ours (and could not be discarded safely).
    if (!isRunName(name)) continue;
    let run: FinetuneRun | undefined;
    try {
      run = await loadRun(modelsDir, name);
    } catch (err) {
      if (err instanceof FinetuneError) damaged.push({ name, problem: err.message });
      continue;
    }
    if (!run) continue;
    const hasCheckpoint = (await stat(checkpointPath(modelsDir, name)).catch(() => undefined)) !== undefined;
    runs.push({ run, hasCheckpoint });
  }
  return { runs: runs.sort((a, b) => a.run.createdAt.localeCompare(b.run.createdAt)), damaged };
}

function isRunName(name: string): boolean {
  try {
    return checkRunName(name) === name;
  } catch {
    return false;
  }
}

/** Forgets a run: its checkpoint and run.json. Never touches a saved model or the base model. */
export async function discardRun(modelsDir: string, name: string): Promise<void> {
  await removeTreeInside(workDir(modelsDir, name), join(modelsDir, WORK_DIR));
  // The shared .finetune folder goes too once empty (rmdir refuses a non-empty one).
  await rmdir(join(modelsDir, WORK_DIR)).catch(() => undefined);
}
