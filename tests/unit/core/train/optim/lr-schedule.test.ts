import { describe, expect, it } from 'vitest';
import { learningRate } from '../../../../../electron/core/train/optim/lr-schedule.js';
import { budgetUsed } from '../../../../../electron/core/train/trainer.js';

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

  it('decays over the budget by the fraction used, after the warm-up', () => {
    const schedule = { kind: 'cosine-over-budget', base: 1e-4, min: 0, warmupSteps: 2 } as const;
    expect(learningRate(schedule, 0, 0)).toBeCloseTo(0.5e-4, 15);
    expect(learningRate(schedule, 10, 0)).toBeCloseTo(1e-4, 15);
    expect(learningRate(schedule, 10, 0.5)).toBeCloseTo(0.5e-4, 15);
    expect(learningRate(schedule, 10, 1)).toBeCloseTo(0, 15);
    expect(learningRate(schedule, 10, 3)).toBeCloseTo(0, 15);
    // Without a budget (nothing tells the fraction used) the rate stays at its base.
    expect(learningRate(schedule, 10)).toBeCloseTo(1e-4, 15);
  });

  it('counts the budget used by steps or minutes, whichever is further along', () => {
    expect(budgetUsed({ steps: 100 }, 25, 9999)).toBe(0.25);
    expect(budgetUsed({ minutes: 10 }, 9999, 150)).toBe(0.25);
    expect(budgetUsed({ steps: 100, minutes: 10 }, 50, 150)).toBe(0.5);
    expect(budgetUsed({ steps: 100, minutes: 10 }, 10, 450)).toBe(0.75);
    expect(budgetUsed({ steps: 10 }, 20, 0)).toBe(1);
    expect(budgetUsed({}, 20, 60)).toBe(0);
    // A resumed fine-tune: 6 of 10 minutes were used before, 4 remain for this run.
    expect(budgetUsed({ minutes: 4, minutesBefore: 6 }, 0, 0)).toBeCloseTo(0.6, 12);
    expect(budgetUsed({ minutes: 4, minutesBefore: 6 }, 0, 120)).toBeCloseTo(0.8, 12);
  });
});
