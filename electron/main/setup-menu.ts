/** The application menu: the same actions as the toolbar, with the usual shortcuts. */
import { app, type BrowserWindow, Menu, type MenuItemConstructorOptions } from 'electron';
import type { AppService } from '../service/app-service.js';
import { chooseOutputFolder, openFiles, openFolder } from './setup-dialogs.js';

export function setupMenu(service: AppService, window: BrowserWindow): void {
  const mac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Add Photos…', accelerator: 'CmdOrCtrl+O', click: () => void openFiles(service, window) },
        {
          label: 'Add Folder…',
          accelerator: 'CmdOrCtrl+Shift+O',
          click: () => void openFolder(service, window),
        },
        { type: 'separator' },
        { label: 'Choose Output Folder…', click: () => void chooseOutputFolder(service, window) },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&Queue',
      submenu: [
        { label: 'Start', accelerator: 'CmdOrCtrl+Enter', click: () => service.start() },
        { label: 'Pause After Current', click: () => service.pauseAfterCurrent() },
        { label: 'Cancel All', click: () => service.cancelAll() },
        { type: 'separator' },
        { label: 'Retry Failed', click: () => service.retryFailed() },
        { label: 'Clear Finished', click: () => service.clearFinished() },
      ],
    },
    {
      label: '&View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
