/**
 * Rendered text pages (scans, screenshots, slides): a kind of picture the photo-trained models
 * see rarely, scored by `liif eval --sets text` and used by the text-page fine-tuning benchmark
 * (tests/bench/make-text-domain.ts). Deterministic for a seed; rendered by sharp (librsvg) with the
 * system's DejaVu and Liberation fonts, so the pages depend a little on the fonts installed.
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { seededRandom } from '../model/random-weights.js';

const FONTS = ['DejaVu Sans', 'DejaVu Serif', 'Liberation Sans', 'Liberation Serif', 'DejaVu Sans Mono'];
const WORDS = (
  'the quick brown fox jumps over lazy dog image upscaler photo pixel model train local implicit ' +
  'function encoder decoder scale width height folder batch queue export quality sharp detail ' +
  'Invoice Total Date Page Chapter Figure Table Summary Report 2026 42 3.14 ISBN No. Ref. A4'
).split(' ');
/** Paper, dark UI and slide colour schemes: [background, text, accent]. */
const THEMES: ReadonlyArray<readonly [string, string, string]> = [
  ['#fbfaf6', '#1a1a1a', '#b0201c'],
  ['#ffffff', '#202840', '#1f5fbf'],
  ['#f2ecd9', '#3a2f22', '#6b4c2a'],
  ['#1e1f24', '#e6e6e6', '#58a6ff'],
  ['#0f3057', '#f4f4f4', '#f7c948'],
];

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** One page: a heading, paragraphs at one body size, a rule and sometimes a boxed note. */
export function textPageSvg(random: () => number): { svg: string; width: number; height: number } {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const width = 2 * Math.round(240 + random() * 120);
  const height = 2 * Math.round(180 + random() * 90);
  const [paper, ink, accent] = pick(THEMES);
  const font = pick(FONTS);
  const body = Math.round(16 + random() * 16);
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="${paper}"/>`];
  const margin = Math.round(body * 1.2);
  let y = margin + body * 1.6;
  parts.push(
    `<text x="${margin}" y="${y}" font-family="${font}" font-size="${Math.round(body * 1.6)}" font-weight="bold" fill="${accent}">${escapeXml(`${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}`)}</text>`,
  );
  y += body * 0.8;
  parts.push(
    `<rect x="${margin}" y="${y}" width="${width - 2 * margin}" height="${Math.max(1, Math.round(body / 10))}" fill="${ink}"/>`,
  );
  y += body * 1.8;
  while (y < height - margin) {
    const words: string[] = [];
    // Roughly the words that fit a line at about 0.55 em per character.
    let chars = 0;
    while (chars < (width - 2 * margin) / (body * (font.endsWith('Mono') ? 0.62 : 0.56)) - 4) {
      const word = pick(WORDS);
      words.push(word);
      chars += word.length + 1;
    }
    const italic = random() < 0.15 ? ' font-style="italic"' : '';
    parts.push(
      `<text x="${margin}" y="${Math.round(y)}" font-family="${font}" font-size="${body}" fill="${ink}"${italic}>${escapeXml(words.join(' '))}</text>`,
    );
    y += body * (1.3 + random() * 0.4);
    if (random() < 0.08 && y < height - 3 * body) {
      const boxHeight = Math.round(body * 2.2);
      parts.push(
        `<rect x="${margin}" y="${Math.round(y - body)}" width="${Math.round((width - 2 * margin) * 0.6)}" height="${boxHeight}" fill="none" stroke="${accent}" stroke-width="2"/>`,
        `<text x="${margin + body / 2}" y="${Math.round(y + body * 0.5)}" font-family="${font}" font-size="${body}" fill="${accent}">${escapeXml(`Note: ${pick(WORDS)} ${pick(WORDS)}`)}</text>`,
      );
      y += boxHeight + body;
    }
  }
  return {
    width,
    height,
    svg: `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`,
  };
}

/** Writes `count` pages as page_001.png... into `dir`; the same seed writes the same pages. */
export async function writeTextPages(dir: string, count: number, seed: number): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const random = seededRandom(seed);
  const files: string[] = [];
  for (let index = 0; index < count; index++) {
    const { svg } = textPageSvg(random);
    const file = join(dir, `page_${String(index + 1).padStart(3, '0')}.png`);
    await sharp(Buffer.from(svg)).flatten().removeAlpha().png().toFile(file);
    files.push(file);
  }
  return files;
}

/**
 * The evaluation's text set: 12 pages from seed 1000 (the fine-tuning benchmark renders from seed
 * 1, so its training pages are other pages), rendered once into the temp folder and reused.
 */
export const EVAL_TEXT_PAGES = { count: 12, seed: 1000 } as const;

export async function evalTextPages(): Promise<string[]> {
  const { count, seed } = EVAL_TEXT_PAGES;
  const dir = join(tmpdir(), `liif-eval-text-pages-v1-${seed}-${count}`);
  const complete = async () =>
    (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.png')).length === count;
  if (!(await complete())) {
    // Rendered beside and renamed into place, so no evaluation ever reads half a set; a complete
    // set already in place is never removed (another evaluation may be reading it).
    const partial = `${dir}.partial-${process.pid}-${Date.now()}`;
    await writeTextPages(partial, count, seed);
    const placed = await rename(partial, dir).then(
      () => true,
      () => false,
    );
    if (!placed) {
      // Someone else's pages are there (the same pages), or a damaged folder from a crash.
      if (!(await complete())) {
        await rm(dir, { recursive: true, force: true });
        await rename(partial, dir);
      } else {
        await rm(partial, { recursive: true, force: true });
      }
    }
  }
  return Array.from({ length: count }, (_, i) => join(dir, `page_${String(i + 1).padStart(3, '0')}.png`));
}
