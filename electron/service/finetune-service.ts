/**
 * The app's fine-tuning handlers, without Electron: scan chosen folders, run one
 * fine-tune at a time in a worker thread (finetune-bridge), pause/resume/cancel it, offer
 * interrupted runs, and manage the user's models. Progress goes out as typed FinetuneUpdate events;
 * the status kept here is the same reducer's result the renderer builds from them.
 */

import { basename } from 'node:path';
import {
  discardRun,
  FinetuneError,
  type FinetuneEvent,
  type FinetuneJob,
  type FinetuneKnobs,
  type FinetuneResult,
  type HeldOutExample,
  listInterruptedRuns,
  listRunFolders,
  runFinetuneInWorker,
  scanFolders,
  summariseSkips,
} from '../core/finetune/index.js';
import { errorText } from '../core/image/image-errors.js';
import type { ProviderChoice } from '../core/infer/onnx-runtime.js';
import { resolveModel } from '../core/model/model-registry.js';
import {
  applyFinetuneUpdate,
  type FinetuneExample,
  type FinetuneOverview,
  type FinetuneStartRequest,
  type FinetuneStatus,
  type FinetuneUpdate,
  IDLE_FINETUNE,
  type ScanRequest,
  type ScanSummary,
} from '../shared/finetune-payloads.js';
import type { ChosenPaths } from './chosen-paths.js';
import {
  type FolderSelection,
  loadFolderSelection,
  NO_SELECTION,
  saveFolderSelection,
} from './folder-selection.js';
import type { ImageStore } from './image-store.js';
import type { ModelsChange } from './model-library-service.js';
import { ServiceError } from './service-error.js';

/** What changed in the model list, so the upscaling setting can follow a rename or a delete. */

export interface FinetuneServiceOptions {
  /** The user models folder: results, imports and the runs' work folders. */
  readonly modelsDir: string;
  readonly roots: readonly string[];
  readonly chosen: ChosenPaths;
  /** Where the fine-tune view's folder choice is remembered; not remembered when absent. */
  readonly selectionFile?: string;
  readonly provider: () => ProviderChoice;
  /** Serves the finished run's example pictures to the renderer. */
  readonly images: ImageStore;
  /** Where the finished run's example pictures are written (replaced by each run). */
  readonly exampleDir: string;
  /** Smaller training settings (tests); the engine's defaults otherwise. */
  readonly knobs?: Partial<FinetuneKnobs>;
  readonly emit: (update: FinetuneUpdate) => void;
  readonly modelsChanged: (change: ModelsChange) => Promise<void>;
  readonly runner?: typeof runFinetuneInWorker;
}

export class FinetuneService {
  private status: FinetuneStatus = IDLE_FINETUNE;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private cancelRequested = false;

  constructor(private readonly options: FinetuneServiceOptions) {}

  async overview(): Promise<FinetuneOverview> {
    const { runs, damaged } = await listRunFolders(this.options.modelsDir);
    return {
      status: this.status,
      selection: await this.rememberedSelection(),
      damaged,
      interrupted: runs
        .filter(({ run }) => !(this.busy && run.name === this.status.name))
        .map(({ run }) => ({
          name: run.name,
          baseName: run.baseName,
          mode: run.mode,
          images: run.trainFiles.length + run.holdoutFiles.length,
          step: run.progress?.step ?? 0,
          budget: run.budget,
          createdAt: run.createdAt,
        })),
    };
  }

  async scan(request: ScanRequest): Promise<ScanSummary> {
    this.checkChosen(request.folders);
    await this.rememberSelection(request);
    // No folders is the user clearing the list: remembered above, nothing to look at.
    if (request.folders.length === 0)
      return { ...request, usable: [], skipped: [], histogram: [], cropScales: [], totalCrops: [] };
    try {
      const report = await scanFolders(request.folders, {
        recursive: request.recursive,
        lrSize: this.options.knobs?.lrSize,
      });
      return {
        folders: report.folders,
        recursive: report.recursive,
        usable: report.usable,
        skipped: report.skipped,
        histogram: report.histogram.map(({ label, count }) => ({ label, count })),
        cropScales: report.cropScales,
        totalCrops: report.totalCrops,
        compression: report.compression,
      };
    } catch (error) {
      throw this.refusal(error);
    }
  }

  async start(request: FinetuneStartRequest): Promise<FinetuneOverview> {
    this.checkIdle();
    this.checkChosen(request.folders);
    const from = request.base ?? undefined;
    const baseName = await resolveModel(from, [...this.options.roots]).then(
      (dir) => dir.split(/[\\/]/).pop() ?? dir,
      (error: unknown) => {
        throw new ServiceError(errorText(error));
      },
    );
    this.launch(
      {
        kind: 'start',
        env: this.env(),
        request: {
          name: request.name,
          folders: request.folders,
          recursive: request.recursive,
          from,
          budget: request.budget,
          mode: request.mode,
          ...(this.options.knobs ? { knobs: this.options.knobs } : {}),
        },
      },
      {
        kind: 'started',
        name: request.name,
        baseName,
        mode: request.mode,
        totalSteps: request.budget.steps,
        resumed: false,
      },
    );
    return this.overview();
  }

  async resume({ name }: { name: string }): Promise<FinetuneOverview> {
    this.checkIdle();
    const run = (await listInterruptedRuns(this.options.modelsDir)).find((r) => r.run.name === name)?.run;
    if (!run) throw new ServiceError(`there is no interrupted fine-tuning run named "${name}"`);
    this.launch(
      { kind: 'resume', name, env: this.env() },
      {
        kind: 'started',
        name,
        baseName: run.baseName,
        mode: run.mode,
        totalSteps: run.budget.steps,
        resumed: true,
        ...(run.base ? { basePsnr: run.base.psnr } : {}),
      },
    );
    return this.overview();
  }

  /** Stops at the next step with a checkpoint; 'paused' follows once the worker has saved it. */
  pause(): Promise<FinetuneOverview> {
    if (this.status.state === 'running') {
      this.update({ kind: 'pausing' });
      this.controller?.abort();
    }
    return this.overview();
  }

  /** Stops the run (if it is this one) and forgets its checkpoint; the base model is untouched. */
  async cancel({ name }: { name: string }): Promise<FinetuneOverview> {
    if (this.busy && this.status.name === name) {
      this.cancelRequested = true;
      this.update({ kind: 'cancelling' });
      this.controller?.abort();
      await this.running;
    } else {
      await discardRun(this.options.modelsDir, name);
      if (this.status.name === name) this.update({ kind: 'cancelled', name });
    }
    return this.overview();
  }

  /** Pauses a running fine-tune (it checkpoints) and waits for it: the next start offers to resume. */
  async close(): Promise<void> {
    this.controller?.abort();
    await this.running;
  }

  /** A run is going (started, or stopping): the model library waits for it. */
  get training(): boolean {
    return this.busy;
  }

  private get busy(): boolean {
    return this.running !== undefined;
  }

  private env() {
    return {
      modelsDir: this.options.modelsDir,
      roots: this.options.roots,
      provider: this.options.provider(),
      exampleDir: this.options.exampleDir,
    };
  }

  private launch(job: FinetuneJob, started: FinetuneUpdate): void {
    const controller = new AbortController();
    this.controller = controller;
    this.cancelRequested = false;
    this.update(started);
    const runner = this.options.runner ?? runFinetuneInWorker;
    this.running = runner(job, { signal: controller.signal, onEvent: (e) => this.forward(e) })
      .then(
        (result) => this.finished(result),
        (error: unknown) => {
          const message =
            error instanceof FinetuneError && error.skipped.length > 0
              ? `${error.message} (skipped: ${summariseSkips(error.skipped)})`
              : errorText(error);
          this.update({ kind: 'error', message });
        },
      )
      .finally(() => {
        this.controller = undefined;
        this.running = undefined;
      });
  }

  private async finished(result: FinetuneResult): Promise<void> {
    if (result.status === 'paused') {
      if (this.cancelRequested) {
        await discardRun(this.options.modelsDir, result.name);
        this.update({ kind: 'cancelled', name: result.name });
      } else this.update({ kind: 'paused', name: result.name, step: result.step });
      return;
    }
    // The model list first: a renderer told 'done' may select the new model at once.
    await this.options.modelsChanged({ kind: 'added', name: result.name });
    this.update({
      kind: 'done',
      result: {
        name: result.name,
        baseName: result.baseName,
        steps: result.steps,
        seconds: result.seconds,
        selectedStep: result.selectedStep,
        basePsnr: result.base.psnr,
        tunedPsnr: result.tuned.psnr,
        photos: result.photos ?? null,
        example: result.example ? this.examplePayload(result.example) : null,
      },
    });
  }

  private examplePayload(example: HeldOutExample): FinetuneExample {
    const { images } = this.options;
    // Each run rewrites the same files: new ids, so the renderer cannot show a cached earlier run.
    for (const path of Object.values(example.images)) images.forget(path);
    return {
      photo: basename(example.photo),
      scale: example.scale,
      width: example.width,
      height: example.height,
      images: {
        original: images.ref(example.images.original),
        bicubic: images.ref(example.images.bicubic),
        base: images.ref(example.images.base),
        tuned: images.ref(example.images.tuned),
      },
      psnr: example.psnr,
    };
  }

  private forward(event: FinetuneEvent): void {
    if (event.kind === 'step')
      this.update({
        kind: 'step',
        step: event.step,
        loss: event.loss,
        stepsPerSecond: event.stepsPerSecond,
        ...(event.totalSteps !== undefined ? { totalSteps: event.totalSteps } : {}),
        ...(event.etaMs !== undefined ? { etaMs: event.etaMs } : {}),
      });
    else if (event.kind === 'validation')
      this.update({
        kind: 'validation',
        step: event.step,
        psnr: event.psnr,
        ...(event.step === 0 ? { basePsnr: event.psnr } : {}),
      });
  }

  private update(update: FinetuneUpdate): void {
    this.status = applyFinetuneUpdate(this.status, update);
    this.options.emit(update);
  }

  private checkIdle(): void {
    if (this.busy) throw new ServiceError('a fine-tuning run is already going: pause or cancel it first');
  }

  /**
   * The folders the user last scanned, if they still exist. They were chosen in a dialog or a drop
   * before a reload or restart, so they count as chosen again.
   */
  private async rememberedSelection(): Promise<FolderSelection> {
    if (!this.options.selectionFile) return NO_SELECTION;
    const selection = await loadFolderSelection(this.options.selectionFile);
    for (const folder of selection.folders) this.options.chosen.add(folder);
    return selection;
  }

  private async rememberSelection({ folders, recursive }: FolderSelection): Promise<void> {
    if (!this.options.selectionFile) return;
    // Losing the remembered list is an inconvenience, never a reason to refuse the scan.
    await saveFolderSelection(this.options.selectionFile, { folders, recursive }).catch(() => undefined);
  }

  private checkChosen(paths: readonly string[]): void {
    for (const path of paths)
      if (!this.options.chosen.covers(path)) throw new ServiceError(`${path} is not a folder you chose`);
  }

  private refusal(error: unknown): Error {
    if (error instanceof FinetuneError) {
      const skips = error.skipped.length > 0 ? ` (skipped: ${summariseSkips(error.skipped)})` : '';
      return new ServiceError(`${error.message}${skips}`);
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
