/**
 * Adam against torch.optim.Adam: fixed gradients, a learning rate that changes between steps, a
 * zero gradient, values from fixtures/make-adam-reference.py (its JSON says what generated it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adamStep, createAdamState } from '../../../../../electron/core/train/optim/adam.js';

interface Reference {
  readonly generator: string;
  readonly start: number[][];
  readonly steps: Array<{ lr: number; grads: number[][] }>;
  readonly after: number[][][];
}

const reference = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures/adam-reference.json'), 'utf8'),
) as Reference;

describe(`Adam against ${reference.generator}`, () => {
  it('matches every parameter after every step', () => {
    const names = reference.start.map((_, i) => `p${i}`);
    const weights = new Map(names.map((name, i) => [name, Float32Array.from(reference.start[i]!)]));
    const state = createAdamState(weights, names);
    for (const [t, step] of reference.steps.entries()) {
      const grads = new Map(names.map((name, i) => [name, Float32Array.from(step.grads[i]!)]));
      adamStep(weights, grads, state, step.lr);
      expect(state.step).toBe(t + 1);
      // float32 storage against a float64 reference: a few ulps of the value.
      for (const [i, name] of names.entries())
        for (const [k, expected] of reference.after[t]![i]!.entries())
          expect(weights.get(name)![k], `step ${t + 1} ${name}[${k}]`).toBeCloseTo(expected, 6);
    }
  });
});
