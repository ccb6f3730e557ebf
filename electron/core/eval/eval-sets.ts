/**
 * Which images an evaluation reads: a benchmark folder (one subfolder per set, each with its
 * images in HR/, as ../shared/data/bench is laid out) or a plain folder of images (one set).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { collectInputs } from '../jobs/collect-inputs.js';
import { evalTextPages } from './text-pages.js';

export interface EvalSet {
  readonly name: string;
  /** HR images in name order. */
  readonly files: string[];
}

export class EvalDataError extends Error {}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * The sets under `dir`. With the benchmark layout, `names` picks sets (all when omitted; an
 * unknown name is an error listing the ones there); a plain folder is one set named after it.
 */
export async function findEvalSets(dir: string, names?: readonly string[]): Promise<EvalSet[]> {
  const root = resolve(dir);
  if (!(await isDir(root))) throw new EvalDataError(`evaluation data folder not found: ${root}`);
  const entries = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory());
  const benchmark: string[] = [];
  for (const e of entries) if (await isDir(join(root, e.name, 'HR'))) benchmark.push(e.name);
  benchmark.sort();
  if (benchmark.length === 0) {
    const { files } = await collectInputs([root], false);
    if (files.length === 0) throw new EvalDataError(`no images in ${root}`);
    return [{ name: basename(root), files }];
  }
  const wanted = names ?? benchmark;
  const missing = wanted.filter((n) => !benchmark.includes(n));
  if (missing.length > 0)
    throw new EvalDataError(`no set ${missing.join(', ')} in ${root} (there: ${benchmark.join(', ')})`);
  const sets: EvalSet[] = [];
  for (const name of wanted) {
    const { files } = await collectInputs([join(root, name, 'HR')], false);
    sets.push({ name, files });
  }
  return sets;
}

/** Where the named content sets come from (`liif eval --sets detail,text`). */
export interface ContentSets {
  /** Held-out detail photos (../shared/data/eval/detail): never trained or tuned on. */
  readonly detail: string;
}

/**
 * Sets by name, in the order asked: `detail` (the held-out detail photos), `text` (rendered text
 * pages, text-pages.ts), a path (any name with a slash: a folder scored as one set named after
 * it), or a set of the benchmark folder `benchDir`. Without names: the benchmark's sets.
 */
export async function resolveEvalSets(
  benchDir: string,
  names: readonly string[] | undefined,
  content: ContentSets,
): Promise<EvalSet[]> {
  if (!names) return findEvalSets(benchDir);
  const isContent = (name: string) => name === 'text' || name === 'detail' || /[\\/]/.test(name);
  const benchNames = names.filter((name) => !isContent(name));
  // One look at the benchmark folder for all its names: a plain folder there is one set, once.
  const bench = benchNames.length > 0 ? await findEvalSets(benchDir, benchNames) : [];
  const sets: EvalSet[] = [];
  for (const name of names) {
    if (name === 'text') sets.push({ name: 'text', files: await evalTextPages() });
    else if (name === 'detail') sets.push({ ...(await plainSet(content.detail)), name: 'detail' });
    else if (isContent(name)) sets.push(await plainSet(name));
    else {
      const set = bench.find((s) => s.name === name) ?? (bench.length === 1 ? bench[0] : undefined);
      if (set && !sets.includes(set)) sets.push(set);
    }
  }
  return sets;
}

async function plainSet(dir: string): Promise<EvalSet> {
  const root = resolve(dir);
  if (!(await isDir(root))) throw new EvalDataError(`evaluation folder not found: ${root}`);
  const { files } = await collectInputs([root], false);
  if (files.length === 0) throw new EvalDataError(`no images in ${root}`);
  return { name: basename(root), files };
}
