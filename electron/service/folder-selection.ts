/**
 * The fine-tune view's folder choice, remembered across reloads and restarts: a small
 * JSON file in the app's data folder, written atomically on every scan. Folders come back only
 * if they still exist; a damaged or missing file means "nothing chosen yet".
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../core/model/safetensors.js';

export interface FolderSelection {
  readonly folders: readonly string[];
  readonly recursive: boolean;
}

export const NO_SELECTION: FolderSelection = { folders: [], recursive: false };

export async function loadFolderSelection(file: string): Promise<FolderSelection> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return NO_SELECTION;
  }
  if (typeof json !== 'object' || json === null) return NO_SELECTION;
  const { folders, recursive } = json as Record<string, unknown>;
  if (!Array.isArray(folders)) return NO_SELECTION;
  const kept: string[] = [];
  for (const folder of folders) {
    if (typeof folder !== 'string') continue;
    const info = await stat(folder).catch(() => undefined);
    if (info?.isDirectory()) kept.push(folder);
  }
  return { folders: kept, recursive: recursive === true };
}

export async function saveFolderSelection(file: string, selection: FolderSelection): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(selection, null, 2)}\n`);
}
