/**
 * The worker thread that owns the model: opens it lazily on the configured provider, runs file
 * jobs and region previews, and reports tile progress. Abort messages interrupt a job between
 * tiles and row chunks. Runs the same under Node (tests, via tsx) and in the packaged app.
 */
import { stat } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { errorText } from '../core/image/image-errors.js';
import type { DecodedImage } from '../core/image/pixel-buffer.js';
import { readImage } from '../core/image/read-image.js';
import { writeImage } from '../core/image/write-image.js';
import { CodesCache } from '../core/infer/codes-cache.js';
import type { LiifEngine } from '../core/infer/liif-engine.js';
import { ProviderRunError } from '../core/infer/onnx-runtime.js';
import { openModel } from '../core/infer/open-model.js';
import { isAbortError } from '../core/infer/progress.js';
import { OutputFolders } from '../core/jobs/output-folder.js';
import { type UpscaleRun, upscaleFile } from '../core/jobs/upscale-file.js';
import { decoderKind } from '../core/model/architecture.js';
import { previewPixels } from './preview-pixels.js';
import type { EngineConfig, FromWorker, ToWorker, WorkerCalls, WorkerMethod } from './worker-protocol.js';

if (!parentPort) throw new Error('inference-worker must run in a worker thread');
const port = parentPort;
const post = (message: FromWorker) => port.postMessage(message);

/** One open model; released when replaced and no job uses it any more. */
interface OpenEngine {
  readonly key: string;
  /** Provider and model roots: an engine opened for others is stale. */
  readonly context: string;
  readonly engine: Promise<LiifEngine>;
  /** Region previews' encoder output on this engine, dropped with it. */
  readonly previewCodes: CodesCache;
  users: number;
  retired: boolean;
}

/**
 * Open models, most recently used last. Two stay open: with the default model a batch may
 * alternate between the clean and the photo model (core/jobs/input-kind.ts), and reopening a model
 * for every photo would cost more than the upscale of a small one.
 */
const open = new Map<string, OpenEngine>();
const KEEP_OPEN = 2;

/** Releases still in progress, which closing waits for. */
const releasing = new Set<Promise<void>>();

function releaseIfIdle(engine: OpenEngine): void {
  if (engine.retired && engine.users === 0) {
    engine.previewCodes.clear();
    const release = engine.engine.then((e) => e.release()).catch(() => undefined);
    releasing.add(release);
    void release.finally(() => releasing.delete(release));
  }
}

function retire(engine: OpenEngine): void {
  open.delete(engine.key);
  engine.retired = true;
  releaseIfIdle(engine);
}

/**
 * A GPU provider that failed in the middle of a job, for the engine config it failed under: every
 * later job of that config runs on the CPU (no second failure per photo, no flip-flopping), until
 * the user changes the engine setting, which changes the config.
 */
let providerFault: { readonly config: string; readonly reason: string } | undefined;

function faultFor(config: EngineConfig): string | undefined {
  // A job under another engine setting means the user changed it: the GPU gets another chance.
  if (providerFault && providerFault.config !== JSON.stringify([config.provider, config.roots]))
    providerFault = undefined;
  return providerFault?.reason;
}

/**
 * Runs `use` on the config's engine; if its GPU provider fails mid-job, marks the config as faulty
 * and runs `use` again on the CPU. Returns the result and, when it came from the CPU retry, why.
 */
async function withFallback<T>(
  config: EngineConfig,
  use: (engine: LiifEngine, previewCodes: CodesCache) => Promise<T>,
): Promise<{ result: T; fallback?: string }> {
  try {
    return { result: await withEngine(config, use) };
  } catch (error) {
    if (!(error instanceof ProviderRunError)) throw error;
    const reason = `${errorText(error)}; using the CPU until the engine setting changes`;
    providerFault = { config: JSON.stringify([config.provider, config.roots]), reason };
    return { result: await withEngine(config, use), fallback: reason };
  }
}

async function withEngine<T>(
  config: EngineConfig,
  use: (engine: LiifEngine, previewCodes: CodesCache) => Promise<T>,
): Promise<T> {
  const fault = faultFor(config);
  const provider = fault ? 'cpu' : config.provider;
  const context = JSON.stringify([provider, config.roots]);
  const key = JSON.stringify([config.model ?? null, context]);
  let engine = open.get(key);
  if (engine) {
    open.delete(key);
    open.set(key, engine);
  } else {
    // Another provider or model folder list makes every open model stale.
    for (const other of [...open.values()]) if (other.context !== context) retire(other);
    while (open.size >= KEEP_OPEN) retire(open.values().next().value as OpenEngine);
    const opening = openModel(config.model, provider, [...config.roots]);
    const created: OpenEngine = {
      key,
      context,
      engine: opening,
      previewCodes: new CodesCache(),
      users: 0,
      retired: false,
    };
    open.set(key, created);
    // A model that failed to open is tried again on the next call.
    opening.catch(() => {
      if (open.get(key) === created) open.delete(key);
    });
    engine = created;
  }
  const using = engine;
  using.users++;
  try {
    return await use(await using.engine, using.previewCodes);
  } finally {
    using.users--;
    releaseIfIdle(using);
  }
}

/** The last decoded sources, so moving the preview region does not decode the photo again. */
const decoded = new Map<string, { mtimeMs: number; image: Promise<DecodedImage> }>();
const DECODED_KEEP = 2;

/** The decoded image, and a name for its pixels (path and modification time) for the codes cache. */
async function decodeCached(
  path: string,
  signal: AbortSignal,
): Promise<{ image: DecodedImage; source: string }> {
  const { mtimeMs } = await stat(path);
  const source = `${path}\n${mtimeMs}`;
  const hit = decoded.get(path);
  if (hit && hit.mtimeMs === mtimeMs) {
    decoded.delete(path);
    decoded.set(path, hit);
    return { image: await hit.image, source };
  }
  const image = readImage(path, { signal });
  decoded.set(path, { mtimeMs, image });
  image.catch(() => decoded.delete(path));
  while (decoded.size > DECODED_KEEP) decoded.delete(decoded.keys().next().value as string);
  return { image: await image, source };
}

type Handler<M extends WorkerMethod> = (
  job: WorkerCalls[M]['job'],
  signal: AbortSignal,
  id: number,
) => Promise<WorkerCalls[M]['result']>;

/** The worker lives as long as the app: its output folders are swept and probed once per session. */
const session: UpscaleRun = { folders: new OutputFolders() };

const handlers: { [M in WorkerMethod]: Handler<M> } = {
  engine: (config) =>
    withEngine(config, async (engine) => ({
      model: engine.model.name,
      provider: engine.decision.provider,
      reason: faultFor(config) ?? engine.decision.reason,
    })),

  upscale: async ({ config, ...request }, signal, id) => {
    try {
      const { result, fallback } = await withFallback(config, (engine) =>
        upscaleFile(engine, request, {
          signal,
          run: session,
          onProgress: (progress) => post({ type: 'progress', id, progress }),
        }),
      );
      return fallback ? { ...result, providerFallback: fallback } : result;
    } catch (error) {
      // Only opening the model can throw here; upscaleFile turns its own failures into results.
      return {
        input: request.input,
        status: 'failed',
        seconds: 0,
        error: `the model could not be opened: ${errorText(error)}`,
        failure: { reason: 'the model could not be opened', detail: errorText(error) },
      };
    }
  },

  preview: async ({ config, ...job }, signal) => {
    const { result, fallback } = await withFallback(config, async (engine, cache) => {
      const { image, source } = await decodeCached(job.input, signal);
      const preview = await previewPixels(engine, image, job, { signal, codes: { cache, source } });
      await writeImage(preview.pixels, {}, job.out, {
        format: 'png',
        onConflict: 'overwrite',
        keepMetadata: false,
        signal,
      });
      return {
        path: job.out,
        region: preview.region,
        target: preview.target,
        usedModel: preview.usedModel,
        fastDecoder: decoderKind(engine.architecture) === 'lmf',
      };
    });
    return fallback ? { ...result, providerFallback: fallback } : result;
  },
};

const controllers = new Map<number, AbortController>();
/** Calls in progress, which closing waits for. */
const inFlight = new Set<Promise<void>>();

const debug =
  process.env.LIIF_DEBUG_WORKER === '1' ? (m: string) => process.stderr.write(`[worker] ${m}\n`) : () => {};

async function call(id: number, method: WorkerMethod, job: unknown): Promise<void> {
  debug(`call ${id} ${method}`);
  const controller = new AbortController();
  controllers.set(id, controller);
  try {
    // The bridge builds `job` from WorkerCalls[method]['job'] for this very method.
    const handler = handlers[method] as Handler<WorkerMethod>;
    const value = await handler(job as never, controller.signal, id);
    debug(`result ${id}`);
    post({ type: 'result', id, value });
  } catch (error) {
    debug(`error ${id} ${errorText(error)}`);
    post({
      type: 'error',
      id,
      message: errorText(error),
      aborted: controller.signal.aborted || isAbortError(error),
    });
  } finally {
    controllers.delete(id);
  }
}

/**
 * Stops for good without being terminated: aborts every call, waits until they have returned from
 * onnxruntime and sharp, releases the model, and lets the thread end. Terminating a worker while a
 * native call is in flight aborts the whole process ("terminate called after throwing an instance
 * of 'Napi::Error'"), which in the app would be a crash on quit.
 */
async function close(): Promise<void> {
  debug('close');
  for (const controller of controllers.values()) controller.abort();
  await Promise.allSettled([...inFlight]);
  for (const engine of [...open.values()]) {
    retire(engine);
  }
  await Promise.allSettled([...releasing]);
  decoded.clear();
  port.close();
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'abort') {
    debug(`abort ${message.id}`);
    controllers.get(message.id)?.abort();
  } else if (message.type === 'close') void close();
  else {
    const running = call(message.id, message.method, message.job);
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running));
  }
});
