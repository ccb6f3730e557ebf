/**
 * Adam (Kingma & Ba), as torch.optim.Adam with default betas (0.9, 0.999) and eps 1e-8, no weight
 * decay. Runs in JavaScript on the CPU: ~1.6 M parameters take a few milliseconds per step, and
 * keeping the update out of ONNX keeps it exactly reproducible on every provider.
 */
import type { Weights } from '../../model/architecture.js';

export interface AdamConfig {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

export const DEFAULT_ADAM: AdamConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export interface AdamState {
  /** Number of updates applied so far. */
  step: number;
  readonly m: Map<string, Float32Array>;
  readonly v: Map<string, Float32Array>;
}

export function createAdamState(weights: Weights, names: readonly string[]): AdamState {
  return withMomentsFor({ step: 0, m: new Map(), v: new Map() }, weights, names);
}

/**
 * Adds zero moments for trainable parameters a resumed state has none for: a checkpoint written
 * when a mode trained fewer parameters (fast mode trained the decoder only before it also trained
 * the encoder's tail). Their first updates are larger than usual, as at any Adam start.
 */
export function withMomentsFor(state: AdamState, weights: Weights, names: readonly string[]): AdamState {
  for (const name of names) {
    if (state.m.has(name) && state.v.has(name)) continue;
    state.m.set(name, new Float32Array(weights.get(name)!.length));
    state.v.set(name, new Float32Array(weights.get(name)!.length));
  }
  return state;
}

/** Applies one Adam update in place to `weights` for every parameter that has a gradient. */
export function adamStep(
  weights: Weights,
  grads: ReadonlyMap<string, Float32Array>,
  state: AdamState,
  lr: number,
  config: AdamConfig = DEFAULT_ADAM,
): void {
  state.step += 1;
  const { beta1, beta2, eps } = config;
  const bias1 = 1 - beta1 ** state.step;
  const bias2 = 1 - beta2 ** state.step;
  const stepSize = lr / bias1;
  const sqrtBias2 = Math.sqrt(bias2);
  for (const [name, g] of grads) {
    const w = weights.get(name);
    const m = state.m.get(name);
    const v = state.v.get(name);
    if (!w || !m || !v) throw new Error(`Adam: no parameter or state for ${name}`);
    if (g.length !== w.length)
      throw new Error(`Adam: gradient of ${name} has ${g.length} values, expected ${w.length}`);
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      m[i] = beta1 * m[i] + (1 - beta1) * gi;
      v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
      w[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / sqrtBias2 + eps);
    }
  }
}
