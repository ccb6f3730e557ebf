/**
 * Where models live and how a name on the command line or in the UI becomes a model folder.
 * Models are found in a list of roots (the shipped models/ folder, then the user's own), one
 * subfolder per model, named by its folder.
 */

import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifest, MANIFEST_FILE } from './model-dir.js';
import { ModelError } from './model-errors.js';
import type { ModelManifest } from './model-manifest.js';

export const DEFAULT_MODEL_NAME = 'liif-edsr-baseline';
const APP_DIR = 'liif-upscaler';

export interface ModelListing {
  /** The folder name, which is what resolveModel accepts. */
  name: string;
  dir: string;
  manifest?: ModelManifest;
  /** Why model.json could not be read, when it could not. */
  error?: string;
}

/** Per-user models folder: LIIF_MODELS_DIR, else the platform's usual per-user data folder. */
export function userModelsDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.LIIF_MODELS_DIR) return env.LIIF_MODELS_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR, 'models');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR, 'models');
  // XDG Base Directory spec: a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME?.startsWith('/') ? env.XDG_DATA_HOME : join(home, '.local', 'share');
  return join(xdg, APP_DIR, 'models');
}

/** The shipped models/ folder at the repository root, then the user's models folder. */
export function defaultModelRoots(): string[] {
  return [fileURLToPath(new URL('../../../models', import.meta.url)), userModelsDir()];
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/**
 * Every subfolder of each root that has a model.json, roots in order and names sorted within a root.
 * Missing roots are skipped; a broken model.json is listed with its error rather than thrown, so one
 * bad model does not hide the others.
 */
export async function listModels(roots: string[]): Promise<ModelListing[]> {
  const listings: ModelListing[] = [];
  for (const root of roots) {
    const names = await readdir(root).catch(() => [] as string[]);
    for (const name of names.sort()) {
      // Dot folders are work in progress (fine-tuning runs, copies being made), never models.
      if (name.startsWith('.')) continue;
      const dir = join(root, name);
      // stat, not the dirent type, so symlinked model folders count too.
      if (!(await isDirectory(dir)) || !(await isFile(join(dir, MANIFEST_FILE)))) continue;
      try {
        listings.push({ name, dir, manifest: await loadManifest(dir) });
      } catch (err) {
        listings.push({ name, dir, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return listings;
}

/**
 * Turns a user's choice into a model folder: an existing folder path wins; otherwise the first root
 * with a model of that folder name. Nothing given means `defaultName`. Throws ModelError 'missing'
 * listing the available names when nothing matches. The folder is not validated here: loadModelDir does that.
 */
export async function resolveModel(
  nameOrDir: string | undefined,
  roots: string[],
  defaultName: string = DEFAULT_MODEL_NAME,
): Promise<string> {
  const wanted = nameOrDir ?? defaultName;
  if (nameOrDir !== undefined && (await isDirectory(nameOrDir))) return resolve(nameOrDir);
  const models = await listModels(roots);
  const found = models.find((m) => m.name === wanted);
  if (found) return found.dir;
  const available = [...new Set(models.map((m) => m.name))];
  const where = roots.length ? roots.join(', ') : 'no model folders';
  const choices = available.length ? `available: ${available.join(', ')}` : 'no models are installed';
  throw new ModelError(
    'missing',
    wanted,
    `no model folder or model named "${wanted}" in ${where}; ${choices}`,
  );
}
