/**
 * An exponential moving average of the weights (Polyak averaging), the weights a run validates and
 * exports. With Adam at the learning rates that train fastest, the raw weights wander from step to
 * step (held-out PSNR moved by 2-4 dB between checkpoints 50-100 steps apart in our CPU runs); the
 * average sits near the middle of that wandering and scores higher at no extra training cost.
 *
 * From random weights the decay warms up as min(decay, (1 + updates) / (10 + updates)), so the
 * average soon leaves its meaningless start. From a trained model the start is itself a good
 * average and the first updates are the noisiest, so a run can hold the full decay from the first
 * update (`warmup` false), as full-mode fine-tuning does (finetune.ts DEFAULT_KNOBS).
 */
import type { Weights } from '../../model/architecture.js';

export function copyWeights(weights: Weights): Weights {
  return new Map([...weights].map(([name, data]) => [name, data.slice()]));
}

export function averagingDecay(decay: number, updates: number, warmup = true): number {
  return warmup ? Math.min(decay, (1 + updates) / (10 + updates)) : decay;
}

/**
 * Moves `average` towards `weights` for the named parameters, in place. `updates` is how many
 * updates the average has had before this one (the warm-up counts them).
 */
export function updateAverage(
  average: Weights,
  weights: Weights,
  names: readonly string[],
  decay: number,
  updates: number,
  warmup = true,
): void {
  const d = averagingDecay(decay, updates, warmup);
  const e = 1 - d;
  for (const name of names) {
    const a = average.get(name);
    const w = weights.get(name);
    if (!a || !w || a.length !== w.length) throw new Error(`weight average: no parameter ${name}`);
    for (let i = 0; i < a.length; i++) a[i] = d * a[i] + e * w[i];
  }
}
