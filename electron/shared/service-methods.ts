/**
 * The API methods that are one service channel each. They read the same whether the request goes
 * over Electron IPC (the preload) or over the HTTP test transport (renderer/src/api/http-api.ts):
 * each side passes its own `invoke` and adds its transport-specific methods.
 */

import type { InvokeMap } from '../ipc/payloads.js';
import type { LiifApi } from '../preload/api.js';
import { Channel, type InvokeChannel, type Reply } from './channels.js';

/** The request argument of a channel: none where it takes none, else required (a missing one does not compile). */
export type RequestArgs<C extends InvokeChannel> = InvokeMap[C]['request'] extends undefined
  ? []
  : [request: InvokeMap[C]['request']];

export type Invoke = <C extends InvokeChannel>(
  channel: C,
  ...request: RequestArgs<C>
) => Promise<InvokeMap[C]['result']>;

/** Reads a transport's reply: the value, or the plain-words error thrown. */
export function replyValue<C extends InvokeChannel>(reply: Reply): InvokeMap[C]['result'] {
  if (!reply.ok) throw new Error(reply.error);
  return reply.value as InvokeMap[C]['result'];
}

type ServiceMethodName =
  | 'snapshot'
  | 'start'
  | 'pauseAfterCurrent'
  | 'cancel'
  | 'cancelAll'
  | 'retryFailed'
  | 'redo'
  | 'remove'
  | 'clearFinished'
  | 'setOverride'
  | 'updateSettings'
  | 'previewRegion'
  | 'finetuneOverview'
  | 'scanFolders'
  | 'startFinetune'
  | 'pauseFinetune'
  | 'resumeFinetune'
  | 'cancelFinetune'
  | 'renameModel'
  | 'deleteModel'
  | 'exportModel'
  | 'importModel';

export function serviceMethods(invoke: Invoke): Pick<LiifApi, ServiceMethodName> {
  return {
    snapshot: () => invoke(Channel.Snapshot),
    start: () => invoke(Channel.Start),
    pauseAfterCurrent: () => invoke(Channel.Pause),
    cancel: (id) => invoke(Channel.Cancel, { id }),
    cancelAll: () => invoke(Channel.CancelAll),
    retryFailed: () => invoke(Channel.RetryFailed),
    redo: (id) => invoke(Channel.Redo, { id }),
    remove: (id) => invoke(Channel.Remove, { id }),
    clearFinished: () => invoke(Channel.ClearFinished),
    setOverride: (id, override) => invoke(Channel.SetOverride, { id, override }),
    updateSettings: (patch) => invoke(Channel.UpdateSettings, patch),
    previewRegion: (request) => invoke(Channel.Preview, request),
    finetuneOverview: () => invoke(Channel.FinetuneOverview),
    scanFolders: (request) => invoke(Channel.FinetuneScan, request),
    startFinetune: (request) => invoke(Channel.FinetuneStart, request),
    pauseFinetune: () => invoke(Channel.FinetunePause),
    resumeFinetune: (name) => invoke(Channel.FinetuneResume, { name }),
    cancelFinetune: (name) => invoke(Channel.FinetuneCancel, { name }),
    renameModel: (name, to) => invoke(Channel.ModelRename, { name, to }),
    deleteModel: (name) => invoke(Channel.ModelDelete, { name }),
    exportModel: (name, folder) => invoke(Channel.ModelExport, { name, folder }),
    importModel: (folder) => invoke(Channel.ModelImport, { folder }),
  };
}
