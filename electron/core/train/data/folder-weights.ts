/**
 * Per-file sampling weights from per-folder weights: each folder's weight spread evenly over its
 * files, so that with `--data photos:1 --data detail:2` detail gets two thirds of the draws however
 * many photos each folder has. The sampler (local-sampler.ts) draws by these weights.
 */
import { sep } from 'node:path';
import type { HoldoutSplit } from './holdout.js';

export interface WeightedFolder {
  /** An absolute folder (or file) path, as the files below were collected from. */
  readonly dir: string;
  readonly weight: number;
}

/**
 * One weight per file. A file belongs to the deepest folder that contains it (or that is it). A
 * folder with no file among `files` is an error: its weight would silently go elsewhere.
 */
export function folderWeights(files: readonly string[], folders: readonly WeightedFolder[]): number[] {
  for (const folder of folders)
    if (!(folder.weight > 0 && Number.isFinite(folder.weight)))
      throw new RangeError(`the weight of ${folder.dir} must be above 0 (got ${folder.weight})`);
  const owner = files.map((file) => {
    const i = folderOf(file, folders);
    if (i < 0) throw new RangeError(`${file} is in none of the weighted folders`);
    return i;
  });
  const counts = folders.map((_, i) => owner.filter((o) => o === i).length);
  for (const [i, folder] of folders.entries())
    if (counts[i] === 0) throw new RangeError(`${folder.dir}: no training images there to weigh`);
  return owner.map((i) => folders[i]!.weight / counts[i]!);
}

/** Index of the deepest folder that holds `file` (or is it); -1 for none. */
function folderOf(file: string, folders: ReadonlyArray<{ readonly dir: string }>): number {
  let best = -1;
  for (const [i, folder] of folders.entries()) {
    const inside =
      file === folder.dir || file.startsWith(folder.dir.endsWith(sep) ? folder.dir : folder.dir + sep);
    if (inside && (best < 0 || folder.dir.length > folders[best]!.dir.length)) best = i;
  }
  return best;
}

/**
 * The split with at least one training image in every folder that has any: a small weighted
 * folder whose images all landed in the held-out set would otherwise have nothing to draw its
 * weight from. Moves the first such held-out image of that folder back into training.
 */
export function keepEveryFolderTraining(
  split: HoldoutSplit,
  folders: ReadonlyArray<{ readonly dir: string }>,
): HoldoutSplit {
  const training = new Set(split.train.map((f) => folderOf(f, folders)));
  const back = new Set<string>();
  for (const file of split.holdout) {
    const i = folderOf(file, folders);
    if (i >= 0 && !training.has(i)) {
      training.add(i);
      back.add(file);
    }
  }
  if (back.size === 0) return split;
  const order = [...split.train, ...back];
  return { train: order, holdout: split.holdout.filter((f) => !back.has(f)) };
}
