/**
 * The app's handlers, without Electron: queue, settings, models, engine status, region preview,
 * thumbnails and the images the renderer may show. The IPC wrapper (electron/main) and the HTTP
 * test transport both call this one module. Inference runs in a worker thread via the bridge.
 */
import { join } from 'node:path';
import type { FinetuneKnobs } from '../core/finetune/finetune-run.js';
import { errorText, type FailureParts, failureParts } from '../core/image/image-errors.js';
import { collectInputs } from '../core/jobs/collect-inputs.js';
import { describeInputKind, type InputKind, inputKind, PHOTO_MODEL_NAME } from '../core/jobs/input-kind.js';
import type {
  AddPathsRequest,
  AddResult,
  AppEvent,
  AppSnapshot,
  ItemOverride,
  ModelInfo,
  PixelSize,
  PreviewRequest,
  PreviewResult,
  QueueItem,
  QueueSnapshot,
  Settings,
  SettingsPatch,
  SizeChoice,
} from '../ipc/payloads.js';
import { templateExample } from '../shared/name-template.js';
import { describeTarget, toSizeSpec, warningText } from '../shared/size-choice.js';
import { BatchQueue, type QueueEntry, type RunOutcome } from './batch-queue.js';
import { ChosenPaths } from './chosen-paths.js';
import { EngineStatusTracker } from './engine-status.js';
import { FinetuneService } from './finetune-service.js';
import { ImageStore } from './image-store.js';
import { InferenceBridge } from './inference-bridge.js';
import { jobRequest, targetWarning } from './job-request.js';
import { listModelInfo } from './model-info.js';
import { ModelLibraryService, type ModelsChange } from './model-library-service.js';
import { probeEntries } from './probe-entries.js';
import { RegionPreviews } from './region-previews.js';
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

export class AppService {
  readonly chosen = new ChosenPaths();
  readonly images = new ImageStore();
  private readonly listeners = new Set<(event: AppEvent) => void>();
  private readonly queue: BatchQueue;
  readonly finetune: FinetuneService;
  /** Renaming, deleting, exporting and importing models. */
  readonly library: ModelLibraryService;
  private readonly thumbnails = new Map<string, string>();
  private readonly lastProgress = new Map<string, number>();
  private readonly engine: EngineStatusTracker;
  private models: ModelInfo[] = [];
  /** What each photo's header says (core/jobs/input-kind.ts), read once per path. */
  private readonly headerKinds = new Map<string, Promise<InputKind | undefined>>();
  private readonly previews: RegionPreviews;
  private snapshotVersion = 0;
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
    this.engine = new EngineStatusTracker(bridge, (engine) => this.emit({ kind: 'engine', engine }));
    this.previews = new RegionPreviews(bridge, this.images, join(options.dataDir, 'cache', 'previews'), () =>
      this.engine.refresh(this.engineConfig()),
    );
    const roots = options.modelRoots;
    const modelsDir = options.userModelsDir ?? roots[roots.length - 1] ?? join(options.dataDir, 'models');
    this.finetune = new FinetuneService({
      modelsDir,
      roots,
      chosen: this.chosen,
      selectionFile: join(options.dataDir, 'finetune-folders.json'),
      provider: () => this.settings.provider,
      images: this.images,
      exampleDir: join(options.dataDir, 'cache', 'finetune-example'),
      ...(options.finetuneKnobs ? { knobs: options.finetuneKnobs } : {}),
      emit: (update) => this.emit({ kind: 'finetune', update }),
      modelsChanged: (change) => this.modelsChanged(change),
    });
    this.library = new ModelLibraryService({
      modelsDir,
      roots,
      chosen: this.chosen,
      training: () => this.finetune.training,
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

  /**
   * Starts the worker and opens the model, once: the window asks for it when it shows up (the
   * Snapshot channel), so the app does not spend seconds opening a model no window will use.
   */
  startEngine(): void {
    this.engine.start(this.engineConfig());
  }

  /** The app's state for a window; reading it changes nothing. */
  async snapshot(): Promise<AppSnapshot> {
    this.models = await this.listModelInfo();
    return {
      settings: this.settings,
      queue: this.queueSnapshot(),
      engine: this.engine.current,
      models: this.models,
    };
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
    const refused: Array<{ path: string; reason: string }> = [];
    const allowed = request.paths.filter((p) => {
      if (this.chosen.covers(p)) return true;
      refused.push({ path: p, reason: 'not a file or folder you chose' });
      return false;
    });
    const { result } = await this.enqueue(allowed, request.recursive);
    return { ...result, rejected: [...refused, ...result.rejected] };
  }

  /**
   * Adds paths the user handed over in a native dialog or by a drop (read by the preload with
   * webUtils, so a page script cannot make them up). Only a path the queue accepted something from
   * becomes a chosen path: a dropped text file or a missing path grants nothing.
   */
  async addUserPaths(request: AddPathsRequest): Promise<AddResult> {
    let added = 0;
    const rejected: AddResult['rejected'][number][] = [];
    // One path at a time, so a photo is credited to the path it was found under: a dropped '/'
    // beside a dropped photo must not become chosen because the photo lies somewhere below it.
    for (const path of request.paths) {
      const { result, accepted } = await this.enqueue([path], request.recursive);
      if (accepted.length > 0) this.chosen.add(path);
      added += result.added;
      rejected.push(...result.rejected);
    }
    return { added, rejected };
  }

  /** Queues the images found under `paths`; `accepted` are the files queued now or before. */
  private async enqueue(
    paths: readonly string[],
    recursive: boolean,
  ): Promise<{ result: AddResult; accepted: string[] }> {
    const rejected: Array<{ path: string; reason: string }> = [];
    const { files, missing } = await collectInputs(paths, recursive);
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
    const accepted = [...entries.map((e) => e.path), ...files.filter((f) => queued.has(f))];
    return { result: { added: entries.length, rejected }, accepted };
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

  /** Queues a finished photo again, with today's settings; the queue's Start runs it. */
  redo(id: string): QueueSnapshot {
    this.entry(id);
    this.queue.redo(id);
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
      const example = templateExample(patch.output.template, {
        name: 'photo',
        width: 1,
        height: 1,
        ext: 'png',
      });
      if (!example.ok) throw new ServiceError(example.problem);
    }
    if (patch.model) {
      const names = (await this.listModelInfo()).map((m) => m.name);
      if (!names.includes(patch.model)) throw new ServiceError(`there is no model named "${patch.model}"`);
    }
    const settings = await this.store.update(patch);
    this.emit({ kind: 'settings', settings });
    this.queueChanged();
    this.engine.follow(this.engineConfig());
    return settings;
  }

  /** Upscales only `region` of an item's target: the cheap preview LIIF allows. */
  async previewRegion(request: PreviewRequest): Promise<PreviewResult> {
    const entry = this.entry(request.id);
    if (!entry.size) throw new ServiceError(`${entry.name} cannot be read, so there is nothing to preview`);
    const size = toSizeSpec(this.sizeOf(entry), entry.size);
    return this.previews.render(
      { id: entry.id, name: entry.name, input: entry.path, size },
      request,
      (await this.engineFor(entry)).config,
    );
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
    this.previews.abort();
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

  /**
   * The engine for one photo: with the default model, a compressed photo gets the photo model
   * when it is installed (core/jobs/input-kind.ts); a chosen model serves every photo.
   */
  private async engineFor(entry: QueueEntry): Promise<{ config: EngineConfig; inputKind?: string }> {
    const config = this.engineConfig();
    if (this.settings.model !== null) return { config };
    const kind = await this.inputKindOf(entry.path);
    if (!kind) return { config };
    const photo =
      kind.kind === 'compressed' &&
      (await this.listModelInfo()).some((m) => m.name === PHOTO_MODEL_NAME && m.error === undefined);
    return {
      config: photo ? { ...config, model: PHOTO_MODEL_NAME } : config,
      inputKind: describeInputKind(kind, photo),
    };
  }

  /**
   * The photo's kind under the current Photos setting. The header is read once per file, not on
   * every region preview of it (each move of the preview asks for an engine).
   */
  private async inputKindOf(path: string): Promise<InputKind | undefined> {
    if (this.settings.input !== 'auto') return inputKind(path, this.settings.input);
    let found = this.headerKinds.get(path);
    if (!found) {
      found = inputKind(path).catch(() => undefined);
      this.headerKinds.set(path, found);
    }
    return found;
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
    // The format's limit first (the upscale would fail); else the scale's (it would be soft).
    const warning = described?.ok
      ? (targetWarning(entry.path, described.target, entry.override, this.settings) ??
        warningText(described.target.warning, described.target.scale))
      : undefined;
    return {
      id: entry.id,
      name: entry.name,
      path: entry.path,
      source: this.images.ref(entry.path),
      ...(thumbnail ? { thumbnail: this.images.ref(thumbnail) } : {}),
      ...(entry.size ? { size: entry.size } : {}),
      ...targetFields(entry.output, described?.ok ? described.target : undefined),
      ...(warning ? { targetWarning: warning } : {}),
      ...(described && !described.ok ? { targetProblem: described.problem } : {}),
      state: entry.state,
      progress: entry.progress,
      ...(entry.etaMs !== undefined ? { etaMs: entry.etaMs } : {}),
      ...(entry.error ? { error: entry.error } : {}),
      ...(entry.failure ? { failure: entry.failure } : {}),
      ...(entry.output ? { output: { ...entry.output, image: this.images.ref(entry.output.path) } } : {}),
      ...(entry.seconds !== undefined ? { seconds: entry.seconds } : {}),
      ...(entry.notices?.length ? { notices: entry.notices } : {}),
      ...(entry.inputKind ? { inputKind: entry.inputKind } : {}),
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
      if (!probed.size) return failed(probed.error, probed.failure);
      entry.size = probed.size;
    }
    const job = jobRequest(entry.path, entry.size, entry.override, this.settings);
    if (!job.ok) return failed(`${entry.name}: ${job.problem}`, { reason: job.problem });
    // 'Overwrite' must not replace any photo still in the queue, not only this one.
    const request = { ...job.request, sources: this.queue.entries.map((e) => e.path) };
    const engine = await this.engineFor(entry);
    try {
      const result = await this.bridge.call(
        'upscale',
        { ...request, config: engine.config },
        { signal, onProgress: (p) => onProgress(p.fraction, p.etaMs) },
      );
      if (result.providerFallback) this.engine.refresh(this.engineConfig());
      const notices = [
        ...(result.providerFallback
          ? [
              `the graphics card failed during this photo, so it was redone on the processor (CPU): ${result.providerFallback}`,
            ]
          : []),
        ...(result.notices ?? []),
      ];
      const written =
        result.output && result.width && result.height
          ? { path: result.output, width: result.width, height: result.height }
          : undefined;
      return {
        status: result.status,
        seconds: result.seconds,
        ...(written ? { output: written } : {}),
        ...(notices.length > 0 ? { notices } : {}),
        ...(engine.inputKind && result.status === 'done' ? { inputKind: engine.inputKind } : {}),
        ...(result.error ? { error: result.error } : {}),
        ...(result.failure ? { failure: result.failure } : {}),
      };
    } catch (error) {
      if (signal.aborted) return { status: 'cancelled', seconds: 0 };
      return failed(`${entry.name}: ${errorText(error)}`, failureParts(error));
    }
  }

  private listModelInfo(): Promise<ModelInfo[]> {
    const roots = this.options.modelRoots;
    return listModelInfo(roots, this.options.userModelsDir ?? roots.at(-1));
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

/** A queue item's failure outside the worker's own result: the message naming the file, its parts. */
function failed(error: string | undefined, failure: FailureParts | undefined): RunOutcome {
  return { status: 'failed', seconds: 0, ...(error ? { error } : {}), ...(failure ? { failure } : {}) };
}

/**
 * A finished photo shows the size it was saved at; a setting changed since shows apart, as what it
 * would now give (the photo is not redone by changing a setting).
 */
function targetFields(
  saved: PixelSize | undefined,
  now: PixelSize | undefined,
): { target?: PixelSize; targetNow?: PixelSize } {
  const size = (p: PixelSize) => ({ width: p.width, height: p.height });
  if (!saved) return now ? { target: size(now) } : {};
  const differs = now && (now.width !== saved.width || now.height !== saved.height);
  return { target: size(saved), ...(differs ? { targetNow: size(now) } : {}) };
}
