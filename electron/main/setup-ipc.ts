/**
 * The main-side IPC wrapper: handlers exist only for the allowlisted channels; each call is
 * dropped unless it comes from our window's main frame showing our own page; every payload is
 * validated before a handler sees it; replies are `{ ok, value } | { ok: false, error }` so the
 * renderer gets plain-words errors rather than Electron's wrapped ones.
 */
import { type BrowserWindow, type IpcMainInvokeEvent, ipcMain } from 'electron';
import type { AppEvent } from '../ipc/payloads.js';
import { parsers } from '../ipc/validate.js';
import type { AppService } from '../service/app-service.js';
import { dispatch, serviceHandlers, userMessage } from '../service/handlers.js';
import { Channel, type InvokeChannel, type Reply, SERVICE_CHANNELS } from '../shared/channels.js';
import { APP_ORIGIN } from './content-policy.js';

export type MainHandler = (payload: unknown, event: IpcMainInvokeEvent) => unknown;

function fromOurPage(event: IpcMainInvokeEvent, window: BrowserWindow): boolean {
  const frame = event.senderFrame;
  return (
    !window.isDestroyed() &&
    event.sender.id === window.webContents.id &&
    frame !== null &&
    frame.parent === null &&
    frame.url.startsWith(`${APP_ORIGIN}/`)
  );
}

/** Registers one allowlisted channel behind the sender check and the error envelope. */
export function handle(window: BrowserWindow, channel: InvokeChannel, handler: MainHandler): void {
  ipcMain.handle(channel, async (event, payload: unknown): Promise<Reply> => {
    if (!fromOurPage(event, window)) return { ok: false, error: 'refused: unknown sender' };
    try {
      return { ok: true, value: await handler(payload, event) };
    } catch (error) {
      return { ok: false, error: userMessage(error) };
    }
  });
}

export function setupIpc(service: AppService, window: BrowserWindow): void {
  const handlers = serviceHandlers(service);
  const ipcHandlers = new Map<InvokeChannel, MainHandler>();
  // A drop hands over paths the preload read with webUtils from files the user dropped on our
  // window (the preload exposes no way to send other paths): what the queue accepts from them
  // becomes chosen. Every other channel only reaches paths chosen before.
  ipcHandlers.set(Channel.AddPaths, (payload) => service.addUserPaths(parsers[Channel.AddPaths](payload)));
  for (const channel of SERVICE_CHANNELS) {
    handle(window, channel, ipcHandlers.get(channel) ?? ((payload) => dispatch(handlers, channel, payload)));
  }
  const forward = (event: AppEvent) => {
    if (!window.isDestroyed()) window.webContents.send(Channel.Event, event);
  };
  const unsubscribe = service.on(forward);
  window.on('closed', unsubscribe);
}
