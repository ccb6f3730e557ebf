/** Pieces shared by `liif train` and `liif finetune`: progress lines and Ctrl-C as "checkpoint and stop". */
import type { TrainEvent } from '../core/train/trainer.js';

/**
 * Returns an onEvent that prints the trainer's events as lines: skipped images, a step line at
 * most every `everyMs` (and on the last step), each held-out score.
 */
export function trainProgressLogger(log: (line: string) => void, everyMs = 5000): (e: TrainEvent) => void {
  let lastPrinted = 0;
  // Time split since the last printed line: a data share well above zero means the data pipeline,
  // not the model, sets the pace.
  const spent = { data: 0, compute: 0, optim: 0 };
  return (e) => {
    if (e.kind === 'data' && (e.report.tooSmall.length || e.report.failed.length))
      log(`skipped ${e.report.tooSmall.length} too-small and ${e.report.failed.length} unreadable images`);
    if (e.kind === 'step') {
      spent.data += e.timing.dataMs;
      spent.compute += e.timing.computeMs;
      spent.optim += e.timing.optimMs;
    }
    if (e.kind === 'step' && (performance.now() - lastPrinted > everyMs || e.step === e.totalSteps)) {
      lastPrinted = performance.now();
      const eta = e.etaMs === undefined ? '' : ` ETA ${Math.round(e.etaMs / 60000)} min`;
      const total = spent.data + spent.compute + spent.optim;
      const split =
        total > 0
          ? ` (data wait ${pct(spent.data, total)}, model ${pct(spent.compute, total)}, optimiser ${pct(spent.optim, total)})`
          : '';
      spent.data = spent.compute = spent.optim = 0;
      log(
        `step ${e.step}${e.totalSteps ? `/${e.totalSteps}` : ''} loss ${e.loss.toFixed(4)} ${e.stepsPerSecond.toFixed(2)} steps/s${eta}${split}`,
      );
    }
    if (e.kind === 'validation')
      log(`step ${e.step}: held-out PSNR ${e.psnr.toFixed(2)} dB (bicubic ${e.bicubicPsnr.toFixed(2)} dB)`);
  };
}

const pct = (part: number, total: number) => `${Math.round((100 * part) / total)}%`;

/**
 * The first Ctrl-C aborts `signal` (the trainer then saves a checkpoint and returns); a second one
 * quits at once. Call `dispose` when the work is done.
 */
export function abortOnSigint(log: (line: string) => void): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = () => {
    log('\nstopping: saving a checkpoint (Ctrl-C again to quit at once)');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}
