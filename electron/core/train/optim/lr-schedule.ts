/**
 * Learning-rate schedules: the paper's step decay (halve every K steps), cosine annealing over a
 * number of steps, and cosine annealing over a budget (steps or minutes, whichever ends first).
 */

export type LrSchedule = (
  | { readonly kind: 'step'; readonly base: number; readonly every: number; readonly gamma: number }
  | { readonly kind: 'cosine'; readonly base: number; readonly total: number; readonly min: number }
  | { readonly kind: 'constant'; readonly base: number }
  /**
   * Cosine from `base` to `min` over the run's budget, by the fraction of it used (trainer.ts):
   * a fine-tune's budget is usually minutes, whose step count nobody knows in advance.
   */
  | { readonly kind: 'cosine-over-budget'; readonly base: number; readonly min: number }
) & {
  /**
   * Ramp the rate up linearly over this many first updates (absent or 0: none). Adam's first
   * updates move every parameter by about the full rate whatever its gradient (m/sqrt(v) is +-1 at
   * step 1), which knocks a converged model off its optimum. Full-mode fine-tuning uses 50 steps
   * (finetune.ts DEFAULT_KNOBS).
   */
  readonly warmupSteps?: number;
};

/**
 * Learning rate for the update numbered `step` (0-based); `budgetUsed` is the fraction of the
 * run's budget used so far (0 to 1), which only 'cosine-over-budget' reads (absent: 0).
 */
export function learningRate(schedule: LrSchedule, step: number, budgetUsed = 0): number {
  const warmup = schedule.warmupSteps ?? 0;
  const ramp = warmup > 0 ? Math.min(1, (step + 1) / warmup) : 1;
  return ramp * scheduledRate(schedule, step, budgetUsed);
}

const cosine = (base: number, min: number, t: number) =>
  min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, t))));

function scheduledRate(schedule: LrSchedule, step: number, budgetUsed: number): number {
  switch (schedule.kind) {
    case 'constant':
      return schedule.base;
    case 'step':
      return schedule.base * schedule.gamma ** Math.floor(step / schedule.every);
    case 'cosine':
      return cosine(schedule.base, schedule.min, step / Math.max(1, schedule.total));
    case 'cosine-over-budget':
      return cosine(schedule.base, schedule.min, budgetUsed);
  }
}
