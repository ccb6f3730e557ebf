/** Native dialogs and the file manager: what the user picks here becomes a chosen path. */
import { type BrowserWindow, dialog, shell } from 'electron';
import { IMAGE_EXTENSIONS } from '../core/jobs/collect-inputs.js';
import type { AddResult, Settings } from '../ipc/payloads.js';
import { parseItemRequest, parseNone } from '../ipc/validate.js';
import type { AppService } from '../service/app-service.js';
import { Channel } from '../shared/channels.js';
import { handle } from './setup-ipc.js';

const IMAGE_FILTER = { name: 'Images', extensions: [...IMAGE_EXTENSIONS].map((e) => e.slice(1)) };

export async function openFiles(service: AppService, window: BrowserWindow): Promise<AddResult> {
  const result = await dialog.showOpenDialog(window, {
    title: 'Add photos',
    properties: ['openFile', 'multiSelections'],
    filters: [IMAGE_FILTER, { name: 'All files', extensions: ['*'] }],
  });
  return addChosen(service, result.canceled ? [] : result.filePaths);
}

export async function openFolder(service: AppService, window: BrowserWindow): Promise<AddResult> {
  const result = await dialog.showOpenDialog(window, {
    title: 'Add a folder of photos',
    properties: ['openDirectory', 'multiSelections'],
  });
  return addChosen(service, result.canceled ? [] : result.filePaths);
}

export async function chooseOutputFolder(service: AppService, window: BrowserWindow): Promise<Settings> {
  const result = await dialog.showOpenDialog(window, {
    title: 'Save upscaled photos in',
    properties: ['openDirectory', 'createDirectory'],
  });
  const folder = result.canceled ? undefined : result.filePaths[0];
  if (!folder) return service.settings;
  service.chosen.add(folder);
  return service.updateSettings({ output: { folder } });
}

/** One folder for training photos, a model export or an import; it becomes a chosen path. */
export async function chooseFolder(service: AppService, window: BrowserWindow): Promise<string | null> {
  const result = await dialog.showOpenDialog(window, {
    title: 'Choose a folder',
    properties: ['openDirectory', 'createDirectory'],
  });
  const folder = result.canceled ? undefined : result.filePaths[0];
  if (!folder) return null;
  service.chosen.add(folder);
  return folder;
}

function addChosen(service: AppService, paths: string[]): Promise<AddResult> {
  return service.addUserPaths({ paths, recursive: service.settings.recursive });
}

export function setupDialogs(service: AppService, window: BrowserWindow): void {
  handle(window, Channel.OpenFiles, (payload) => {
    parseNone(payload);
    return openFiles(service, window);
  });
  handle(window, Channel.OpenFolder, (payload) => {
    parseNone(payload);
    return openFolder(service, window);
  });
  handle(window, Channel.ChooseOutputFolder, (payload) => {
    parseNone(payload);
    return chooseOutputFolder(service, window);
  });
  handle(window, Channel.ChooseFolder, (payload) => {
    parseNone(payload);
    return chooseFolder(service, window);
  });
  handle(window, Channel.ShowInFolder, (payload) => {
    const output = service.outputOf(parseItemRequest(payload).id);
    if (output) shell.showItemInFolder(output);
    return undefined;
  });
}
