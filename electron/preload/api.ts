/**
 * The renderer's API: what the preload exposes as `window.liif` (Electron) and what the HTTP test
 * transport implements in the browser. The renderer imports these types from here; there is no
 * hand-synced declaration file.
 */
import type { AddResult, AppEvent, ImageRef } from '../ipc/payloads.js';
import type { NativeMethods, ServiceMethods } from '../shared/service-methods.js';

export type * from '../ipc/payloads.js';

/**
 * Every service channel's method (named, typed and documented by its CHANNEL_TABLE row:
 * snapshot, start, cancel(id), previewRegion(request), renameModel(name, to), ...), the native
 * dialogs where the transport has them, and what each transport adds itself.
 */
export interface LiifApi extends ServiceMethods, Partial<Omit<NativeMethods, 'chooseFolder'>> {
  /** 'electron': native dialogs and file paths; 'http': the browser test transport (uploads). */
  readonly transport: 'electron' | 'http';
  /** Files and folders dropped on the window (or picked with a file input). */
  addDroppedFiles(files: readonly File[], recursive: boolean): Promise<AddResult>;
  /** A folder dialog (the test transport answers with a folder the test registered); null: cancelled. */
  chooseFolder(): Promise<string | null>;
  /** A URL the page can load for an image the service registered. */
  imageUrl(image: ImageRef): string;
  /** Pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void;
}
