/**
 * The renderer's API: what the preload exposes as `window.liif` (Electron) and what the HTTP test
 * transport implements in the browser. The renderer imports these types from here; there is no
 * hand-synced declaration file.
 */
import type {
  AddResult,
  AppEvent,
  AppSnapshot,
  FinetuneOverview,
  FinetuneStartRequest,
  ImageRef,
  ItemOverride,
  ModelInfo,
  PreviewRequest,
  PreviewResult,
  QueueSnapshot,
  ScanRequest,
  ScanSummary,
  Settings,
  SettingsPatch,
} from '../ipc/payloads.js';

export type * from '../ipc/payloads.js';

export interface LiifApi {
  /** 'electron': native dialogs and file paths; 'http': the browser test transport (uploads). */
  readonly transport: 'electron' | 'http';
  snapshot(): Promise<AppSnapshot>;
  /** Files and folders dropped on the window (or picked with a file input). */
  addDroppedFiles(files: readonly File[], recursive: boolean): Promise<AddResult>;
  /** Native dialogs; undefined where the transport has none (the renderer then uses a file input). */
  readonly openFiles?: () => Promise<AddResult>;
  readonly openFolder?: () => Promise<AddResult>;
  readonly chooseOutputFolder?: () => Promise<Settings>;
  readonly showInFolder?: (id: string) => Promise<void>;
  start(): Promise<QueueSnapshot>;
  pauseAfterCurrent(): Promise<QueueSnapshot>;
  cancel(id: string): Promise<QueueSnapshot>;
  cancelAll(): Promise<QueueSnapshot>;
  retryFailed(): Promise<QueueSnapshot>;
  /** Runs a finished photo again with its current settings (a changed setting alone does not). */
  redo(id: string): Promise<QueueSnapshot>;
  remove(id: string): Promise<QueueSnapshot>;
  clearFinished(): Promise<QueueSnapshot>;
  setOverride(id: string, override: ItemOverride | null): Promise<QueueSnapshot>;
  updateSettings(patch: SettingsPatch): Promise<Settings>;
  previewRegion(request: PreviewRequest): Promise<PreviewResult>;
  /** A folder dialog (the test transport answers with a folder the test registered); null: cancelled. */
  chooseFolder(): Promise<string | null>;
  finetuneOverview(): Promise<FinetuneOverview>;
  scanFolders(request: ScanRequest): Promise<ScanSummary>;
  startFinetune(request: FinetuneStartRequest): Promise<FinetuneOverview>;
  pauseFinetune(): Promise<FinetuneOverview>;
  resumeFinetune(name: string): Promise<FinetuneOverview>;
  cancelFinetune(name: string): Promise<FinetuneOverview>;
  renameModel(name: string, to: string): Promise<readonly ModelInfo[]>;
  deleteModel(name: string): Promise<readonly ModelInfo[]>;
  /** Copies the model into `folder`; returns the new model folder. */
  exportModel(name: string, folder: string): Promise<string>;
  importModel(folder: string): Promise<readonly ModelInfo[]>;
  /** A URL the page can load for an image the service registered. */
  imageUrl(image: ImageRef): string;
  /** Pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void;
}
