/**
 * Every IPC channel between the renderer and the main process, in one place (electron/fiddle's
 * `ipc-events.ts`): the names, and CHANNEL_TABLE below. The main-side wrapper registers handlers
 * only for INVOKE_CHANNELS and drops anything else; the preload forwards only EVENT_CHANNELS.
 */
import type {
  AddPathsRequest,
  InvokeMap,
  ItemOverride,
  ItemRequest,
  OverrideRequest,
  PreviewRequest,
  SettingsPatch,
} from '../ipc/payloads.js';
import type {
  FinetuneStartRequest,
  FolderRequest,
  ModelExportRequest,
  ModelRenameRequest,
  RunNameRequest,
  ScanRequest,
} from './finetune-payloads.js';

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

/** How the API's arguments become a channel's request. */
const none = (): undefined => undefined;
const byId = (id: string): ItemRequest => ({ id });
const byName = (name: string): RunNameRequest => ({ name });
const asIs =
  <R>() =>
  (request: R): R =>
    request;

/**
 * One row per channel the renderer may invoke: who answers it ('service': the Electron-free
 * handlers, also behind the HTTP test transport; 'native': Electron's dialogs and shell), the API
 * method that sends it (null: only a transport's own method does, like addDroppedFiles) and how that
 * method's arguments become the request. The allowlist and both transports' API methods are derived
 * from it; every channel but Event must have a row (a missing one does not compile), and
 * ipc/validate.ts's parsers and service/handlers.ts's handlers are typed by these channels, so a
 * new row without its parser or handler does not compile either. (The parsers live beside the main
 * side's other code: the renderer may take code only from electron/shared/.)
 */
export const CHANNEL_TABLE = {
  [Channel.Snapshot]: { side: 'service', method: 'snapshot', request: none },
  [Channel.AddPaths]: { side: 'service', method: null, request: asIs<AddPathsRequest>() },
  [Channel.Start]: { side: 'service', method: 'start', request: none },
  [Channel.Pause]: { side: 'service', method: 'pauseAfterCurrent', request: none },
  [Channel.Cancel]: { side: 'service', method: 'cancel', request: byId },
  [Channel.CancelAll]: { side: 'service', method: 'cancelAll', request: none },
  [Channel.RetryFailed]: { side: 'service', method: 'retryFailed', request: none },
  /** Runs a finished photo again with its current settings (a changed setting alone does not). */
  [Channel.Redo]: { side: 'service', method: 'redo', request: byId },
  [Channel.Remove]: { side: 'service', method: 'remove', request: byId },
  [Channel.ClearFinished]: { side: 'service', method: 'clearFinished', request: none },
  [Channel.SetOverride]: {
    side: 'service',
    method: 'setOverride',
    request: (id: string, override: ItemOverride | null): OverrideRequest => ({ id, override }),
  },
  [Channel.UpdateSettings]: { side: 'service', method: 'updateSettings', request: asIs<SettingsPatch>() },
  [Channel.Preview]: { side: 'service', method: 'previewRegion', request: asIs<PreviewRequest>() },
  [Channel.FinetuneOverview]: { side: 'service', method: 'finetuneOverview', request: none },
  [Channel.FinetuneScan]: { side: 'service', method: 'scanFolders', request: asIs<ScanRequest>() },
  [Channel.FinetuneStart]: {
    side: 'service',
    method: 'startFinetune',
    request: asIs<FinetuneStartRequest>(),
  },
  [Channel.FinetunePause]: { side: 'service', method: 'pauseFinetune', request: none },
  [Channel.FinetuneResume]: { side: 'service', method: 'resumeFinetune', request: byName },
  [Channel.FinetuneCancel]: { side: 'service', method: 'cancelFinetune', request: byName },
  [Channel.ModelRename]: {
    side: 'service',
    method: 'renameModel',
    request: (name: string, to: string): ModelRenameRequest => ({ name, to }),
  },
  [Channel.ModelDelete]: { side: 'service', method: 'deleteModel', request: byName },
  /** Copies the model into `folder`; answers the new model folder. */
  [Channel.ModelExport]: {
    side: 'service',
    method: 'exportModel',
    request: (name: string, folder: string): ModelExportRequest => ({ name, folder }),
  },
  [Channel.ModelImport]: {
    side: 'service',
    method: 'importModel',
    request: (folder: string): FolderRequest => ({ folder }),
  },
  [Channel.OpenFiles]: { side: 'native', method: 'openFiles', request: none },
  [Channel.OpenFolder]: { side: 'native', method: 'openFolder', request: none },
  [Channel.ChooseOutputFolder]: { side: 'native', method: 'chooseOutputFolder', request: none },
  [Channel.ShowInFolder]: { side: 'native', method: 'showInFolder', request: byId },
  /** A folder for training photos, a model export or import: the chosen path, or null. */
  [Channel.ChooseFolder]: { side: 'native', method: 'chooseFolder', request: none },
} as const satisfies { readonly [C in Exclude<Channel, Channel.Event>]: ChannelRow<C> };

interface ChannelRow<C extends keyof InvokeMap> {
  readonly side: 'service' | 'native';
  readonly method: string | null;
  readonly request: (...args: never[]) => InvokeMap[C]['request'];
}

type Table = typeof CHANNEL_TABLE;

/** Channels the renderer may invoke (request/response): the allowlist. */
export type InvokeChannel = keyof Table;
/** Channels served by the Electron-free handler module. */
export type ServiceChannel = {
  [C in InvokeChannel]: Table[C]['side'] extends 'service' ? C : never;
}[InvokeChannel];
export type NativeChannel = Exclude<InvokeChannel, ServiceChannel>;

export const INVOKE_CHANNELS = Object.keys(CHANNEL_TABLE) as InvokeChannel[];
export const SERVICE_CHANNELS = INVOKE_CHANNELS.filter(
  (c): c is ServiceChannel => CHANNEL_TABLE[c].side === 'service',
);
/** Channels that need Electron itself: native dialogs and the shell. */
export const NATIVE_CHANNELS = INVOKE_CHANNELS.filter(
  (c): c is NativeChannel => CHANNEL_TABLE[c].side === 'native',
);

/** Channels the main process pushes to the renderer. */
export const EVENT_CHANNELS = [Channel.Event] as const;

/** The API methods of the given channels, named and typed by their rows. */
export type ChannelMethods<C extends InvokeChannel> = {
  readonly [K in C as Table[K]['method'] & string]: (
    ...args: Parameters<Table[K]['request']>
  ) => Promise<InvokeMap[K]['result']>;
};

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
