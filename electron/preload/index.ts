/**
 * The sandboxed preload: exposes named methods only (never ipcRenderer itself) as `window.liif`.
 * Built as CommonJS, as sandboxed preloads must be.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer, webUtils } from 'electron';
import { Channel, type InvokeChannel } from '../ipc/channels.js';
import type { AppEvent, InvokeMap } from '../ipc/payloads.js';
import type { LiifApi } from './api.js';
import { serviceMethods } from './service-methods.js';

type Reply = { ok: true; value: unknown } | { ok: false; error: string };

async function invoke<C extends InvokeChannel>(
  channel: C,
  request?: InvokeMap[C]['request'],
): Promise<InvokeMap[C]['result']> {
  const reply = (await ipcRenderer.invoke(channel, request)) as Reply;
  if (!reply.ok) throw new Error(reply.error);
  return reply.value as InvokeMap[C]['result'];
}

const api: LiifApi = {
  transport: 'electron',
  ...serviceMethods(invoke),
  addDroppedFiles: (files, recursive) => {
    const paths = files.map((file) => webUtils.getPathForFile(file)).filter((path) => path !== '');
    return invoke(Channel.AddPaths, { paths, recursive });
  },
  openFiles: () => invoke(Channel.OpenFiles),
  openFolder: () => invoke(Channel.OpenFolder),
  chooseOutputFolder: () => invoke(Channel.ChooseOutputFolder),
  showInFolder: (id) => invoke(Channel.ShowInFolder, { id }),
  chooseFolder: () => invoke(Channel.ChooseFolder),
  imageUrl: (image) => `liif-image://image/${encodeURIComponent(image)}`,
  onEvent: (listener) => {
    const forward = (_event: IpcRendererEvent, message: AppEvent) => listener(message);
    ipcRenderer.on(Channel.Event, forward);
    return () => ipcRenderer.removeListener(Channel.Event, forward);
  },
};

contextBridge.exposeInMainWorld('liif', api);
