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
  Remove = 'queue:remove',
  ClearFinished = 'queue:clear-finished',
  SetOverride = 'queue:set-override',
  UpdateSettings = 'settings:update',
  Preview = 'preview:region',
  /** Electron only: native dialogs and the file manager. */
  OpenFiles = 'dialog:open-files',
  OpenFolder = 'dialog:open-folder',
  ChooseOutputFolder = 'dialog:choose-output-folder',
  ShowInFolder = 'shell:show-in-folder',
  /** main -> renderer: one typed AppEvent per message. */
  Event = 'app:event',
}

/** Channels the renderer may invoke (request/response). */
export const INVOKE_CHANNELS = [
  Channel.Snapshot,
  Channel.AddPaths,
  Channel.Start,
  Channel.Pause,
  Channel.Cancel,
  Channel.CancelAll,
  Channel.RetryFailed,
  Channel.Remove,
  Channel.ClearFinished,
  Channel.SetOverride,
  Channel.UpdateSettings,
  Channel.Preview,
  Channel.OpenFiles,
  Channel.OpenFolder,
  Channel.ChooseOutputFolder,
  Channel.ShowInFolder,
] as const;

/** Channels the main process pushes to the renderer. */
export const EVENT_CHANNELS = [Channel.Event] as const;

export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];

/** Channels served by the Electron-free handler module (the rest need native dialogs or the shell). */
export const SERVICE_CHANNELS = [
  Channel.Snapshot,
  Channel.AddPaths,
  Channel.Start,
  Channel.Pause,
  Channel.Cancel,
  Channel.CancelAll,
  Channel.RetryFailed,
  Channel.Remove,
  Channel.ClearFinished,
  Channel.SetOverride,
  Channel.UpdateSettings,
  Channel.Preview,
] as const;

export type ServiceChannel = (typeof SERVICE_CHANNELS)[number];

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return (INVOKE_CHANNELS as readonly unknown[]).includes(value);
}

export function isServiceChannel(value: unknown): value is ServiceChannel {
  return (SERVICE_CHANNELS as readonly unknown[]).includes(value);
}
