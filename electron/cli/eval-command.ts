import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EvalDataError, resolveEvalSets } from '../core/eval/eval-sets.js';
import { type EvalEvent, type EvalRun, evaluateSets, type Scores } from '../core/eval/evaluate.js';
import { CLEAN, type Degradation, describeDegradation, parseDegradation } from '../core/image/degrade.js';
import type { LiifEngine } from '../core/infer/liif-engine.js';
import { openModel } from '../core/infer/open-model.js';
import { ModelError } from '../core/model/model-errors.js';
import { positiveInt, providerArg } from './arg-parsers.js';
import { UsageError } from './size-args.js';

export const EVAL_HELP = `Usage: liif eval [options]

Scores a model and bicubic upsampling by the LIIF paper's protocol: LR = antialiased bicubic
downsample of the HR image (rounded to 8 bit), PSNR on Y with the scale shaved at each border, SSIM on Y.

  --model NAME|DIR   model to score (default: the shipped base model)
  --bicubic-only     score only the bicubic baseline (no model needed)
  --data DIR         a folder of sets with HR/ subfolders (default ../shared/data/bench),
                     or a plain folder of images (scored as one set)
  --sets A,B         sets to score (default Set5,Set14,B100, those present); besides the data
                     folder's sets: detail (the held-out detail photos, ../shared/data/eval/detail),
                     text (12 rendered text pages), or a path to a folder of images
  --scales 2,3,4     scales (default 2,3,4,6,8,12)
  --limit N          at most N images per set
  --float-lr         keep the LR input in float instead of rounding it to 8 bit
  --degrade SPEC     degrade the LR like a real photo before upscaling (bicubic gets the same
                     input): jpeg:Q, noise:L (per colour, L levels of 255), graynoise:L, poisson:L,
                     blur:SIGMA (before downsampling), joined by +, e.g. jpeg:75 or noise:5+jpeg:80
  --provider P       auto | cpu | webgpu | cuda | dml | coreml (default auto)
  --tile PX          output tile side in pixels
  --json             print one JSON summary object as the last line of stdout
`;

const DEFAULT_DATA = fileURLToPath(new URL('../../../shared/data/bench', import.meta.url));
const DETAIL_DATA = fileURLToPath(new URL('../../../shared/data/eval/detail', import.meta.url));
const DEFAULT_SETS = ['Set5', 'Set14', 'B100'];
const DEFAULT_SCALES = [2, 3, 4, 6, 8, 12];

function list(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function scalesArg(value: string | undefined): number[] {
  const scales = list(value)?.map((s) => Number(s.replace(/^x/i, ''))) ?? DEFAULT_SCALES;
  if (scales.length === 0 || scales.some((s) => !Number.isFinite(s) || s < 1))
    throw new UsageError(`--scales needs numbers >= 1, e.g. 2,3,4 (got "${value}")`);
  return scales;
}

const fmt = (v: number | undefined, digits: number) =>
  v === undefined ? '-' : Number.isFinite(v) ? v.toFixed(digits) : String(v);

function progressLine(e: EvalEvent): string {
  if (e.kind === 'failed') return `[${e.set}] skipped: ${e.message}`;
  const s = e.scores;
  const model = s.model ? `  model ${fmt(s.model.psnr, 2)} dB ${fmt(s.model.ssim, 4)}` : '';
  return (
    `[${e.set} x${e.scale} ${e.index + 1}/${e.total}] ${e.file.split(/[\\/]/).at(-1)}` +
    `  bicubic ${fmt(s.bicubic.psnr, 2)} dB ${fmt(s.bicubic.ssim, 4)}${model}  (${e.seconds.toFixed(1)} s)`
  );
}

function table(run: EvalRun, withModel: boolean): string {
  const head = ['set', 'scale', 'images', 'bicubic PSNR', 'SSIM'];
  if (withModel) head.push('model PSNR', 'SSIM', 'gain dB');
  const rows = run.results.map((r) => {
    const row = [r.set, `x${r.scale}`, String(r.images), fmt(r.bicubic.psnr, 2), fmt(r.bicubic.ssim, 4)];
    if (withModel && r.model)
      row.push(fmt(r.model.psnr, 2), fmt(r.model.ssim, 4), fmt(r.model.psnr - r.bicubic.psnr, 2));
    return row;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [head, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** JSON keeps Infinity (a perfect match) as the string "Infinity" rather than null. */
const jsonScores = (s: Scores | undefined) =>
  s ? { psnr: Number.isFinite(s.psnr) ? s.psnr : String(s.psnr), ssim: s.ssim } : null;

export async function evalCommand(
  argv: string[],
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      'bicubic-only': { type: 'boolean' },
      data: { type: 'string' },
      sets: { type: 'string' },
      scales: { type: 'string' },
      limit: { type: 'string' },
      'float-lr': { type: 'boolean' },
      degrade: { type: 'string' },
      provider: { type: 'string' },
      tile: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(EVAL_HELP);
    return 0;
  }
  const scales = scalesArg(values.scales);
  const limit = positiveInt(values.limit, '--limit');
  const tileSide = positiveInt(values.tile, '--tile');
  const provider = providerArg(values.provider, 'auto');
  if (values.model && values['bicubic-only'])
    throw new UsageError('--model and --bicubic-only exclude each other');
  const data = values.data ?? DEFAULT_DATA;
  const started = performance.now();

  let sets: Awaited<ReturnType<typeof resolveEvalSets>>;
  try {
    const named = list(values.sets);
    sets = await resolveEvalSets(data, named, { detail: DETAIL_DATA });
    if (!named && sets.some((s) => DEFAULT_SETS.includes(s.name)))
      sets = sets.filter((s) => DEFAULT_SETS.includes(s.name));
  } catch (err) {
    if (!(err instanceof EvalDataError)) throw err;
    io.stderr.write(`liif eval: ${err.message}\n`);
    return 2;
  }

  let degrade: Degradation | undefined;
  try {
    degrade = values.degrade === undefined ? undefined : parseDegradation(values.degrade);
  } catch (err) {
    throw new UsageError(`--degrade: ${(err as Error).message}`);
  }

  let engine: LiifEngine | undefined;
  if (!values['bicubic-only']) {
    try {
      engine = await openModel(values.model, provider);
    } catch (err) {
      if (!(err instanceof ModelError)) throw err;
      io.stderr.write(`liif eval: ${err.message}\n(--bicubic-only scores the baseline without a model)\n`);
      return 2;
    }
    io.stderr.write(
      `model ${engine.model.name} on ${engine.decision.provider} (${engine.decision.reason})\n`,
    );
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let run: EvalRun;
  try {
    run = await evaluateSets(engine, sets, scales, {
      limit,
      tileSide,
      lrPrecision: values['float-lr'] ? 'float' : 8,
      ...(degrade ? { degrade } : {}),
      signal: controller.signal,
      onEvent: (e) => io.stderr.write(`${progressLine(e)}\n`),
    });
  } finally {
    process.off('SIGINT', onSigint);
    await engine?.release();
  }
  io.stdout.write(`${table(run, engine !== undefined)}\n`);
  if (values.json) {
    const summary = {
      model: engine?.model.name ?? null,
      provider: engine?.decision.provider ?? null,
      data,
      protocol: {
        lr: 'antialiased bicubic (PIL) downsample of the top-left round(floor(side/s)*s) crop',
        lrPrecision: values['float-lr'] ? 'float' : 8,
        degrade: describeDegradation(degrade ?? CLEAN),
        bicubicBaseline: 'Matlab imresize bicubic upsampling of the same LR',
        metric: 'Y channel, shave = scale; SSIM 11x11 Gaussian sigma 1.5',
      },
      results: run.results.map((r) => ({
        set: r.set,
        scale: r.scale,
        images: r.images,
        model: jsonScores(r.model),
        bicubic: jsonScores(r.bicubic),
      })),
      failed: run.failed,
      seconds: (performance.now() - started) / 1000,
    };
    io.stdout.write(`${JSON.stringify(summary)}\n`);
  }
  return run.failed.length === 0 ? 0 : 1;
}
