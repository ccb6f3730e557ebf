/**
 * The app's handlers, without Electron: queue, settings, models, engine status, region preview,
 * thumbnails and the images the renderer may show. The IPC wrapper (electron/main) and the HTTP
 * test transport both call this one module. Inference runs in a worker thread via the bridge.
 */
import { mkdir, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type {
  AddPathsRequest,
  AddResult,
  AppEvent,
  AppSnapshot,
  EngineStatus,
  ItemOverride,
  ModelInfo,
  PreviewRequest,
  PreviewResult,
  QueueItem,
  QueueSnapshot,
  Settings,
  SettingsPatch,
  SizeChoice,
} from '../../ipc/payloads.js';
import { describeTarget, toSizeSpec } from '../../ipc/size-choice.js';
import type { FinetuneKnobs } from '../finetune/finetune-run.js';
import { errorText } from '../image/image-errors.js';
import { outputFileName } from '../image/output-name.js';
import { isAbortError } from '../infer/progress.js';
import { collectInputs } from '../jobs/collect-inputs.js';
import { listModels } from '../model/model-registry.js';
import { BatchQueue, type QueueEntry, type RunOutcome } from './batch-queue.js';
import { ChosenPaths } from './chosen-paths.js';
import { FinetuneService, type ModelsChange } from './finetune-service.js';
import { ImageStore } from './image-store.js';
import { InferenceBridge } from './inference-bridge.js';
import { jobRequest, templateWithExt } from './job-request.js';
import { probeEntries } from './probe-entries.js';
import { ServiceError } from './service-error.js';
import { SettingsStore } from './settings-store.js';
import { makeThumbnail } from './thumbnails.js';
import type { EngineConfig } from './worker-protocol.js';

export interface AppServiceOptions {
  /** Where settings.json and the caches (thumbnails, previews) live. */
  readonly dataDir: string;
  /** Model folders, in order (shipped models first). */
  readonly modelRoots: readonly string[];
  readonly bridge?: InferenceBridge;
  /** Where fine-tuned and imported models go (default: the last model root). */
  readonly userModelsDir?: string;
  /** Smaller fine-tuning settings (tests). */
  readonly finetuneKnobs?: Partial<FinetuneKnobs>;
}

export { ServiceError } from './service-error.js';

const PROGRESS_INTERVAL_MS = 100;
const PREVIEWS_KEPT = 6;

export class AppService {
  readonly chosen = new ChosenPaths();
  readonly images = new ImageStore();
  private readonly listeners = new Set<(event: AppEvent) => void>();
  private readonly queue: BatchQueue;
  readonly finetune: FinetuneService;
  private readonly thumbnails = new Map<string, string>();
  private readonly lastProgress = new Map<string, number>();
  private engine: EngineStatus = { state: 'idle' };
  private engineKey = '';
  private models: ModelInfo[] = [];
  private preview: AbortController | undefined;
  private snapshotVersion = 0;
  private readonly previewFiles: string[] = [];
  private nextId = 1;
  private queueEventTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly options: AppServiceOptions,
    private readonly store: SettingsStore,
    private readonly bridge: InferenceBridge,
  ) {
    this.queue = new BatchQueue({
      run: (entry, signal, onProgress) => this.runEntry(entry, signal, onProgress),
      changed: () => this.queueChanged(),
      progressed: (entry) => this.progressed(entry),
    });
    const roots = options.modelRoots;
    this.finetune = new FinetuneService({
      modelsDir: options.userModelsDir ?? roots[roots.length - 1] ?? join(options.dataDir, 'models'),
      roots,
      chosen: this.chosen,
      provider: () => this.settings.provider,
      ...(options.finetuneKnobs ? { knobs: options.finetuneKnobs } : {}),
      emit: (update) => this.emit({ kind: 'finetune', update }),
      modelsChanged: (change) => this.modelsChanged(change),
    });
  }

  static async create(options: AppServiceOptions): Promise<AppService> {
    const store = await SettingsStore.open(join(options.dataDir, 'settings.json'));
    return new AppService(options, store, options.bridge ?? new InferenceBridge());
  }

  get settings(): Settings {
    return this.store.current;
  }

  /** Subscribes to pushed events; returns the unsubscribe function. */
  on(listener: (event: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async snapshot(): Promise<AppSnapshot> {
    this.models = await this.listModelInfo();
    // The worker and the model start on the first snapshot, i.e. when a window shows up.
    if (this.engine.state === 'idle') this.loadEngine();
    return { settings: this.settings, queue: this.queueSnapshot(), engine: this.engine, models: this.models };
  }

  queueSnapshot(): QueueSnapshot {
    return {
      items: this.queue.entries.map((e) => this.toItem(e)),
      running: this.queue.running,
      pausing: this.queue.pausing,
      overall: this.queue.overall(),
      version: ++this.snapshotVersion,
    };
  }

  /** Adds files and folders the user chose; anything else is refused. */
  async addPaths(request: AddPathsRequest): Promise<AddResult> {
    const rejected: Array<{ path: string; reason: string }> = [];
    const allowed = request.paths.filter((p) => {
      if (this.chosen.covers(p)) return true;
      rejected.push({ path: p, reason: 'not a file or folder you chose' });
      return false;
    });
    const { files, missing } = await collectInputs(allowed, request.recursive);
    rejected.push(...missing.map((m) => ({ path: m.path, reason: m.error })));
    const queued = new Set(this.queue.entries.map((e) => e.path));
    const fresh = files.filter((f) => {
      if (!queued.has(f)) return true;
      rejected.push({ path: f, reason: 'already in the queue' });
      return false;
    });
    const entries = await this.probeAll(fresh);
    this.queue.add(entries);
    for (const entry of entries) void this.thumbnail(entry);
    return { added: entries.length, rejected };
  }

  start(): QueueSnapshot {
    this.queue.start();
    return this.queueSnapshot();
  }

  pauseAfterCurrent(): QueueSnapshot {
    this.queue.pauseAfterCurrent();
    return this.queueSnapshot();
  }

  cancel(id: string): QueueSnapshot {
    this.entry(id);
    this.queue.cancel(id);
    return this.queueSnapshot();
  }

  cancelAll(): QueueSnapshot {
    this.queue.cancelAll();
    return this.queueSnapshot();
  }

  retryFailed(): QueueSnapshot {
    this.queue.retryFailed();
    return this.queueSnapshot();
  }

  remove(id: string): QueueSnapshot {
    this.entry(id);
    this.queue.remove(id);
    return this.queueSnapshot();
  }

  clearFinished(): QueueSnapshot {
    this.queue.clearFinished();
    return this.queueSnapshot();
  }

  setOverride(id: string, override: ItemOverride | null): QueueSnapshot {
    this.entry(id);
    const empty = !override || (override.size === undefined && override.format === undefined);
    this.queue.setOverride(id, empty ? undefined : override);
    return this.queueSnapshot();
  }

  async updateSettings(patch: SettingsPatch): Promise<Settings> {
    const folder = patch.output?.folder;
    if (folder && folder !== this.settings.output.folder && !this.chosen.covers(folder))
      throw new ServiceError('choose the output folder with the folder dialog');
    if (patch.output?.template !== undefined) {
      try {
        outputFileName(templateWithExt(patch.output.template), {
          name: 'photo',
          width: 1,
          height: 1,
          ext: 'png',
        });
      } catch (error) {
        throw new ServiceError(errorText(error));
      }
    }
    if (patch.model) {
      const names = (await this.listModelInfo()).map((m) => m.name);
      if (!names.includes(patch.model)) throw new ServiceError(`there is no model named "${patch.model}"`);
    }
    const settings = await this.store.update(patch);
    this.emit({ kind: 'settings', settings });
    this.queueChanged();
    if (this.engine.state !== 'idle' && JSON.stringify(this.engineConfig()) !== this.engineKey)
      this.loadEngine();
    return settings;
  }

  /** Upscales only `region` of an item's target: the cheap preview LIIF allows. */
  async previewRegion(request: PreviewRequest): Promise<PreviewResult> {
    const entry = this.entry(request.id);
    if (!entry.size) throw new ServiceError(`${entry.name} cannot be read, so there is nothing to preview`);
    // A newer preview replaces an older one still running.
    this.preview?.abort();
    const controller = new AbortController();
    this.preview = controller;
    const dir = join(this.options.dataDir, 'cache', 'previews');
    await mkdir(dir, { recursive: true });
    const out = join(dir, `${entry.id}-${Date.now().toString(36)}-${this.nextId++}.png`);
    const started = performance.now();
    try {
      const outcome = await this.bridge.call(
        'preview',
        {
          config: this.engineConfig(),
          input: entry.path,
          size: toSizeSpec(this.sizeOf(entry), entry.size),
          region: request.region,
          coarse: request.coarse ?? 1,
          out,
        },
        { signal: controller.signal },
      );
      this.rememberPreview(out);
      return {
        image: this.images.ref(outcome.path),
        region: outcome.region,
        target: outcome.target,
        usedModel: outcome.usedModel,
        ms: Math.round(performance.now() - started),
        coarse: request.coarse ?? 1,
      };
    } catch (error) {
      if (isAbortError(error)) throw new ServiceError('a newer preview replaced this one');
      throw new ServiceError(`${entry.name}: the preview failed: ${errorText(error)}`);
    } finally {
      if (this.preview === controller) this.preview = undefined;
    }
  }

  /** The output file of a finished item (for "show in folder"). */
  outputOf(id: string): string | undefined {
    return this.entry(id).output?.path;
  }

  /** Resolves when the queue has stopped (tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** The model list, after a fine-tune or a library action (the upscaling setting follows). */
  async modelList(): Promise<readonly ModelInfo[]> {
    this.models = await this.listModelInfo();
    return this.models;
  }

  private async modelsChanged(change: ModelsChange): Promise<void> {
    const models = await this.modelList();
    this.emit({ kind: 'models', models });
    const current = this.settings.model;
    if (change.kind === 'renamed' && current === change.from) await this.updateSettings({ model: change.to });
    if (change.kind === 'deleted' && current === change.name) await this.updateSettings({ model: null });
  }

  async close(): Promise<void> {
    await this.finetune.close();
    this.queue.cancelAll();
    this.preview?.abort();
    await this.queue.idle();
    await this.bridge.close();
  }

  private entry(id: string): QueueEntry {
    const entry = this.queue.find(id);
    if (!entry) throw new ServiceError('that item is no longer in the queue');
    return entry;
  }

  private sizeOf(entry: QueueEntry): SizeChoice {
    return entry.override?.size ?? this.settings.size;
  }

  private engineConfig(): EngineConfig {
    return {
      model: this.settings.model ?? undefined,
      provider: this.settings.provider,
      roots: this.options.modelRoots,
    };
  }

  private toItem(entry: QueueEntry): QueueItem {
    const described = entry.size ? describeTarget(this.sizeOf(entry), entry.size) : undefined;
    const thumbnail = this.thumbnails.get(entry.id);
    return {
      id: entry.id,
      name: entry.name,
      path: entry.path,
      source: this.images.ref(entry.path),
      ...(thumbnail ? { thumbnail: this.images.ref(thumbnail) } : {}),
      ...(entry.size ? { size: entry.size } : {}),
      ...(described?.ok
        ? { target: { width: described.target.width, height: described.target.height } }
        : {}),
      ...(described && !described.ok ? { targetProblem: described.problem } : {}),
      state: entry.state,
      progress: entry.progress,
      ...(entry.etaMs !== undefined ? { etaMs: entry.etaMs } : {}),
      ...(entry.error ? { error: entry.error } : {}),
      ...(entry.output ? { output: { ...entry.output, image: this.images.ref(entry.output.path) } } : {}),
      ...(entry.seconds !== undefined ? { seconds: entry.seconds } : {}),
      ...(entry.override ? { override: entry.override } : {}),
    };
  }

  private probeAll(files: readonly string[]): Promise<QueueEntry[]> {
    return probeEntries(files, () => `item-${this.nextId++}`);
  }

  private async thumbnail(entry: QueueEntry): Promise<void> {
    if (!entry.size) return;
    const file = await makeThumbnail(entry.path, join(this.options.dataDir, 'cache', 'thumbnails'));
    if (!file) return;
    this.thumbnails.set(entry.id, file);
    this.queueChanged();
  }

  private async runEntry(
    entry: QueueEntry,
    signal: AbortSignal,
    onProgress: (fraction: number, etaMs?: number) => void,
  ): Promise<RunOutcome> {
    if (!entry.size) {
      // It could not be read when added; on a retry the file may have been fixed.
      const [probed] = await probeEntries([entry.path], () => entry.id);
      if (!probed.size) return { status: 'failed', error: probed.error, seconds: 0 };
      entry.size = probed.size;
    }
    const job = jobRequest(entry.path, entry.size, entry.override, this.settings);
    if (!job.ok) return { status: 'failed', error: `${entry.name}: ${job.problem}`, seconds: 0 };
    const request = job.request;
    try {
      const result = await this.bridge.call(
        'upscale',
        { ...request, config: this.engineConfig() },
        { signal, onProgress: (p) => onProgress(p.fraction, p.etaMs) },
      );
      const written =
        result.output && result.width && result.height
          ? { path: result.output, width: result.width, height: result.height }
          : undefined;
      return {
        status: result.status,
        seconds: result.seconds,
        ...(written ? { output: written } : {}),
        ...(result.error ? { error: result.error } : {}),
      };
    } catch (error) {
      if (signal.aborted) return { status: 'cancelled', seconds: 0 };
      return { status: 'failed', error: `${entry.name}: ${errorText(error)}`, seconds: 0 };
    }
  }

  private loadEngine(): void {
    const config = this.engineConfig();
    const key = JSON.stringify(config);
    this.engineKey = key;
    this.setEngine({ state: 'loading' });
    this.bridge.call('engine', config).then(
      (info) => {
        if (this.engineKey === key) this.setEngine({ state: 'ready', ...info });
      },
      (error: unknown) => {
        if (this.engineKey === key) this.setEngine({ state: 'error', error: errorText(error) });
      },
    );
  }

  private setEngine(engine: EngineStatus): void {
    this.engine = engine;
    this.emit({ kind: 'engine', engine });
  }

  private async listModelInfo(): Promise<ModelInfo[]> {
    const listings = await listModels([...this.options.modelRoots]);
    const userDir = this.options.userModelsDir ?? this.options.modelRoots.at(-1);
    const seen = new Set<string>();
    const models: ModelInfo[] = [];
    for (const m of listings) {
      if (seen.has(m.name)) continue;
      seen.add(m.name);
      models.push({
        name: m.name,
        ...(m.manifest?.displayName ? { displayName: m.manifest.displayName } : {}),
        ...(m.manifest?.description ? { description: m.manifest.description } : {}),
        ...(m.error ? { error: m.error } : {}),
        ...(userDir && resolve(dirname(m.dir)) === resolve(userDir) ? { user: true } : {}),
        ...heldOutScores(m.manifest?.scores),
      });
    }
    return models;
  }

  private rememberPreview(path: string): void {
    this.previewFiles.push(path);
    while (this.previewFiles.length > PREVIEWS_KEPT) {
      const old = this.previewFiles.shift()!;
      this.images.forget(old);
      void unlink(old).catch(() => undefined);
    }
  }

  private emit(event: AppEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Coalesces bursts (thumbnails arriving, many files added) into one queue event. */
  private queueChanged(): void {
    if (this.queueEventTimer) return;
    this.queueEventTimer = setTimeout(() => {
      this.queueEventTimer = undefined;
      this.emit({ kind: 'queue', queue: this.queueSnapshot() });
    }, 15);
  }

  private progressed(entry: QueueEntry): void {
    const now = performance.now();
    if (now - (this.lastProgress.get(entry.id) ?? 0) < PROGRESS_INTERVAL_MS && entry.progress < 1) return;
    this.lastProgress.set(entry.id, now);
    this.emit({
      kind: 'progress',
      id: entry.id,
      progress: entry.progress,
      ...(entry.etaMs !== undefined ? { etaMs: entry.etaMs } : {}),
      overall: this.queue.overall(now),
    });
  }
}

/** Before/after held-out PSNR from a fine-tuned model's card (finetune.ts writes scores.heldOut). */
function heldOutScores(scores: Record<string, unknown> | undefined): Pick<ModelInfo, 'heldOut'> {
  const heldOut = scores?.heldOut as { basePsnr?: unknown; tunedPsnr?: unknown } | undefined;
  if (typeof heldOut?.basePsnr !== 'number' || typeof heldOut.tunedPsnr !== 'number') return {};
  return { heldOut: { basePsnr: heldOut.basePsnr, tunedPsnr: heldOut.tunedPsnr } };
}
