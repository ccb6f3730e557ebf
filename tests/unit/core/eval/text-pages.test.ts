import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { EvalDataError, resolveEvalSets } from '../../../../electron/core/eval/eval-sets.js';
import {
  EVAL_TEXT_PAGES,
  evalTextPages,
  textPageSvg,
  writeTextPages,
} from '../../../../electron/core/eval/text-pages.js';
import { seededRandom } from '../../../../electron/core/model/random-weights.js';

describe('rendered text pages', () => {
  it('are the same pages for the same seed, other pages for another', async () => {
    expect(textPageSvg(seededRandom(3))).toEqual(textPageSvg(seededRandom(3)));
    expect(textPageSvg(seededRandom(3)).svg).not.toEqual(textPageSvg(seededRandom(4)).svg);
    const [a, b] = await Promise.all([
      mkdtemp(join(tmpdir(), 'liif-text-a-')),
      mkdtemp(join(tmpdir(), 'liif-text-b-')),
    ]);
    const [first] = await writeTextPages(a, 1, 9);
    const [again] = await writeTextPages(b, 1, 9);
    expect(await readFile(again!)).toEqual(await readFile(first!));
  });

  it("the evaluation's text set is 12 readable pages, rendered once and then reused", async () => {
    const pages = await evalTextPages();
    expect(pages).toHaveLength(EVAL_TEXT_PAGES.count);
    const meta = await sharp(pages[0]!).metadata();
    expect(meta.width).toBeGreaterThanOrEqual(480);
    const written = (await stat(pages[0]!)).mtimeMs;
    expect(await evalTextPages()).toEqual(pages);
    expect((await stat(pages[0]!)).mtimeMs).toBe(written);
    const sets = await resolveEvalSets('/nonexistent', ['text'], { detail: '/nonexistent' });
    expect(sets).toEqual([{ name: 'text', files: pages }]);
  });

  it('a named detail set whose folder is missing is a clear error', async () => {
    await expect(resolveEvalSets('/nonexistent', ['detail'], { detail: '/no/such/detail' })).rejects.toThrow(
      EvalDataError,
    );
  });
});
