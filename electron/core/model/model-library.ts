/**
 * The user's own models (fine-tuned or imported), managed as whole folders in the user models
 * folder: rename, delete, export, import. Every change is a folder rename at the end, so a listing
 * never sees half a model: a copy is built under a hidden temporary name first, and a failure (a
 * full disk) removes it and leaves whatever was there before intact.
 */
import { cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadManifest, loadModelDir, MANIFEST_FILE } from './model-dir.js';
import { ModelError } from './model-errors.js';
import { writeFileAtomic } from './safetensors.js';

/** Folder-safe model names: letters, digits, space, dot, dash, underscore; not starting with a dot. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9 ._-]{0,63}$/;

/** Throws RangeError saying what is wrong with a model name, or returns it trimmed. */
export function checkModelName(name: string): string {
  const trimmed = name.trim();
  if (!NAME.test(trimmed) || trimmed.endsWith('.'))
    throw new RangeError(
      `"${name}" is not a usable model name: use 1-64 letters, digits, spaces, dots, dashes or underscores, not starting with a dot`,
    );
  return trimmed;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

const tempName = (dir: string, name: string) =>
  join(dir, `.tmp-${name}-${process.pid}-${Date.now().toString(36)}`);

async function setManifestName(dir: string, name: string): Promise<void> {
  const manifest = await loadManifest(dir);
  // A display name that was just the old name (fine-tuned models) follows the rename.
  const displayName = manifest.displayName === manifest.name ? name : manifest.displayName;
  const renamed = { ...manifest, name, ...(displayName !== undefined ? { displayName } : {}) };
  await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(renamed, null, 2)}\n`);
}

/**
 * Moves a finished model folder `from` into `modelsDir/<name>` with one rename; refuses to
 * replace an existing model. `from` must be on the same file system (build it under modelsDir).
 */
export async function commitModelFolder(from: string, modelsDir: string, name: string): Promise<string> {
  const target = join(modelsDir, checkModelName(name));
  if (await exists(target))
    throw new ModelError('incompatible', target, `a model named "${name}" already exists`);
  await rename(from, target);
  return target;
}

export async function renameModel(modelsDir: string, from: string, to: string): Promise<string> {
  const source = join(modelsDir, checkModelName(from));
  const target = join(modelsDir, checkModelName(to));
  await loadManifest(source);
  if (await exists(target))
    throw new ModelError('incompatible', target, `a model named "${to}" already exists`);
  await rename(source, target);
  await setManifestName(target, checkModelName(to));
  return target;
}

/** Deletes a user model: renamed away first (gone from listings at once), then removed. */
export async function deleteModel(modelsDir: string, name: string): Promise<void> {
  const dir = join(modelsDir, checkModelName(name));
  await loadManifest(dir);
  const trash = tempName(modelsDir, name);
  await rename(dir, trash);
  await rm(trash, { recursive: true, force: true });
}

/** Copies a model folder to `destParent/<name>` (for sharing or backup); returns the new folder. */
export async function exportModel(modelDir: string, destParent: string, name?: string): Promise<string> {
  const model = await loadModelDir(modelDir);
  const target = join(resolve(destParent), checkModelName(name ?? model.manifest.name));
  if (await exists(target)) throw new ModelError('incompatible', target, 'the export folder already exists');
  await mkdir(destParent, { recursive: true });
  return copyThenRename(modelDir, target, destParent);
}

/** Copies a model folder into the user models folder after checking that it loads; returns its folder. */
export async function importModel(sourceDir: string, modelsDir: string, name?: string): Promise<string> {
  const model = await loadModelDir(resolve(sourceDir));
  const finalName = checkModelName(name ?? model.manifest.name);
  const target = join(modelsDir, finalName);
  if (await exists(target))
    throw new ModelError('incompatible', target, `a model named "${finalName}" already exists`);
  await mkdir(modelsDir, { recursive: true });
  const dir = await copyThenRename(resolve(sourceDir), target, modelsDir);
  if (model.manifest.name !== finalName) await setManifestName(dir, finalName);
  return dir;
}

async function copyThenRename(source: string, target: string, parent: string): Promise<string> {
  const temp = tempName(parent, 'copy');
  try {
    await cp(source, temp, { recursive: true, errorOnExist: true });
    await loadModelDir(temp);
    await rename(temp, target);
    return target;
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
}
