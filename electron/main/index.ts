/**
 * The Electron main process: thin. It wires the Electron-free service (electron/core/service) to a
 * window, the IPC channels, native dialogs, menus and the custom protocols; inference runs in the
 * service's worker thread, never here.
 */
import { app, BrowserWindow, ipcMain } from 'electron';
import { AppService } from '../service/app-service.js';
import { INVOKE_CHANNELS } from '../shared/channels.js';
import { modelRoots } from './app-paths.js';
import { createMainWindow } from './main-window.js';
import { setupDialogs } from './setup-dialogs.js';
import { setupIpc } from './setup-ipc.js';
import { setupMenu } from './setup-menu.js';
import { registerSchemes, setupProtocols } from './setup-protocols.js';
import { setupSecurity } from './setup-security.js';

if (!app.requestSingleInstanceLock()) app.quit();

registerSchemes();
setupSecurity();

let service: AppService | undefined;

function openWindow(s: AppService): void {
  const window = createMainWindow();
  setupIpc(s, window);
  setupDialogs(s, window);
  setupMenu(s, window);
  // Handlers belong to this window (they check it as the sender); a new window registers its own.
  window.on('closed', () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  });
}

app.whenReady().then(async () => {
  service = await AppService.create({ dataDir: app.getPath('userData'), modelRoots: modelRoots() });
  setupProtocols(service);
  openWindow(service);
  app.on('activate', () => {
    if (service && BrowserWindow.getAllWindows().length === 0) openWindow(service);
  });
});

app.on('second-instance', () => {
  const [window] = BrowserWindow.getAllWindows();
  if (window) {
    if (window.isMinimized()) window.restore();
    window.focus();
  }
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

/**
 * Quitting waits for the service to close: a running fine-tune pauses at its next step and
 * checkpoints, and the inference worker ends after its current native call. Letting the process
 * exit under a worker that is inside onnxruntime aborts it (service/inference-bridge.ts).
 */
let closed = false;
app.on('will-quit', (event) => {
  if (closed || !service) return;
  event.preventDefault();
  void service.close().finally(() => {
    closed = true;
    app.quit();
  });
});
