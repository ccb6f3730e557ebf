import { describe, expect, it } from 'vitest';
import { learningRate } from '../../../../electron/core/train/optim/lr-schedule.js';

describe('learning-rate schedule', () => {
  it("follows the paper's step decay and cosine annealing", () => {
    const step = { kind: 'step', base: 1e-4, every: 200, gamma: 0.5 } as const;
    expect(learningRate(step, 199)).toBe(1e-4);
    expect(learningRate(step, 200)).toBe(5e-5);
    const cosine = { kind: 'cosine', base: 1e-3, total: 100, min: 1e-5 } as const;
    expect(learningRate(cosine, 0)).toBeCloseTo(1e-3, 12);
    expect(learningRate(cosine, 50)).toBeCloseTo((1e-3 + 1e-5) / 2, 12);
    expect(learningRate(cosine, 500)).toBeCloseTo(1e-5, 12);
  });

  it('ramps linearly over the warm-up steps, then leaves the schedule as it is', () => {
    const schedule = { kind: 'constant', base: 2e-5, warmupSteps: 4 } as const;
    const rates = [0, 1, 2, 3, 4, 100].map((s) => learningRate(schedule, s));
    const expected = [0.5e-5, 1e-5, 1.5e-5, 2e-5, 2e-5, 2e-5];
    for (const [i, rate] of rates.entries()) expect(rate).toBeCloseTo(expected[i], 15);
    const decayed = { kind: 'step', base: 1e-4, every: 2, gamma: 0.5, warmupSteps: 2 } as const;
    expect(learningRate(decayed, 0)).toBe(0.5e-4);
    expect(learningRate(decayed, 2)).toBe(0.5e-4);
    expect(learningRate({ kind: 'constant', base: 1e-4, warmupSteps: 0 }, 0)).toBe(1e-4);
  });
});
