/**
 * A training checkpoint is one safetensors file: the weights under their own names, Adam's moments
 * under `adam.m/<name>` and `adam.v/<name>`, the weight average under `ema/<name>` and the
 * best-scoring weights under `best/<name>` (when the run keeps them), and everything else (step, schedule, data cursor, RNG
 * state, the run's configuration and loss history) as JSON in the metadata. Written atomically, so
 * a crash or Ctrl-C mid-write leaves the previous checkpoint intact.
 */
import type { LiifArchitecture, Weights } from '../../model/architecture.js';
import { ModelError } from '../../model/model-errors.js';
import { readSafetensorsFile, type TensorEntry, writeSafetensorsFile } from '../../model/safetensors.js';
import type { AdamState } from './adam.js';

export const CHECKPOINT_FORMAT = 'liif-checkpoint/1';

/**
 * A stretch of training done outside this trainer, on a lent GPU machine by scripts/gpu/train.py
 * (the same sample recipe in PyTorch) and merged in by scripts/gpu/merge_checkpoint.py. Recorded
 * so the model card can say which steps ran where, at which batch size.
 */
export interface GpuRun {
  readonly fromStep: number;
  readonly steps: number;
  readonly samples: number;
  readonly seconds: number;
  readonly device: string;
  readonly batch: number;
  readonly queries: number;
  readonly [detail: string]: unknown;
}

/** JSON-serialisable run state saved beside the tensors. */
export interface CheckpointInfo {
  readonly architecture: LiifArchitecture;
  /** Names of the parameters being trained (all, or the decoder's in fast mode). */
  readonly trainable: readonly string[];
  readonly step: number;
  /** Opaque state of the data pipeline (RNG and cursor) so resuming draws the same batches. */
  readonly data: unknown;
  /** The run's settings, so `--resume` can continue without repeating them. */
  readonly config: Record<string, unknown>;
  /** Loss / validation history for the curves and the model card. */
  readonly history: unknown;
  readonly wallClockSeconds: number;
  /** Updates the weight average has had (its warm-up), when the run keeps one. */
  readonly averageUpdates?: number;
  /** Where the best-scoring weights (`best/<name>`) were validated, when the run keeps them. */
  readonly best?: { readonly step: number; readonly psnr: number; readonly bicubicPsnr: number };
  /** Training merged in from GPU runs (GpuRun), carried through every later save. */
  readonly gpuRuns?: readonly GpuRun[];
}

export interface Checkpoint {
  readonly info: CheckpointInfo;
  readonly weights: Weights;
  readonly adam: AdamState;
  /** The moving average of the weights, when the run keeps one (saved as `ema/<name>`). */
  readonly average?: Weights;
  /** The weights that scored best at validation, when the run keeps them (saved as `best/<name>`). */
  readonly best?: Weights;
}

function entry(shapeOf: (name: string) => number[], name: string, data: Float32Array): TensorEntry {
  return { shape: shapeOf(name), data };
}

export async function saveCheckpoint(
  path: string,
  checkpoint: Checkpoint,
  shapeOf: (name: string) => number[],
): Promise<void> {
  const tensors = new Map<string, TensorEntry>();
  for (const [name, data] of checkpoint.weights) tensors.set(name, entry(shapeOf, name, data));
  for (const [name, data] of checkpoint.adam.m) tensors.set(`adam.m/${name}`, entry(shapeOf, name, data));
  for (const [name, data] of checkpoint.adam.v) tensors.set(`adam.v/${name}`, entry(shapeOf, name, data));
  for (const [name, data] of checkpoint.average ?? []) tensors.set(`ema/${name}`, entry(shapeOf, name, data));
  for (const [name, data] of checkpoint.best ?? []) tensors.set(`best/${name}`, entry(shapeOf, name, data));
  const info = { ...checkpoint.info, step: checkpoint.adam.step };
  await writeSafetensorsFile(path, tensors, { format: CHECKPOINT_FORMAT, info: JSON.stringify(info) });
}

export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  const { tensors, metadata } = await readSafetensorsFile(path);
  if (metadata.format !== CHECKPOINT_FORMAT || !metadata.info)
    throw new ModelError('incompatible', path, 'not a LIIF training checkpoint');
  const info = JSON.parse(metadata.info) as CheckpointInfo;
  const weights: Weights = new Map();
  const m = new Map<string, Float32Array>();
  const v = new Map<string, Float32Array>();
  const average: Weights = new Map();
  const best: Weights = new Map();
  for (const [name, t] of tensors) {
    if (name.startsWith('adam.m/')) m.set(name.slice(7), t.data);
    else if (name.startsWith('adam.v/')) v.set(name.slice(7), t.data);
    else if (name.startsWith('ema/')) average.set(name.slice(4), t.data);
    else if (name.startsWith('best/')) best.set(name.slice(5), t.data);
    else weights.set(name, t.data);
  }
  for (const name of info.trainable)
    if (!m.has(name) || !v.has(name))
      throw new ModelError('corrupt', path, `checkpoint lacks optimiser state for ${name}`);
  return {
    info,
    weights,
    adam: { step: info.step, m, v },
    ...(average.size > 0 ? { average } : {}),
    ...(best.size > 0 ? { best } : {}),
  };
}
