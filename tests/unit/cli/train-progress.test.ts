import { describe, expect, it } from 'vitest';
import { trainProgressLogger } from '../../../electron/cli/train-progress.js';
import type { TrainEvent } from '../../../electron/core/train/trainer.js';

const step = (n: number, dataMs: number, computeMs: number, optimMs: number): TrainEvent => ({
  kind: 'step',
  step: n,
  totalSteps: 3,
  loss: 0.05,
  lr: 1e-4,
  stepsPerSecond: 0.5,
  etaMs: 60_000,
  timing: { dataMs, computeMs, optimMs },
});

describe('trainProgressLogger', () => {
  it('prints where the time went since the last line, and the held-out score', () => {
    const lines: string[] = [];
    // everyMs 0: every step prints a line.
    const onEvent = trainProgressLogger((line) => lines.push(line), 0);
    onEvent(step(1, 500, 1500, 0));
    onEvent(step(2, 0, 900, 100));
    onEvent({ kind: 'validation', step: 2, psnr: 30.123, bicubicPsnr: 29.5 });
    expect(lines).toEqual([
      'step 1/3 loss 0.0500 0.50 steps/s ETA 1 min (data wait 25%, model 75%, optimiser 0%)',
      'step 2/3 loss 0.0500 0.50 steps/s ETA 1 min (data wait 0%, model 90%, optimiser 10%)',
      'step 2: held-out PSNR 30.12 dB (bicubic 29.50 dB)',
    ]);
  });
});
