/**
 * The user's own models (fine-tuned or imported), managed as whole folders in the user models
 * folder: rename, delete, export, import. Every change is a folder rename at the end, so a listing
 * never sees half a model: a copy is built under a hidden temporary name first, and a failure (a
 * full disk) removes it and leaves whatever was there before intact.
 */
import { cp, mkdir, rename, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkModelName } from '../../shared/model-name.js';
import { childOf, removeTreeInside } from '../fs/inside-folder.js';
import { loadManifest, loadModelDir, MANIFEST_FILE } from './model-dir.js';
import { ModelError } from './model-errors.js';
import { listModels } from './model-registry.js';
import { writeFileAtomic } from './safetensors.js';

/** `modelsDir/<name>` for a name that passes the one name rule (model-name.ts). */
const modelFolder = (modelsDir: string, name: string) => childOf(modelsDir, checkModelName(name));

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

const tempName = (dir: string, name: string) =>
  childOf(dir, `.tmp-${checkModelName(name)}-${process.pid}-${Date.now().toString(36)}`);

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
  const target = modelFolder(modelsDir, name);
  if (await exists(target))
    throw new ModelError('incompatible', target, `a model named "${name}" already exists`);
  await rename(from, target);
  return target;
}

export async function renameModel(
  modelsDir: string,
  from: string,
  to: string,
  otherRoots: readonly string[] = [],
): Promise<string> {
  const source = modelFolder(modelsDir, from);
  const target = modelFolder(modelsDir, to);
  await loadManifest(source);
  await refuseShadowing(
    checkModelName(to),
    otherRoots.filter((r) => resolve(r) !== resolve(modelsDir)),
    target,
  );
  if (await exists(target))
    throw new ModelError('incompatible', target, `a model named "${to}" already exists`);
  await rename(source, target);
  await setManifestName(target, checkModelName(to));
  return target;
}

/** Deletes a user model: renamed away first (gone from listings at once), then removed. */
export async function deleteModel(modelsDir: string, name: string): Promise<void> {
  const dir = modelFolder(modelsDir, name);
  await loadManifest(dir);
  const trash = tempName(modelsDir, name);
  await rename(dir, trash);
  await removeTreeInside(trash, modelsDir);
}

/** Copies a model folder to `destParent/<name>` (for sharing or backup); returns the new folder. */
export async function exportModel(modelDir: string, destParent: string, name?: string): Promise<string> {
  const model = await loadModelDir(modelDir);
  const target = modelFolder(resolve(destParent), name ?? model.manifest.name);
  if (await exists(target)) throw new ModelError('incompatible', target, 'the export folder already exists');
  await mkdir(destParent, { recursive: true });
  return copyThenRename(modelDir, target, destParent);
}

/**
 * Refuses a name another model root already has (a shipped model): resolving by name takes the
 * first root, so the user's copy would be listed but never used.
 */
async function refuseShadowing(name: string, otherRoots: readonly string[], target: string): Promise<void> {
  const other = (await listModels([...otherRoots])).find((m) => m.name === name);
  if (other)
    throw new ModelError(
      'incompatible',
      target,
      `a model named "${name}" is already installed (${other.dir}); give this one another name`,
    );
}

/**
 * Copies a model folder into the user models folder after checking that it loads; returns its
 * folder. `otherRoots` (the shipped models) must not have the name already.
 */
export async function importModel(
  sourceDir: string,
  modelsDir: string,
  name?: string,
  otherRoots: readonly string[] = [],
): Promise<string> {
  const model = await loadModelDir(resolve(sourceDir));
  const finalName = checkModelName(name ?? model.manifest.name);
  const target = modelFolder(modelsDir, finalName);
  await refuseShadowing(
    finalName,
    otherRoots.filter((r) => resolve(r) !== resolve(modelsDir)),
    target,
  );
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
    await removeTreeInside(temp, parent);
    throw err;
  }
}
