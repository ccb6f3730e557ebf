import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  defaultQueries,
  type FinetuneEvent,
  type FinetuneResult,
  resumeFinetune,
  startFinetune,
} from '../core/finetune/finetune.js';
import { FinetuneError } from '../core/finetune/finetune-errors.js';
import { discardRun, type FinetuneKnobs, listRunFolders } from '../core/finetune/finetune-run.js';
import { describeHeldOutPhotos } from '../core/finetune/held-out-photos.js';
import { describeCompressionSummary, type ScanReport, summariseSkips } from '../core/finetune/scan.js';
import { defaultModelRoots, userModelsDir } from '../core/model/model-registry.js';
import { checkRunName } from '../shared/model-name.js';
import {
  averageDecayArg,
  dataFolderArg,
  intInRange,
  oneOf,
  positiveInt,
  positiveNumber,
  providerArg,
} from './arg-parsers.js';
import { UsageError } from './size-args.js';
import { abortOnSigint, trainProgressLogger } from './train-progress.js';

export const FINETUNE_HELP = `Usage: liif finetune --data <dir> --name <model name> [options]

Teaches a model your own photos and saves the result as a new model in your models folder
(listed by "liif models", used with "liif upscale --model <name>").

  --data DIR[:W]      folder of your photos (any sizes; repeat for several folders). :W weighs a
                      folder's share of the training draws (a folder without :W weighs 1);
                      without any :W every photo is drawn equally often
  --name NAME         name of the new model
  --from MODEL        base model (name or folder; default: the default model)
  --minutes M | --steps N   budget (default 10 minutes, counted across pauses)
  --mode M            full (the whole model) | fast (the decoder and the encoder's second half,
                      for weak machines); default full
  --holdout F         fraction of photos held out to measure quality (default 0.1, at least one)
  --recursive         include subfolders
  --resume            continue the interrupted run called --name (Ctrl-C pauses a run)
  --discard NAME      forget the interrupted (or damaged) run NAME: its checkpoint and record
  --provider P        auto | cpu | webgpu | cuda | dml | coreml (default cpu)
  --seed S            random seed (default 0)
  --example DIR       write the held-out photo that gained most, shrunk x4 and upscaled back, as
                      original, bicubic, base and tuned PNG crops to DIR, to look at
  --json              one JSON summary object as the last line of stdout
Advanced: --batch B (default 8), --lr-size L (48), --queries Q (half the crop's pixels),
  --lr LR (1e-4), --ema DECAY (moving average of the weights, 0 = off; default 0.99),
  --keep-best (save the weights with the best held-out score, the base's included, not the
  last ones), --validate-every K,
  --checkpoint-every K
`;

function knobsFrom(values: Record<string, string | boolean | string[] | undefined>): Partial<FinetuneKnobs> {
  const str = (key: string) => values[key] as string | undefined;
  const lrSize = positiveInt(str('lr-size'), '--lr-size');
  return {
    batchSize: positiveInt(str('batch'), '--batch'),
    lrSize,
    // A smaller crop has fewer pixels to query: the default share of them unless asked otherwise.
    queries:
      positiveInt(str('queries'), '--queries') ?? (lrSize === undefined ? undefined : defaultQueries(lrSize)),
    learningRate: positiveNumber(str('lr'), '--lr'),
    averageDecay: averageDecayArg(str('ema'), '--ema'),
    validateEvery: positiveInt(str('validate-every'), '--validate-every'),
    checkpointEvery: positiveInt(str('checkpoint-every'), '--checkpoint-every'),
    keepBest: values['keep-best'] === true ? true : undefined,
  };
}

async function discard(name: string, io: { stdout: NodeJS.WriteStream }): Promise<number> {
  const modelsDir = userModelsDir();
  const { runs, damaged } = await listRunFolders(modelsDir);
  const known = [...runs.map((r) => r.run.name), ...damaged.map((d) => d.name)];
  if (!known.includes(checkRunName(name)))
    throw new UsageError(
      `there is no interrupted fine-tuning run named "${name}"${known.length ? ` (runs: ${known.join(', ')})` : ''}`,
    );
  await discardRun(modelsDir, name);
  io.stdout.write(`discarded the fine-tuning run "${checkRunName(name)}"\n`);
  return 0;
}

function scanLines(report: ScanReport): string[] {
  const lines = [
    `found ${report.usable.length} usable images, skipped ${report.skipped.length}${report.skipped.length ? ` (${summariseSkips(report.skipped)})` : ''}`,
  ];
  for (const s of report.skipped) lines.push(`  skipped ${s.path}: ${s.message}`);
  const bins = report.histogram.filter((b) => b.count > 0).map((b) => `${b.label} px: ${b.count}`);
  lines.push(`long side: ${bins.join(', ')}`);
  const crops = report.cropScales.map((s, i) => `x${s} ${report.totalCrops[i]}`).join(', ');
  lines.push(`${report.lrSize}*s-pixel crops available: ${crops}`);
  lines.push(describeCompressionSummary(report.compression, report.usable.length));
  return lines;
}

export async function finetuneCommand(
  argv: string[],
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string', multiple: true },
      name: { type: 'string' },
      from: { type: 'string' },
      steps: { type: 'string' },
      minutes: { type: 'string' },
      mode: { type: 'string' },
      holdout: { type: 'string' },
      recursive: { type: 'boolean' },
      resume: { type: 'boolean' },
      discard: { type: 'string' },
      provider: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      example: { type: 'string' },
      batch: { type: 'string' },
      'lr-size': { type: 'string' },
      'keep-best': { type: 'boolean' },
      queries: { type: 'string' },
      lr: { type: 'string' },
      ema: { type: 'string' },
      'validate-every': { type: 'string' },
      'checkpoint-every': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(FINETUNE_HELP);
    return 0;
  }
  if (values.discard !== undefined) return discard(values.discard, io);
  if (!values.name) throw new UsageError('--name NAME is required');
  if (!values.resume && !values.data?.length) throw new UsageError('--data DIR is required');
  if (values.steps !== undefined && values.minutes !== undefined)
    throw new UsageError('give --steps N or --minutes M, not both');
  const steps = positiveInt(values.steps, '--steps');
  const minutes = positiveNumber(values.minutes, '--minutes');
  const budget = steps !== undefined || minutes !== undefined ? { steps, minutes } : undefined;
  const holdout = values.holdout === undefined ? undefined : Number(values.holdout);
  if (holdout !== undefined && !(holdout > 0 && holdout < 1))
    throw new UsageError(`--holdout must be a fraction between 0 and 1 (got "${values.holdout}")`);
  const mode = oneOf(values.mode, ['full', 'fast'] as const, '--mode');
  const env = {
    modelsDir: userModelsDir(),
    roots: defaultModelRoots(),
    provider: providerArg(values.provider, 'cpu'),
    ...(values.example ? { exampleDir: resolve(values.example) } : {}),
  };

  const json = values.json === true;
  const log = (line: string) => (json ? io.stderr : io.stdout).write(`${line}\n`);
  const folders = await Promise.all((values.data ?? []).map(dataFolderArg));
  const { signal, dispose } = abortOnSigint(log);
  const trainLog = trainProgressLogger(log);
  const onEvent = (e: FinetuneEvent) => {
    if (e.kind === 'scan') for (const line of scanLines(e.report)) log(line);
    else if (e.kind === 'run')
      log(
        `${e.resumed ? 'resuming' : 'fine-tuning'} "${e.run.name}" from ${e.run.baseName} (${e.run.mode} mode) on ${e.run.trainFiles.length} images, measuring on ${e.run.holdoutFiles.length} held out`,
      );
    else if (e.kind === 'baseline') log(`base model held-out PSNR ${e.psnr.toFixed(2)} dB`);
    else if (e.kind === 'saving') log(`saving ${e.dir}`);
    else trainLog(e);
  };
  const weighted = folders.some((f) => f.weight !== undefined);
  let result: FinetuneResult;
  try {
    result = values.resume
      ? await resumeFinetune(values.name, env, { signal, onEvent }, budget)
      : await startFinetune(
          {
            name: values.name,
            folders: folders.map((f) => f.dir),
            ...(weighted ? { folderWeights: folders.map((f) => f.weight ?? 1) } : {}),
            recursive: values.recursive === true,
            from: values.from,
            budget: budget ?? { minutes: 10 },
            mode,
            holdout,
            seed: intInRange(values.seed, '--seed', 0, 2 ** 31),
            knobs: knobsFrom(values),
          },
          env,
          { signal, onEvent },
        );
  } catch (err) {
    if (!(err instanceof FinetuneError)) throw err;
    const hint = err.code === 'damaged-run' ? `; to do so: liif finetune --discard "${values.name}"` : '';
    io.stderr.write(`liif finetune: ${err.message}${hint}\n`);
    return err.code === 'save-failed' ? 1 : 2;
  } finally {
    dispose();
  }
  if (result.status === 'paused') {
    log(`paused at step ${result.step}; continue with: liif finetune --name "${result.name}" --resume`);
    if (json) io.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  const gain = result.tuned.psnr - result.base.psnr;
  log(
    `held-out PSNR: base ${result.base.psnr.toFixed(2)} dB, tuned ${result.tuned.psnr.toFixed(2)} dB (${gain >= 0 ? '+' : ''}${gain.toFixed(2)} dB); bicubic ${result.tuned.bicubicPsnr.toFixed(2)} dB`,
  );
  if (result.photos) log(describeHeldOutPhotos(result.photos));
  if (result.selectedStep === 0)
    log('no step scored above the base model on the held-out photos: the saved model keeps its weights');
  else if (result.selectedStep < result.steps)
    log(`saved the weights of step ${result.selectedStep}, the best held-out score of the run`);
  if (result.example) {
    const { photo, scale, psnr } = result.example;
    log(
      `example: ${basename(photo)} at x${scale} in ${values.example} (bicubic ${psnr.bicubic.toFixed(2)}, base ${psnr.base.toFixed(2)}, tuned ${psnr.tuned.toFixed(2)} dB)`,
    );
  } else if (values.example) log(`no example pictures were written to ${values.example}`);
  log(`model "${result.name}" saved to ${result.dir}; use it with: liif upscale --model "${result.name}"`);
  if (json)
    io.stdout.write(
      `${JSON.stringify({
        status: result.status,
        name: result.name,
        dir: result.dir,
        baseModel: result.baseName,
        steps: result.steps,
        selectedStep: result.selectedStep,
        seconds: result.seconds,
        basePsnr: result.base.psnr,
        tunedPsnr: result.tuned.psnr,
        bicubicPsnr: result.tuned.bicubicPsnr,
        gainDb: gain,
        ...(result.photos ? { heldOutPhotos: result.photos } : {}),
        ...(result.example ? { example: result.example } : {}),
      })}\n`,
    );
  return 0;
}
