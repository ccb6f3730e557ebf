/**
 * The one module that touches ONNX Runtime: execution-provider choice, session creation, running,
 * reuse and release. Everything else in the app speaks in plain typed arrays.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';

import type { ProviderChoice, ProviderName } from '../../shared/vocabulary.js';

export type { ProviderChoice, ProviderName } from '../../shared/vocabulary.js';
export { PROVIDER_CHOICES } from '../../shared/vocabulary.js';

export interface ProviderAttempt {
  readonly provider: ProviderName;
  readonly ok: boolean;
  /** Why it was skipped or failed; empty when it was chosen. */
  readonly reason: string;
}

/** Which provider runs and why, for the status bar and the CLI's summary. */
export interface ProviderDecision {
  readonly provider: ProviderName;
  readonly reason: string;
  readonly attempts: readonly ProviderAttempt[];
}

export interface FloatTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** The `auto` order: fastest first, CPU always last. */
const AUTO_ORDER: readonly ProviderName[] = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'];

const requireFromHere = createRequire(import.meta.url);

/** Where onnxruntime-node keeps its native libraries for this platform. */
function ortBinaryDir(): string | undefined {
  const root = dirname(requireFromHere.resolve('onnxruntime-node/package.json'));
  const bin = join(root, 'bin');
  if (!existsSync(bin)) return undefined;
  for (const napi of readdirSync(bin)) {
    const dir = join(bin, napi, process.platform, process.arch);
    if (existsSync(dir)) return dir;
  }
  return undefined;
}

/**
 * On Linux a GPU shows up as a DRM render node (or NVIDIA's device files). Without one, WebGPU can
 * only run on a software Vulkan driver (lavapipe), which is far slower than the CPU provider, so
 * `auto` must not pick it; `--provider webgpu` still can.
 */
function linuxHasGpuDevice(): boolean {
  const dri = existsSync('/dev/dri') ? readdirSync('/dev/dri').some((f) => f.startsWith('renderD')) : false;
  return dri || existsSync('/dev/nvidia0');
}

/**
 * Said when WebGPU was forced on a Linux machine with no GPU device: it then runs on a software
 * Vulkan driver (lavapipe), measured here ~20x slower than the CPU provider. The status bar turns
 * this into an amber warning (renderer/src/lib/engine-words.ts matches "software adapter").
 */
function softwareAdapter(provider: ProviderName): string | undefined {
  if (provider !== 'webgpu' || process.platform !== 'linux' || linuxHasGpuDevice()) return undefined;
  return 'no GPU device found, so this is a software adapter, much slower than the CPU';
}

/** Static availability: is the provider built for this platform and are its binaries present? */
export function providerAvailability(
  provider: ProviderName,
  forAuto = false,
): { available: boolean; reason: string } {
  const bundled = new Map(ort.listSupportedBackends().map((b) => [b.name, b.bundled]));
  switch (provider) {
    case 'cpu':
      return { available: true, reason: '' };
    case 'cuda': {
      if (!bundled.has('cuda')) return { available: false, reason: 'CUDA is not built for this platform' };
      const dir = ortBinaryDir();
      const lib =
        process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
      if (!dir || !existsSync(join(dir, lib)))
        return { available: false, reason: 'CUDA not installed (run `npm run setup:cuda`)' };
      return { available: true, reason: '' };
    }
    case 'dml':
      return bundled.has('dml')
        ? { available: true, reason: '' }
        : { available: false, reason: 'DirectML exists only on Windows' };
    case 'coreml':
      return bundled.has('coreml')
        ? { available: true, reason: '' }
        : { available: false, reason: 'CoreML exists only on macOS' };
    case 'webgpu':
      if (!bundled.has('webgpu'))
        return { available: false, reason: 'WebGPU is not built for this platform' };
      if (forAuto && process.platform === 'linux' && !linuxHasGpuDevice())
        return {
          available: false,
          reason: 'no GPU device found (a software Vulkan driver would be slower than CPU)',
        };
      return { available: true, reason: '' };
  }
}

export interface SessionTuning {
  /**
   * Keep ORT's CPU memory arena (default on). Without it every run page-faults its buffers afresh:
   * measured here, a 1-megapixel upscale took 10x the CPU time. Memory stays bounded because the
   * tiler feeds every run the same shapes (fixed crop and chunk sizes), so the arena stops growing
   * after the first tile.
   */
  readonly arena?: boolean;
  /** ORT intra-op threads (default: cpuThreads() on the CPU provider, ORT's own choice otherwise). */
  readonly threads?: number;
}

/**
 * Intra-op threads for CPU sessions on Linux: one per physical core. Left to itself, ORT (1.30,
 * Node binding) ran single-threaded on this project's 2-core Linux machine: a training step took
 * 2.1-2.4 s with the default or 1 thread and 1.28-1.48 s with 2, a 340 x 340 x4 preview 2.04 s
 * against 1.26 s (tests/bench/cpu-threads.ts). Elsewhere ORT's own choice (its physical core count)
 * is kept: undefined.
 */
export function cpuThreads(
  platform: NodeJS.Platform = process.platform,
  cpuinfo: () => string = () => readFileSync('/proc/cpuinfo', 'utf8'),
): number | undefined {
  if (platform !== 'linux') return undefined;
  const logical = Math.max(1, availableParallelism());
  let physical = 0;
  try {
    physical = physicalCores(cpuinfo());
  } catch {
    // No /proc/cpuinfo (a sandbox): every core the process may use.
  }
  return physical > 0 ? Math.min(physical, logical) : logical;
}

/** Distinct (physical id, core id) pairs in /proc/cpuinfo; 0 when it does not say. */
export function physicalCores(cpuinfo: string): number {
  const cores = new Set<string>();
  for (const block of cpuinfo.split(/\n\s*\n/)) {
    const socket = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1] ?? '0';
    const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
    if (core !== undefined) cores.add(`${socket}:${core}`);
  }
  return cores.size;
}

/** This machine's cpuThreads(), read once: every session open (two per engine) would re-read /proc. */
let hostThreads: { readonly value: number | undefined } | undefined;
function sessionThreads(provider: ProviderName, threads: number | undefined): number | undefined {
  if (threads !== undefined || provider !== 'cpu') return threads;
  hostThreads ??= { value: cpuThreads() };
  return hostThreads.value;
}

function threadOptions(provider: ProviderName, threads: number | undefined) {
  const n = sessionThreads(provider, threads);
  return n === undefined ? {} : { intraOpNumThreads: n };
}

function sessionOptions(
  provider: ProviderName,
  tuning: SessionTuning = {},
): ort.InferenceSession.SessionOptions {
  const arena = tuning.arena ?? true;
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    enableCpuMemArena: arena,
    enableMemPattern: arena,
    ...threadOptions(provider, tuning.threads),
    // Errors only: ORT's warning about shape ops on the CPU is expected (see below).
    logSeverityLevel: 3,
    // ORT deliberately keeps tiny shape computations (Shape -> Gather -> Range on a few int64
    // scalars) on the CPU for every GPU provider, so CPU fallback cannot be disabled outright.
    // Whether the heavy ops land on the GPU is checked by the placement test
    // (tests/unit/core/infer/liif-engine.webgpu.test.ts); a provider that cannot run the model at
    // all fails session creation here and is passed over.
  };
}

/**
 * A GPU provider that opened the model but then failed to run it (device lost, out of GPU memory, a
 * kernel the driver rejects): not the photo's fault, so callers retry the job on the CPU provider.
 * CPU failures are not wrapped: there is nowhere to fall back to.
 */
export class ProviderRunError extends Error {
  constructor(
    readonly provider: ProviderName,
    cause: unknown,
  ) {
    super(`${provider} failed while running the model: ${firstLine(cause)}`, { cause });
    this.name = 'ProviderRunError';
  }
}

/**
 * Test seam: LIIF_FAULT_PROVIDER_RUN=<provider> makes every run on sessions of that provider fail
 * as a lost device would, after they opened normally. Read per run, so a test process can set it.
 */
function simulatedRunFault(provider: ProviderName): Error | undefined {
  if (provider === 'cpu' || process.env.LIIF_FAULT_PROVIDER_RUN !== provider) return undefined;
  return new Error('simulated device loss (LIIF_FAULT_PROVIDER_RUN)');
}

/** A loaded model on one provider. */
export class ModelSession {
  private released = false;

  constructor(
    private readonly session: ort.InferenceSession,
    readonly provider: ProviderName,
  ) {}

  /** The last run queued on this session (see run). */
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * Runs the model on float32 inputs and returns the named float32 outputs. Runs on one session
   * are queued rather than overlapped: in the app a region preview and an upscale share the
   * session, and queued per run they interleave chunk by chunk instead of fighting over the same
   * cores and arena.
   */
  run(feeds: Record<string, FloatTensor>, outputNames: readonly string[]): Promise<FloatTensor[]> {
    const result = this.tail.then(() => this.runNow(feeds, outputNames));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async runNow(
    feeds: Record<string, FloatTensor>,
    outputNames: readonly string[],
  ): Promise<FloatTensor[]> {
    if (this.released) throw new Error('session was released');
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor('float32', t.data, t.dims);
    let results: ort.InferenceSession.ReturnType;
    try {
      const fault = simulatedRunFault(this.provider);
      if (fault) throw fault;
      results = await this.session.run(ortFeeds, [...outputNames]);
    } catch (error) {
      throw this.provider === 'cpu' ? error : new ProviderRunError(this.provider, error);
    }
    return outputNames.map((name) => {
      const t = results[name];
      return { data: t.data as Float32Array, dims: t.dims };
    });
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}

/** Opens a model on one provider, without fallback. Throws with ORT's reason if it cannot. */
export async function openSession(
  model: string | Uint8Array,
  provider: ProviderName,
  tuning?: SessionTuning,
): Promise<ModelSession> {
  const options = sessionOptions(provider, tuning);
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model, options)
      : await ort.InferenceSession.create(model, options);
  return new ModelSession(session, provider);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 200);
}

/**
 * Opens every model on the first provider (in `auto` order, or the forced one) that can run all of
 * them, and reports the decision with the reason for each provider passed over. A forced provider
 * that cannot run falls back to CPU with the reason, rather than failing the user's job.
 */
export async function openSessions(
  models: readonly (string | Uint8Array)[],
  choice: ProviderChoice,
  tuning?: SessionTuning,
): Promise<{ sessions: ModelSession[]; decision: ProviderDecision }> {
  const order: ProviderName[] = choice === 'auto' ? [...AUTO_ORDER] : [choice, 'cpu'];
  const attempts: ProviderAttempt[] = [];
  for (const provider of [...new Set(order)]) {
    const availability = providerAvailability(provider, choice === 'auto');
    if (!availability.available) {
      attempts.push({ provider, ok: false, reason: availability.reason });
      continue;
    }
    const opened: ModelSession[] = [];
    try {
      for (const model of models) opened.push(await openSession(model, provider, tuning));
      attempts.push({ provider, ok: true, reason: '' });
      const passedOver = attempts.filter((a) => !a.ok);
      const threads = sessionThreads(provider, tuning?.threads);
      const on = threads === undefined ? '' : ` on ${threads} thread${threads === 1 ? '' : 's'}`;
      const software = softwareAdapter(provider);
      const reason =
        passedOver.length === 0
          ? choice === 'auto'
            ? `${provider} is the fastest available${on}`
            : `${provider} requested${on}${software ? `; ${software}` : ''}`
          : `${passedOver.map((a) => `${a.provider}: ${a.reason}`).join('; ')}; using ${provider}${on}`;
      return { sessions: opened, decision: { provider, reason, attempts } };
    } catch (error) {
      await Promise.all(opened.map((s) => s.release()));
      attempts.push({ provider, ok: false, reason: `cannot run this model: ${firstLine(error)}` });
    }
  }
  throw new Error(`no execution provider can run this model: ${attempts.map((a) => a.reason).join('; ')}`);
}
