import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_RECIPE, type DegradeRecipe } from '../core/image/degrade.js';
import { collectInputs } from '../core/jobs/collect-inputs.js';
import {
  type DecoderKind,
  decoderKind,
  EDSR_BASELINE_LIIF,
  EDSR_BASELINE_LMF,
  encoderParams,
  type LiifArchitecture,
  type Weights,
} from '../core/model/architecture.js';
import { exportModelDir } from '../core/model/export-model.js';
import { loadModelDir } from '../core/model/model-dir.js';
import { defaultModelRoots, resolveModel } from '../core/model/model-registry.js';
import { randomWeights } from '../core/model/random-weights.js';
import { folderWeights, keepEveryFolderTraining } from '../core/train/data/folder-weights.js';
import { splitHoldout } from '../core/train/data/holdout.js';
import { type TrainConfig, train } from '../core/train/trainer.js';
import {
  averageDecayArg,
  dataFolderArg,
  intInRange,
  oneOf,
  positiveInt,
  positiveNumber,
  providerArg,
  shareArg,
} from './arg-parsers.js';
import { UsageError } from './size-args.js';
import { abortOnSigint, trainProgressLogger } from './train-progress.js';

export const TRAIN_HELP = `Usage: liif train --data <dir> [options]

  --data DIR[:W]      folder of training photos (any sizes and formats; subfolders included);
                      repeat it to train on several folders. :W weighs a folder's share of the
                      samples (e.g. --data photos:1 --data detail:2 draws detail twice as often
                      as photos, whatever their sizes; a folder without :W weighs 1). Without any
                      :W (or --synthetic) every image is drawn equally often, once per epoch
  --synthetic S       share of samples (0-1) drawn from rendered structure instead (bricks, tiles,
                      window facades, grids, straight and curved lines, lettering, under random
                      perspective; default 0)
  --out DIR           model folder to write (default: ./models/<folder name>-liif)
  --from MODEL        start from this model's weights (name or folder; default: random init)
  --decoder D         mlp | lmf: the decoder of the new model (default: --from's, else mlp).
                      lmf is the latent-modulated decoder (much faster at any scale); with
                      --from an mlp model, it keeps that model's encoder and starts a new decoder
  --steps N | --minutes M   budget (total steps, counting steps before a resume; or minutes of this run)
  --batch B           batch size (default 16)
  --lr LR             Adam learning rate (default 1e-4)
  --schedule S        step (halve every --decay-every steps) | cosine (to 1/100 of --lr over --steps,
                      or over --minutes when no --steps) | constant (default step)
  --decay-every K     steps between halvings for the step schedule (default 200000)
  --mode M            full | decoder-only | decoder-and-tail (default full)
  --holdout F         fraction of images held out for validation (default 0.1)
  --validate-every K  validate and checkpoint every K steps (default 200)
  --queries Q         HR pixels decoded per sample (default: LR patch size squared, 2304, as the
                      paper); fewer make a step cheaper
  --crop-candidates K keep the most detailed of K random crops per sample (default 1: uniform,
                      as the paper; 4 puts the steps on texture rather than flat sky)
  --degrade R         photo | off (default off): degrade each LR input like a real photo (blur,
                      noise, JPEG 30-95 with 4:2:0, sometimes twice; a share left clean), the
                      target staying clean, so the model learns to remove them while it enlarges
  --clean-share S     with --degrade photo: the share of samples left clean (default 0.25)
  --ema DECAY         keep a moving average of the weights (e.g. 0.999) and validate and export it
                      instead of the raw weights (default: off)
  --resume            continue from <out>/checkpoint.safetensors
  --provider P        auto | cpu | webgpu | cuda | dml | coreml (default cpu)
  --seed S            random seed (default 0)
  --json              one JSON summary object as the last line of stdout
Ctrl-C saves a checkpoint and exits; run again with --resume to continue.
`;

export async function trainCommand(
  argv: string[],
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string', multiple: true },
      out: { type: 'string' },
      from: { type: 'string' },
      decoder: { type: 'string' },
      steps: { type: 'string' },
      minutes: { type: 'string' },
      batch: { type: 'string' },
      lr: { type: 'string' },
      schedule: { type: 'string' },
      'decay-every': { type: 'string' },
      mode: { type: 'string' },
      holdout: { type: 'string' },
      'validate-every': { type: 'string' },
      ema: { type: 'string' },
      degrade: { type: 'string' },
      'clean-share': { type: 'string' },
      'crop-candidates': { type: 'string' },
      synthetic: { type: 'string' },
      'lr-size': { type: 'string' },
      queries: { type: 'string' },
      resume: { type: 'boolean' },
      provider: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(TRAIN_HELP);
    return 0;
  }
  if (!values.data?.length) throw new UsageError('--data DIR is required');
  if (values.steps === undefined && values.minutes === undefined)
    throw new UsageError('give --steps N or --minutes M');
  const provider = providerArg(values.provider, 'cpu');
  const mode = oneOf(values.mode, ['full', 'decoder-only', 'decoder-and-tail'] as const, '--mode') ?? 'full';
  const scheduleKind = values.schedule ?? 'step';
  const baseLr = positiveNumber(values.lr, '--lr') ?? 1e-4;
  const steps = positiveInt(values.steps, '--steps');
  const schedule =
    scheduleKind === 'step'
      ? {
          kind: 'step' as const,
          base: baseLr,
          every: positiveInt(values['decay-every'], '--decay-every') ?? 200_000,
          gamma: 0.5,
        }
      : scheduleKind === 'cosine'
        ? steps === undefined
          ? // A budget in minutes has no step count to anneal over: anneal over the time used.
            { kind: 'cosine-over-budget' as const, base: baseLr, min: baseLr / 100 }
          : { kind: 'cosine' as const, base: baseLr, total: steps, min: baseLr / 100 }
        : scheduleKind === 'constant'
          ? { kind: 'constant' as const, base: baseLr }
          : undefined;
  if (!schedule) throw new UsageError('--schedule is step, cosine or constant');

  const sources = await Promise.all(values.data.map(dataFolderArg));
  const dataDirs = sources.map((d) => d.dir);
  const dataDir = dataDirs.join(', ');
  const out = resolve(values.out ?? join('models', `${basename(dataDirs[0]!)}-liif`));
  const perFolder = await Promise.all(
    dataDirs.map(async (dir) => {
      const { files: found, missing } = await collectInputs([dir], true);
      if (missing.length > 0) throw new UsageError(`--data ${dir}: ${missing[0]!.error}`);
      return found;
    }),
  );
  const files = [...new Set(perFolder.flat())];
  if (files.length === 0) throw new UsageError(`no images found in ${dataDir}`);
  const degrade = degradeArg(values.degrade, values['clean-share']);
  const seed = intInRange(values.seed, '--seed', 0, 2 ** 31) ?? 0;
  const weighted = sources.some((d) => d.weight !== undefined);
  const everySplit = splitHoldout(files, positiveNumber(values.holdout, '--holdout') ?? 0.1, seed);
  const split = weighted ? keepEveryFolderTraining(everySplit, sources) : everySplit;
  const dataSources = sources.map((d, i) => ({
    dir: d.dir,
    files: perFolder[i]!.length,
    weight: d.weight ?? 1,
  }));
  let trainWeights: number[] | undefined;
  try {
    trainWeights = weighted ? folderWeights(split.train, dataSources) : undefined;
  } catch (err) {
    throw new UsageError(`--data: ${(err as Error).message}`);
  }
  const syntheticShare = shareArg(values.synthetic, '--synthetic') ?? 0;
  const fromDir = values.from ? await resolveModel(values.from, defaultModelRoots()) : undefined;
  const from = fromDir ? await loadModelDir(fromDir) : undefined;
  const decoder = oneOf(values.decoder, ['mlp', 'lmf'] as const, '--decoder');
  const { architecture, initial } = startingPoint(from, decoder, seed);
  const lrSize = positiveInt(values['lr-size'], '--lr-size') ?? 48;
  const config: TrainConfig = {
    architecture,
    trainFiles: split.train,
    validationFiles: split.holdout,
    checkpointPath: join(out, 'checkpoint.safetensors'),
    seed,
    batchSize: positiveInt(values.batch, '--batch') ?? 16,
    lrSize,
    queries: intInRange(values.queries, '--queries', 1, lrSize ** 2) ?? lrSize ** 2,
    cropCandidates: intInRange(values['crop-candidates'], '--crop-candidates', 1, 64) ?? 1,
    schedule,
    mode,
    provider,
    validateEvery: positiveInt(values['validate-every'], '--validate-every') ?? 200,
    checkpointEvery: 50,
    averageDecay: averageDecayArg(values.ema, '--ema') ?? 0,
    ...(degrade ? { degrade } : {}),
    ...(trainWeights ? { trainWeights, dataSources } : {}),
    ...(syntheticShare > 0 ? { syntheticShare } : {}),
  };
  const json = values.json === true;
  const log = (line: string) => (json ? io.stderr : io.stdout).write(`${line}\n`);
  log(
    `training on ${split.train.length} images, validating on ${split.holdout.length}; checkpoint ${config.checkpointPath}`,
  );

  const { signal, dispose } = abortOnSigint(log);
  const onEvent = trainProgressLogger(log);
  try {
    const result = await train(
      config,
      values.resume ? { resume: true } : { initial },
      {
        steps,
        minutes:
          values.minutes === undefined ? undefined : (positiveNumber(values.minutes, '--minutes') ?? 0),
      },
      { signal, onEvent },
    );
    if (result.stoppedBy === 'abort') {
      log(`checkpoint saved at step ${result.step}; continue with --resume`);
    } else {
      const last = result.history.validation.at(-1);
      await exportModelDir(out, architecture, result.weights, {
        name: basename(out),
        training: {
          data: dataDir,
          steps: result.step,
          baseModel: from?.manifest.name,
          wallClockSeconds: Math.round(result.wallClockSeconds),
          mode,
          batch: config.batchSize,
          seed,
          ...(degrade ? { degradations: degrade } : {}),
          ...(weighted ? { dataWeights: dataSources } : {}),
          ...(syntheticShare > 0 ? { syntheticShare } : {}),
        },
        scores: last
          ? { heldOutPsnr: last.psnr, heldOutBicubicPsnr: last.bicubicPsnr, step: last.step }
          : undefined,
      });
      log(`model written to ${out}`);
    }
    if (json)
      io.stdout.write(
        `${JSON.stringify({ out, step: result.step, stoppedBy: result.stoppedBy, history: result.history })}\n`,
      );
    return 0;
  } finally {
    dispose();
  }
}

/**
 * The architecture and first weights: --from's as they are, or, where --decoder asks for another
 * decoder than --from has, --from's encoder (trained features are the expensive part) with a new
 * decoder at PyTorch's default init.
 */
function startingPoint(
  from: { architecture: LiifArchitecture; weights: Weights } | undefined,
  decoder: DecoderKind | undefined,
  seed: number,
): { architecture: LiifArchitecture; initial: Weights } {
  const base = from?.architecture ?? EDSR_BASELINE_LIIF;
  const wanted = decoder ?? decoderKind(base);
  if (from && wanted === decoderKind(base)) return { architecture: base, initial: from.weights };
  const architecture =
    wanted === decoderKind(base)
      ? base
      : wanted === 'lmf'
        ? { ...EDSR_BASELINE_LMF, features: base.features, resBlocks: base.resBlocks }
        : { ...EDSR_BASELINE_LIIF, features: base.features, resBlocks: base.resBlocks };
  const initial = randomWeights(architecture, seed);
  if (from) {
    for (const p of encoderParams(architecture)) initial.set(p.name, from.weights.get(p.name)!);
  }
  return { architecture, initial };
}

function degradeArg(recipe: string | undefined, cleanShare: string | undefined): DegradeRecipe | undefined {
  const kind = oneOf(recipe, ['photo', 'off'] as const, '--degrade') ?? 'off';
  if (kind === 'off') {
    if (cleanShare !== undefined) throw new UsageError('--clean-share needs --degrade photo');
    return undefined;
  }
  const share = cleanShare === undefined ? DEFAULT_RECIPE.cleanShare : Number(cleanShare);
  if (!(share >= 0 && share <= 1))
    throw new UsageError(`--clean-share is a share from 0 to 1 (got "${cleanShare}")`);
  return { ...DEFAULT_RECIPE, cleanShare: share };
}
