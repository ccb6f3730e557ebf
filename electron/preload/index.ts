/**
 * The sandboxed preload: exposes named methods only (never ipcRenderer itself) as `window.liif`.
 * Built as CommonJS, as sandboxed preloads must be.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer, webUtils } from 'electron';
import type { AppEvent } from '../ipc/payloads.js';
import { Channel, type InvokeChannel, type Reply } from '../shared/channels.js';
import {
  type Invoke,
  nativeMethods,
  type RequestArgs,
  replyValue,
  serviceMethods,
} from '../shared/service-methods.js';
import type { LiifApi } from './api.js';

const invoke: Invoke = async <C extends InvokeChannel>(channel: C, ...request: RequestArgs<C>) =>
  replyValue<C>((await ipcRenderer.invoke(channel, request[0])) as Reply);

const api: LiifApi = {
  transport: 'electron',
  ...serviceMethods(invoke),
  ...nativeMethods(invoke),
  addDroppedFiles: (files, recursive) => {
    const paths = files.map((file) => webUtils.getPathForFile(file)).filter((path) => path !== '');
    return invoke(Channel.AddPaths, { paths, recursive });
  },
  imageUrl: (image) => `liif-image://image/${encodeURIComponent(image)}`,
  onEvent: (listener) => {
    const forward = (_event: IpcRendererEvent, message: AppEvent) => listener(message);
    ipcRenderer.on(Channel.Event, forward);
    return () => ipcRenderer.removeListener(Channel.Event, forward);
  },
};

contextBridge.exposeInMainWorld('liif', api);
