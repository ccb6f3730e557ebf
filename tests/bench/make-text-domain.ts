/**
 * Writes a folder of rendered text pages (scans, screenshots, slides): a kind of picture the
 * shipped base model never saw (it learned from wallpaper photos), for measuring what fine-tuning
 * does where the base has something to learn. Deterministic for a given --seed; rendered
 * by sharp (librsvg) with the system's DejaVu and Liberation fonts, so the pages depend a little on
 * the fonts installed.
 *
 *   npx tsx tests/bench/make-text-domain.ts --out /tmp/text-pages --count 40
 *   npx tsx tests/bench/finetune-effect.ts --data /tmp/text-pages --from liif-edsr-baseline --minutes 10
 *
 * Not a test and not product code: it only makes benchmark data.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeTextPages } from '../../electron/core/eval/text-pages.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    count: { type: 'string', default: '40' },
    seed: { type: 'string', default: '1' },
  },
});
if (!values.out) throw new Error('--out DIR is required');

const outDir = resolve(values.out);
const count = Number(values.count);
await writeTextPages(outDir, count, Number(values.seed));
console.log(`${count} pages written to ${outDir}`);
