/** Learning-rate schedules: the paper's step decay (halve every K steps) and cosine annealing. */

export type LrSchedule = (
  | { readonly kind: 'step'; readonly base: number; readonly every: number; readonly gamma: number }
  | { readonly kind: 'cosine'; readonly base: number; readonly total: number; readonly min: number }
  | { readonly kind: 'constant'; readonly base: number }
) & {
  /**
   * Ramp the rate up linearly over this many first updates (absent or 0: none). Adam's first
   * updates move every parameter by about the full rate whatever its gradient (m/sqrt(v) is +-1 at
   * step 1), which knocks a converged model off its optimum. Full-mode fine-tuning uses 50 steps
   * (finetune.ts DEFAULT_KNOBS).
   */
  readonly warmupSteps?: number;
};

/** Learning rate for the update numbered `step` (0-based). */
export function learningRate(schedule: LrSchedule, step: number): number {
  const warmup = schedule.warmupSteps ?? 0;
  const ramp = warmup > 0 ? Math.min(1, (step + 1) / warmup) : 1;
  return ramp * scheduledRate(schedule, step);
}

function scheduledRate(schedule: LrSchedule, step: number): number {
  switch (schedule.kind) {
    case 'constant':
      return schedule.base;
    case 'step':
      return schedule.base * schedule.gamma ** Math.floor(step / schedule.every);
    case 'cosine': {
      const t = Math.min(1, step / Math.max(1, schedule.total));
      return schedule.min + 0.5 * (schedule.base - schedule.min) * (1 + Math.cos(Math.PI * t));
    }
  }
}
