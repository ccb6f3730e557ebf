/**
 * Does fine-tuning help? ("Measured effect"). Splits a folder of one kind of photo 50/50
 * (deterministically), fine-tunes the base model on one half in each mode (full, fast) with the
 * given minute budget, and scores base and tuned models on the other half at x4 (paper protocol,
 * Y-PSNR, LIIF Sec. 5.3 size-varied ground truths: photos at their native sizes).
 *
 * Meaningful only with a trained base model: the tiny random model used by the tests "improves"
 * simply because it starts from noise. And only on photos the base never trained on: the shipped
 * base memorised its training photos, so tuning on other photos lowers its score on those
 * (models/README.md, "The pop-os loss"); its held-out split is safe to use.
 *
 *   npx tsx tests/bench/finetune-effect.ts --data ../shared/data/bench/B100 --from <trained model> --minutes 10
 *   npx tsx tests/bench/finetune-effect.ts --data DIR --from DIR --minutes 1 --batch 4 --lr-size 24 --limit 10
 *
 * Options: --modes full,fast  --scale 4  --limit N (eval images)  --batch B --lr-size L  --seed S
 *          --crop-candidates K  --lr LR  --queries Q
 *          --ema DECAY (moving average of the weights; default: the fine-tune default, 0.99)
 *          --warmup N (learning-rate warm-up steps; 0 = none)
 *          --average-from-base yes|no (hold the average's full decay from the base, or warm it up)
 *          (absent: the fine-tune defaults of each mode, DEFAULT_KNOBS in finetune.ts)
 *          --decay none|cosine (the learning rate stays, or falls to 0 over the budget)
 *          --keep-best (save the best-scoring weights on the run's held-out photos, not the last)
 *          --out DIR (keep the tuned models there, to score them further; default: a temporary folder)
 *          --base-psnr DB (the base's score printed by an earlier run on the same data, --limit,
 *          --seed and --eval-side: skips scoring the base again, minutes on large photos)
 *          --eval-side PX (score centre crops of at most PX x PX of the unseen photos, not the whole
 *          photos: a 2040-px photo takes about 2 minutes per model on one core here, a 512-px crop
 *          about a tenth of that; training still uses the whole photos)
 * Prints one line per mode and a JSON object as the last line. Not a test: it measures, it does not assert.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateSets } from '../../electron/core/eval/evaluate.js';
import { type FinetuneMode, startFinetune } from '../../electron/core/finetune/index.js';
import { scanFolders } from '../../electron/core/finetune/scan.js';
import { openModel } from '../../electron/core/infer/open-model.js';
import { defaultModelRoots } from '../../electron/core/model/model-registry.js';
import { splitHoldout } from '../../electron/core/train/data/holdout.js';
import { writeCentreCrop } from '../../scripts/centre-crop.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    from: { type: 'string' },
    minutes: { type: 'string', default: '10' },
    modes: { type: 'string', default: 'full,fast' },
    scale: { type: 'string', default: '4' },
    limit: { type: 'string' },
    batch: { type: 'string' },
    'lr-size': { type: 'string' },
    'crop-candidates': { type: 'string' },
    lr: { type: 'string' },
    queries: { type: 'string' },
    ema: { type: 'string' },
    warmup: { type: 'string' },
    'average-from-base': { type: 'string' },
    'keep-best': { type: 'boolean' },
    out: { type: 'string' },
    seed: { type: 'string', default: '0' },
    'base-psnr': { type: 'string' },
    'eval-side': { type: 'string' },
    decay: { type: 'string' },
  },
});
function yesNo(value: string): boolean {
  if (value !== 'yes' && value !== 'no')
    throw new Error(`--average-from-base takes yes or no, not "${value}"`);
  return value === 'yes';
}
function decayKnob(value: string): 'none' | 'cosine' {
  if (value !== 'none' && value !== 'cosine') throw new Error(`--decay takes none or cosine, not "${value}"`);
  return value;
}
if (!values.data) throw new Error('--data DIR is required (and --from a trained model to be meaningful)');
const scale = Number(values.scale);
const seed = Number(values.seed);
const lrSize = values['lr-size'] ? Number(values['lr-size']) : undefined;
const knobs = {
  ...(values.batch ? { batchSize: Number(values.batch) } : {}),
  ...(lrSize ? { lrSize, queries: lrSize * lrSize } : {}),
  ...(values['crop-candidates'] ? { cropCandidates: Number(values['crop-candidates']) } : {}),
  ...(values.queries ? { queries: Number(values.queries) } : {}),
  ...(values.lr ? { learningRate: Number(values.lr) } : {}),
  ...(values.ema ? { averageDecay: Number(values.ema) } : {}),
  ...(values.warmup ? { warmupSteps: Number(values.warmup) } : {}),
  ...(values['average-from-base'] ? { averageFromBase: yesNo(values['average-from-base']) } : {}),
  ...(values['keep-best'] ? { keepBest: true } : {}),
  ...(values.decay ? { decay: decayKnob(values.decay) } : {}),
};
const scan = await scanFolders([resolve(values.data)], { recursive: true, lrSize: lrSize ?? 48 });
// The second half of a 50/50 split is never seen in training; the first half is the user's folder.
const halves = splitHoldout(
  scan.usable.map((im) => im.path),
  0.5,
  seed,
);
const evalFiles = halves.holdout.slice(0, values.limit ? Number(values.limit) : undefined);
const cropDir = values['eval-side'] ? await mkdtemp(join(tmpdir(), 'liif-ft-bench-crops-')) : undefined;
const evalSet = {
  name: 'other half',
  files: cropDir ? await centreCrops(evalFiles, Number(values['eval-side']), cropDir) : evalFiles,
};

/** PNG centre crops of at most `side` x `side`, one per photo, in `dir`. */
async function centreCrops(files: readonly string[], side: number, dir: string): Promise<string[]> {
  const crops: string[] = [];
  for (const [i, file] of files.entries()) {
    const crop = join(dir, `${i}.png`);
    await writeCentreCrop(file, crop, side);
    crops.push(crop);
  }
  return crops;
}
const score = async (model: string) => {
  const engine = await openModel(model, 'cpu', defaultModelRoots());
  try {
    const run = await evaluateSets(engine, [evalSet], [scale]);
    return { psnr: run.results[0].model!.psnr, bicubic: run.results[0].bicubic.psnr };
  } finally {
    await engine.release();
  }
};

const from = values.from ?? 'liif-edsr-baseline';
const base = values['base-psnr']
  ? { psnr: Number(values['base-psnr']), bicubic: Number.NaN }
  : await score(from);
console.log(
  `${halves.train.length} tuning / ${evalSet.files.length} eval images; base x${scale} ${base.psnr.toFixed(3)} dB (bicubic ${Number.isNaN(base.bicubic) ? 'not scored' : `${base.bicubic.toFixed(3)} dB`})`,
);
const modelsDir = values.out ? resolve(values.out) : await mkdtemp(join(tmpdir(), 'liif-ft-bench-'));
const rows: Array<Record<string, unknown>> = [];
try {
  for (const mode of values.modes.split(',') as FinetuneMode[]) {
    const started = performance.now();
    const result = await startFinetune(
      {
        name: `bench-${mode}`,
        folders: halves.train,
        from,
        budget: { minutes: Number(values.minutes) },
        mode,
        holdout: 0.1,
        seed,
        knobs,
      },
      { modelsDir, roots: defaultModelRoots() },
    );
    if (result.status !== 'saved') throw new Error('the run did not finish');
    const tuned = await score(result.dir);
    const row = {
      mode,
      steps: result.steps,
      selectedStep: result.selectedStep,
      trainSeconds: Math.round(result.seconds),
      wallSeconds: Math.round((performance.now() - started) / 1000),
      basePsnr: base.psnr,
      tunedPsnr: tuned.psnr,
      gainDb: tuned.psnr - base.psnr,
      heldOutDuringTraining: {
        base: result.base.psnr,
        tuned: result.tuned.psnr,
        byStep: result.history.validation.map((v) => [v.step, Number(v.psnr.toFixed(3))]),
      },
    };
    rows.push(row);
    console.log(
      `${mode}: ${row.steps} steps in ${row.trainSeconds} s (saved step ${row.selectedStep}); x${scale} ${base.psnr.toFixed(3)} -> ${tuned.psnr.toFixed(3)} dB (${row.gainDb >= 0 ? '+' : ''}${row.gainDb.toFixed(3)})`,
    );
  }
} finally {
  if (!values.out) await rm(modelsDir, { recursive: true, force: true });
  if (cropDir) await rm(cropDir, { recursive: true, force: true });
}
console.log(
  JSON.stringify({
    data: values.data,
    from,
    scale,
    minutes: Number(values.minutes),
    evalSide: values['eval-side'] ? Number(values['eval-side']) : 'whole photos',
    bicubic: base.bicubic,
    rows,
  }),
);
