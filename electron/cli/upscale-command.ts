import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { errorText } from '../core/image/image-errors.js';
import { checkNameTemplate, OUTPUT_FORMATS, type OutputFormat } from '../core/image/output-name.js';
import type { ConflictPolicy } from '../core/image/write-image.js';
import type { LiifEngine } from '../core/infer/liif-engine.js';
import { type ProviderChoice, ProviderRunError } from '../core/infer/onnx-runtime.js';
import { openModel } from '../core/infer/open-model.js';
import { collectInputs } from '../core/jobs/collect-inputs.js';
import {
  describeInputKind,
  INPUT_CHOICES,
  type InputChoice,
  inputKind,
  PHOTO_MODEL_NAME,
} from '../core/jobs/input-kind.js';
import { OutputFolders } from '../core/jobs/output-folder.js';
import { type UpscaleFileResult, upscaleFile } from '../core/jobs/upscale-file.js';
import { defaultModelRoots, listModels } from '../core/model/model-registry.js';
import { intInRange, oneOf, providerArg } from './arg-parsers.js';
import { ProgressBar } from './progress-bar.js';
import { sizeSpecFromArgs, UsageError } from './size-args.js';
import { terminalSafe } from './terminal-safe.js';

export const UPSCALE_HELP = `Usage: liif upscale <files or folders...> [options]

Size (one of; default --scale 4):
  --scale S              uniform scale, any real number (e.g. 2.37)
  --width W              width in pixels, height follows the aspect ratio
  --height H             height in pixels, width follows the aspect ratio
  --width W --height H   exact size (the aspect ratio may change)
  --size WxH [--fit contain|cover]  fit inside the box, or cover it and crop the overflow
Output:
  -o, --out DIR          output folder (default: "upscaled" beside each input)
  --format F             png | jpeg | webp | avif | tiff (default: the input's format)
  --quality Q            1-100 for lossy formats (default 92)
  --name TEMPLATE        file name template (default "{name}_{width}x{height}.{ext}")
  --on-conflict P        rename | skip | overwrite (default rename)
  --strip-metadata       do not copy EXIF and ICC profile
Engine:
  --model NAME|DIR       model name from \`liif models\` or a model folder (then used for every input)
  --input K              auto | clean | compressed (default auto): without --model, each photo gets
                         the model that fits it; a JPEG below quality 95 or a lossy WebP/HEIC/AVIF
                         goes to the photo model, which removes compression artefacts
  --provider P           auto | cpu | webgpu | cuda | dml | coreml (default auto)
  --tile PX              output tile side in pixels (default: from the memory budget)
  --memory MB            memory budget for inference (default 1536)
Other:
  -r, --recursive        include subfolders of folder inputs
  --json                 print one JSON summary object as the last line of stdout
`;

export async function upscaleCommand(
  argv: string[],
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      scale: { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      size: { type: 'string' },
      fit: { type: 'string' },
      format: { type: 'string' },
      quality: { type: 'string' },
      name: { type: 'string' },
      'on-conflict': { type: 'string' },
      'strip-metadata': { type: 'boolean' },
      model: { type: 'string' },
      input: { type: 'string' },
      provider: { type: 'string' },
      tile: { type: 'string' },
      memory: { type: 'string' },
      recursive: { type: 'boolean', short: 'r' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(UPSCALE_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('no input files or folders given');
  const size = sizeSpecFromArgs(values);
  const format = oneOf<OutputFormat>(
    values.format === 'jpg' ? 'jpeg' : values.format,
    OUTPUT_FORMATS,
    '--format',
  );
  const onConflict = oneOf<ConflictPolicy>(
    values['on-conflict'],
    ['rename', 'skip', 'overwrite'],
    '--on-conflict',
  );
  const provider = providerArg(values.provider, 'auto');
  const inputChoice = oneOf<InputChoice>(values.input, INPUT_CHOICES, '--input') ?? 'auto';
  if (values.model !== undefined && values.input !== undefined)
    throw new UsageError(
      '--input chooses between the shipped models; with --model every input uses that model',
    );
  const quality = intInRange(values.quality, '--quality', 1, 100);
  const tileSide = intInRange(values.tile, '--tile', 16, 16384);
  const memoryBudgetMB = intInRange(values.memory, '--memory', 64, 1 << 20);
  if (values.name !== undefined) {
    try {
      checkNameTemplate(values.name);
    } catch (error) {
      throw new UsageError(`--name: ${(error as Error).message}`);
    }
  }
  const json = values.json === true;
  const log = (line: string) => (json ? io.stderr : io.stdout).write(`${line}\n`);

  const run = { folders: new OutputFolders() };
  const { files, missing } = await collectInputs(positionals, values.recursive === true);
  const results: CliResult[] = missing.map((m) => ({
    input: m.path,
    status: 'failed' as const,
    seconds: 0,
    error: `${m.path}: ${m.error}`,
  }));
  // Said in text mode too: a missing input used to show only in --json, and alone it printed nothing.
  for (const m of missing) io.stderr.write(`liif upscale: ${terminalSafe(m.path)}: ${m.error}\n`);
  if (files.length === 0 && missing.length === 0) log('no images found in the given folders');

  const engines = new ModelChoice(values.model, provider, log);
  // Opened before the loop so a missing or broken model is a usage error before any work.
  const engine = files.length > 0 ? await engines.forKind('clean') : undefined;
  const bar = new ProgressBar(io.stderr);
  const controller = new AbortController();
  // SIGTERM (a closed terminal, `kill`, a service manager) stops like Ctrl-C: the file being
  // written is abandoned and its temp file removed, rather than left behind by a hard exit.
  const onSignal = () => controller.abort();
  for (const signal of STOP_SIGNALS) process.once(signal, onSignal);
  try {
    for (const [i, input] of files.entries()) {
      if (!engine) break;
      const label = `[${i + 1}/${files.length}]`;
      const kind =
        values.model === undefined ? await inputKind(input, inputChoice).catch(() => undefined) : undefined;
      let chosen = await engines.forKind(kind?.kind ?? 'clean');
      const upscaleOn = (on: LiifEngine) =>
        upscaleFile(
          on,
          {
            input,
            size,
            output: {
              dir: values.out ? resolve(values.out) : undefined,
              template: values.name,
              format,
              quality,
              onConflict,
              keepMetadata: values['strip-metadata'] !== true,
            },
            tileSide,
            memoryBudgetMB,
            sources: files,
          },
          { signal: controller.signal, onProgress: (e) => bar.update(label, e), run },
        );
      let fileResult: UpscaleFileResult;
      try {
        fileResult = await upscaleOn(chosen);
      } catch (error) {
        // A GPU that opened the model but failed on it: this photo again, and the rest, on the CPU.
        if (!(error instanceof ProviderRunError)) throw error;
        bar.clear();
        const why = `${errorText(error)}; redoing it and the rest on the CPU`;
        log(`${label} ${terminalSafe(input)}: ${why}`);
        await engines.fallBackToCpu(errorText(error));
        chosen = await engines.forKind(kind?.kind ?? 'clean');
        fileResult = { ...(await upscaleOn(chosen)), providerFallback: why };
      }
      bar.clear();
      const result: CliResult = {
        ...fileResult,
        model: chosen.model.name,
        ...(kind ? { inputKind: describeInputKind(kind, chosen.model.name === PHOTO_MODEL_NAME) } : {}),
      };
      results.push(result);
      log(resultLine(label, result));
      if (result.status === 'cancelled') {
        // The inputs not reached are listed too, so a --json summary accounts for every input.
        for (const rest of files.slice(i + 1))
          results.push({
            input: rest,
            status: 'cancelled',
            seconds: 0,
            error: 'cancelled before it started',
          });
        break;
      }
    }
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    await engines.release();
  }
  const failed = results.filter((r) => r.status === 'failed' || r.status === 'cancelled').length;
  if (json) {
    const summary = {
      ok: failed === 0,
      model: engine?.model.name,
      provider: engines.fellBack ? 'cpu' : engine?.decision.provider,
      providerReason: engines.fellBack ?? engine?.decision.reason,
      results,
    };
    io.stdout.write(`${JSON.stringify(summary)}\n`);
  }
  return failed === 0 ? 0 : 1;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** A file's result with the model that upscaled it and, when chosen per input, why. */
type CliResult = UpscaleFileResult & { readonly model?: string; readonly inputKind?: string };

/**
 * The clean model (the one named by --model, or the default) and, for compressed inputs, the
 * photo model when it is installed; each opened on first use and said once.
 */
class ModelChoice {
  private readonly opened = new Map<string, Promise<LiifEngine | undefined>>();
  /** Why the CPU took over from the provider asked for, once it has. */
  fellBack: string | undefined;

  constructor(
    private readonly named: string | undefined,
    private provider: ProviderChoice,
    private readonly log: (line: string) => void,
  ) {}

  /** Releases the engines opened so far and opens every later one on the CPU. */
  async fallBackToCpu(why: string): Promise<void> {
    this.fellBack = `${why}; the CPU did the rest`;
    await this.release();
    this.opened.clear();
    this.provider = 'cpu';
  }

  async forKind(kind: 'clean' | 'compressed'): Promise<LiifEngine> {
    const clean = await this.open(this.named, true);
    if (kind === 'clean' || this.named !== undefined) return clean!;
    return (await this.open(PHOTO_MODEL_NAME, false)) ?? clean!;
  }

  private open(name: string | undefined, required: boolean): Promise<LiifEngine | undefined> {
    const key = name ?? '';
    let engine = this.opened.get(key);
    if (!engine) {
      engine = (async () => {
        if (!required && !(await modelInstalled(name!))) return undefined;
        const opened = await openModel(name, this.provider);
        this.log(`model ${opened.model.name} on ${opened.decision.provider} (${opened.decision.reason})`);
        return opened;
      })();
      this.opened.set(key, engine);
    }
    return engine;
  }

  async release(): Promise<void> {
    for (const engine of this.opened.values()) await (await engine.catch(() => undefined))?.release();
  }
}

async function modelInstalled(name: string): Promise<boolean> {
  return (await listModels(defaultModelRoots())).some((m) => m.name === name && !m.error);
}

function resultLine(label: string, r: CliResult): string {
  const input = terminalSafe(r.input);
  switch (r.status) {
    case 'done': {
      const notes = [
        r.inputKind,
        r.providerFallback ? 'redone on the CPU after the GPU failed' : undefined,
        ...(r.notices ?? []).map((n) => `note: ${n}`),
      ]
        .filter((n) => n !== undefined)
        .map((n) => `; ${n}`)
        .join('');
      return `${label} ${input} -> ${terminalSafe(r.output ?? '')} (${r.width}x${r.height}, ${r.seconds.toFixed(1)}s${notes})`;
    }
    case 'skipped':
      return `${label} ${input}: skipped, ${terminalSafe(r.output ?? '')} exists`;
    case 'cancelled':
      return `${label} ${input}: cancelled`;
    case 'failed':
      return `${label} failed: ${terminalSafe(r.error ?? '')}`;
  }
}
