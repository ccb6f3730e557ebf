/**
 * Tools for the base model's training run, kept out of the product's CLI:
 *
 *   npx tsx scripts/checkpoint-tools.ts export <checkpoint.safetensors> <model dir> [--name N]
 *       [--display-name T] [--description T] [--hardware T] [--notes T] [--eval-json FILE[,FILE]]
 *       [--held-out-json FILE] [--base-model NAME]
 *       writes a loadable model folder (weights, ONNX files, model.json) from a checkpoint, so a run
 *       in progress can be scored with `liif eval --model <dir>`, and a finished one shipped: the
 *       last line of `liif eval --json` (FILE; several runs' files are merged) goes into model.json's
 *       scores, as benchmarks and (on the training photos' held-out split) heldOut. Steps merged in
 *       from GPU runs (scripts/gpu/) are listed as training.gpuRuns.
 *   npx tsx scripts/checkpoint-tools.ts score <checkpoint>... [--data DIR] [--seed 1] [--limit 12]
 *       held-out Y-PSNR (x2/x3/x4, 192-px centre crops, the trainer's validation) of each checkpoint
 *       beside bicubic, on the same split `liif train --holdout 0.1 --seed S` uses. For comparing
 *       runs at equal wall-clock time on more images than the trainer's 4.
 *   npx tsx scripts/checkpoint-tools.ts held-out-crops <out dir> [--data DIR] [--seed 1] [--side 360]
 *       writes the centre crops (PNG) of that held-out split's photos, for `liif eval --data <out dir>`:
 *       the model card's held-out table, at a cost whole 2040-px photos would not allow here.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { collectInputs } from '../electron/core/jobs/collect-inputs.js';
import type { Weights } from '../electron/core/model/architecture.js';
import { exportModelDir } from '../electron/core/model/export-model.js';
import { splitHoldout } from '../electron/core/train/data/holdout.js';
import { loadCheckpoint } from '../electron/core/train/optim/checkpoint.js';
import { loadValidationSet, validate } from '../electron/core/train/validation.js';
import { writeCentreCrop } from './centre-crop.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    'display-name': { type: 'string' },
    description: { type: 'string' },
    hardware: { type: 'string' },
    notes: { type: 'string' },
    'eval-json': { type: 'string' },
    'held-out-json': { type: 'string' },
    'base-model': { type: 'string' },
    data: { type: 'string', default: '../shared/data/train/photos' },
    seed: { type: 'string', default: '1' },
    limit: { type: 'string', default: '12' },
    side: { type: 'string', default: '360' },
  },
});
const [command, ...paths] = positionals;

if (command === 'export' && paths.length === 2) {
  const [from, to] = paths.map((p) => resolve(p));
  const checkpoint = await loadCheckpoint(from);
  const { step, wallClockSeconds, config, gpuRuns } = checkpoint.info;
  const evalSummary = values['eval-json'] ? await readEvalSummary(values['eval-json']) : undefined;
  const heldOutSummary = values['held-out-json'] ? await readEvalSummary(values['held-out-json']) : undefined;
  // The weight average is what a run validates and keeps, when it has one.
  await exportModelDir(to, checkpoint.info.architecture, checkpoint.average ?? checkpoint.weights, {
    name: values.name ?? basename(to),
    ...(values['display-name'] ? { displayName: values['display-name'] } : {}),
    ...(values.description ? { description: values.description } : {}),
    training: {
      data: values.data,
      steps: step,
      ...(values['base-model'] ? { baseModel: values['base-model'] } : {}),
      mode: config.mode,
      wallClockSeconds: Math.round(wallClockSeconds),
      ...(values.hardware ? { hardware: values.hardware } : {}),
      batch: config.batchSize,
      lrSize: config.lrSize,
      queries: config.queries,
      cropCandidates: config.cropCandidates,
      averageDecay: config.averageDecay,
      schedule: config.schedule,
      // What fine-tuning reads back (finetune.ts baseDegradations), so a photo model stays one.
      ...(config.degrade ? { degradations: config.degrade } : {}),
      ...(gpuRuns ? { gpuRuns } : {}),
      notes:
        values.notes ??
        `exported from ${basename(from)} at step ${step}` +
          `${checkpoint.average ? ' (weight average)' : ''}; batch ${String(config.batchSize)}, LR patch ${String(config.lrSize)}` +
          `${gpuRuns ? `; ${gpuRuns.reduce((n, r) => n + r.steps, 0)} of the steps on a GPU (gpuRuns)` : ''}`,
    },
    scores: {
      ...(evalSummary
        ? { benchmarks: { protocol: evalSummary.protocol, results: evalSummary.results } }
        : {}),
      ...(heldOutSummary
        ? { heldOut: { protocol: heldOutSummary.protocol, results: heldOutSummary.results } }
        : {}),
    },
  });
  console.log(`${to}: step ${step}, ${(wallClockSeconds / 3600).toFixed(2)} h of training`);
} else if (command === 'score' && paths.length > 0) {
  const { files } = await collectInputs([resolve(values.data)], true);
  const split = splitHoldout(files, 0.1, Number(values.seed));
  const set = await loadValidationSet(split.holdout, { limit: Number(values.limit) });
  console.log(`${set.images.length} held-out images x scales ${set.scales.join('/')}`);
  for (const path of paths) {
    const checkpoint = await loadCheckpoint(resolve(path));
    const variants: Array<[string, Weights]> = [['raw weights', checkpoint.weights]];
    if (checkpoint.average) variants.push(['weight average', checkpoint.average]);
    for (const [label, weights] of variants) {
      const score = await validate(checkpoint.info.architecture, weights, set, 'cpu');
      console.log(
        `${path}: step ${checkpoint.info.step}, ${(checkpoint.info.wallClockSeconds / 60).toFixed(1)} min, ${label}: ` +
          `${score.psnr.toFixed(3)} dB (bicubic ${score.bicubicPsnr.toFixed(3)} dB)`,
      );
    }
  }
} else if (command === 'held-out-crops' && paths.length === 1) {
  const out = resolve(paths[0]);
  await mkdir(out, { recursive: true });
  const { files } = await collectInputs([resolve(values.data)], true);
  const side = Number(values.side);
  for (const file of splitHoldout(files, 0.1, Number(values.seed)).holdout) {
    const name = `${basename(file, extname(file))}.png`;
    const crop = await writeCentreCrop(file, join(out, name), side, { square: true });
    console.log(`${name}: ${crop.width}x${crop.height} from ${crop.sourceWidth}x${crop.sourceHeight}`);
  }
} else {
  console.error(
    'usage: checkpoint-tools.ts export <checkpoint> <dir> | score <checkpoint>... | held-out-crops <dir>',
  );
  process.exitCode = 2;
}

interface EvalSummary {
  readonly protocol: unknown;
  readonly results: unknown[];
}

/**
 * `liif eval --json` prints its table first: the summary is the last line. A comma-separated list
 * merges the results of runs split across processes (same protocol, e.g. one set per core).
 */
async function readEvalSummary(files: string): Promise<EvalSummary> {
  const summaries: EvalSummary[] = [];
  for (const file of files.split(',')) {
    const lastLine = (await readFile(resolve(file), 'utf8')).trim().split('\n').at(-1) ?? '';
    summaries.push(JSON.parse(lastLine) as EvalSummary);
  }
  const protocols = new Set(summaries.map((s) => JSON.stringify(s.protocol)));
  if (protocols.size !== 1) throw new Error(`${files}: the runs used different protocols`);
  return { protocol: summaries[0].protocol, results: summaries.flatMap((s) => s.results) };
}
