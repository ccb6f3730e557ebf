import { basename } from 'node:path';
import { hashString } from './prng.js';

export interface HoldoutSplit {
  readonly train: string[];
  readonly holdout: string[];
}

/**
 * Splits files into training and held-out validation images, deterministically: each file is
 * ranked by a seeded hash of its name (so the split does not depend on the order of the list or
 * on where the folder lives), and the lowest-ranked round(n * fraction) files are held out, at
 * least one when there are two or more files (and the fraction is not 0). Both lists keep the input order.
 */
export function splitHoldout(files: readonly string[], fraction = 0.1, seed = 0): HoldoutSplit {
  if (!(fraction >= 0 && fraction < 1))
    throw new RangeError(`holdout fraction must be in [0, 1): ${fraction}`);
  const n = files.length;
  const count = n < 2 || fraction === 0 ? 0 : Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
  // The full path breaks ties between equal names in different folders.
  const ranked = files
    .map((file) => ({ file, key: hashString(basename(file), seed) }))
    .sort((a, b) => a.key - b.key || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const held = new Set(ranked.slice(0, count).map((r) => r.file));
  return {
    train: files.filter((f) => !held.has(f)),
    holdout: files.filter((f) => held.has(f)),
  };
}
