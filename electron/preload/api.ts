/**
 * The renderer's API: what the preload exposes as `window.liif` (Electron) and what the HTTP test
 * transport implements in the browser. The renderer imports these types from here; there is no
 * hand-synced declaration file.
 */
import type {
  AddResult,
  AppEvent,
  AppSnapshot,
  ImageRef,
  ItemOverride,
  PreviewRequest,
  PreviewResult,
  QueueSnapshot,
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
  remove(id: string): Promise<QueueSnapshot>;
  clearFinished(): Promise<QueueSnapshot>;
  setOverride(id: string, override: ItemOverride | null): Promise<QueueSnapshot>;
  updateSettings(patch: SettingsPatch): Promise<Settings>;
  previewRegion(request: PreviewRequest): Promise<PreviewResult>;
  /** A URL the page can load for an image the service registered. */
  imageUrl(image: ImageRef): string;
  /** Pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void;
}
