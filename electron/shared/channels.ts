/**
 * Every IPC channel between the renderer and the main process, in one place (electron/fiddle's
 * `ipc-events.ts`). The main-side wrapper registers handlers only for INVOKE_CHANNELS and drops
 * anything else; the preload forwards only EVENT_CHANNELS.
 */
export enum Channel {
  Snapshot = 'app:snapshot',
  AddPaths = 'queue:add-paths',
  Start = 'queue:start',
  Pause = 'queue:pause-after-current',
  Cancel = 'queue:cancel',
  CancelAll = 'queue:cancel-all',
  RetryFailed = 'queue:retry-failed',
  Redo = 'queue:redo',
  Remove = 'queue:remove',
  ClearFinished = 'queue:clear-finished',
  SetOverride = 'queue:set-override',
  UpdateSettings = 'settings:update',
  Preview = 'preview:region',
  FinetuneOverview = 'finetune:overview',
  FinetuneScan = 'finetune:scan',
  FinetuneStart = 'finetune:start',
  FinetunePause = 'finetune:pause',
  FinetuneResume = 'finetune:resume',
  FinetuneCancel = 'finetune:cancel',
  ModelRename = 'models:rename',
  ModelDelete = 'models:delete',
  ModelExport = 'models:export',
  ModelImport = 'models:import',
  /** Electron only: native dialogs and the file manager. */
  OpenFiles = 'dialog:open-files',
  OpenFolder = 'dialog:open-folder',
  ChooseOutputFolder = 'dialog:choose-output-folder',
  ShowInFolder = 'shell:show-in-folder',
  /** A folder for training photos, a model export or import: the chosen path, or null. */
  ChooseFolder = 'dialog:choose-folder',
  /** main -> renderer: one typed AppEvent per message. */
  Event = 'app:event',
}

/** Channels served by the Electron-free handler module (the rest need native dialogs or the shell). */
export const SERVICE_CHANNELS = [
  Channel.Snapshot,
  Channel.AddPaths,
  Channel.Start,
  Channel.Pause,
  Channel.Cancel,
  Channel.CancelAll,
  Channel.RetryFailed,
  Channel.Redo,
  Channel.Remove,
  Channel.ClearFinished,
  Channel.SetOverride,
  Channel.UpdateSettings,
  Channel.Preview,
  Channel.FinetuneOverview,
  Channel.FinetuneScan,
  Channel.FinetuneStart,
  Channel.FinetunePause,
  Channel.FinetuneResume,
  Channel.FinetuneCancel,
  Channel.ModelRename,
  Channel.ModelDelete,
  Channel.ModelExport,
  Channel.ModelImport,
] as const;

/** Channels that need Electron itself: native dialogs and the shell. */
export const NATIVE_CHANNELS = [
  Channel.OpenFiles,
  Channel.OpenFolder,
  Channel.ChooseOutputFolder,
  Channel.ShowInFolder,
  Channel.ChooseFolder,
] as const;

/** Channels the renderer may invoke (request/response): the allowlist. */
export const INVOKE_CHANNELS = [...SERVICE_CHANNELS, ...NATIVE_CHANNELS] as const;

/** Channels the main process pushes to the renderer. */
export const EVENT_CHANNELS = [Channel.Event] as const;

export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];

export type ServiceChannel = (typeof SERVICE_CHANNELS)[number];

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return (INVOKE_CHANNELS as readonly unknown[]).includes(value);
}

export function isServiceChannel(value: unknown): value is ServiceChannel {
  return (SERVICE_CHANNELS as readonly unknown[]).includes(value);
}

/** What every invoke answers over a transport (IPC or the HTTP test one): a value or plain words. */
export type Reply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: string };
