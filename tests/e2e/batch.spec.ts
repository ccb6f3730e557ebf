import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import {
  damagedPhoto,
  dropPhotos,
  openApp,
  photo,
  resetServer,
  screenshot,
  setScale,
  snapshot,
} from './support/app.js';

test.beforeEach(async ({ page }) => {
  await resetServer();
  await openApp(page);
});

const rows = (page: import('@playwright/test').Page) => page.getByTestId('queue-item');

async function sizeOf(path: string): Promise<[number, number]> {
  const meta = await sharp(path).metadata();
  return [meta.width, meta.height];
}

test('the empty window invites a drop', async ({ page }) => {
  await expect(page.getByRole('heading', { name: 'Drop photos or folders anywhere' })).toBeVisible();
  await expect(page.getByTestId('engine-status')).toHaveAttribute('data-state', 'ready');
  // In a photographer's words; the runtime's reason ("run `npm run setup:cuda`") only on hover.
  await expect(page.getByTestId('engine-status')).toContainText('Using the processor (CPU)');
  await expect(page.getByTestId('engine-status')).not.toContainText('npm run');
  await screenshot(page, 'empty');
});

test('drop three photos, set 2.5x, run: the files exist with the right pixel sizes', async ({ page }) => {
  await dropPhotos(page, [
    await photo('alpha.png', 40, 30, 1),
    await photo('beta.png', 36, 36, 2),
    await photo('gamma.png', 30, 44, 3),
  ]);
  await expect(rows(page)).toHaveCount(3);
  await setScale(page, 2.5);
  await expect(rows(page).getByTestId('item-target')).toHaveText(['100 × 75', '90 × 90', '75 × 110']);
  await page.getByRole('button', { name: /^Start/ }).click();
  await expect(rows(page).getByTestId('item-state')).toHaveText(['Done', 'Done', 'Done']);
  await expect(page.getByTestId('overall-progress')).toContainText('3 of 3 finished');
  await expect(rows(page).first().getByTestId('item-saved')).toContainText(
    'Saved alpha_100x75.png, 100 × 75, in',
  );
  const items = (await snapshot()).queue.items;
  const sizes = await Promise.all(items.map((i) => sizeOf(i.output!.path)));
  expect(sizes).toEqual([
    [100, 75],
    [90, 90],
    [75, 110],
  ]);
  expect(items.map((i) => i.output!.path.split('/').pop())).toEqual([
    'alpha_100x75.png',
    'beta_90x90.png',
    'gamma_75x110.png',
  ]);
  // A setting changed afterwards does not rewrite what the finished rows say they saved.
  await setScale(page, 4);
  await expect(rows(page).first().getByTestId('item-target')).toHaveText('100 × 75');
  await expect(rows(page).first().getByTestId('item-target-now')).toHaveText(
    '· would now be 160 × 120 (not redone)',
  );
});

test('width and height with the aspect lock off give exactly that size', async ({ page }) => {
  await dropPhotos(page, [await photo('wide.png', 48, 32)]);
  const picker = page.getByTestId('default-size-picker');
  await picker.getByRole('radio', { name: 'W × H' }).click();
  await picker.getByRole('button', { name: 'Aspect locked' }).click();
  await expect(picker.getByRole('button', { name: 'Aspect free' })).toHaveAttribute('aria-pressed', 'false');
  await picker.getByLabel('Width').fill('101');
  await picker.getByLabel('Width').press('Tab');
  await picker.getByLabel('Height').fill('37');
  await picker.getByLabel('Height').press('Enter');
  await expect(picker.getByTestId('default-size-result')).toContainText('101 × 37 px');
  // 48 x 32 to 101 x 37: the photo is stretched, and the picker says by how much on each axis.
  await expect(picker.getByTestId('default-size-stretch')).toHaveText('· stretched: x2.1 wide, x1.16 tall');
  await expect(rows(page).getByTestId('item-target')).toHaveText('101 × 37');
  await page.getByRole('button', { name: /^Start/ }).click();
  await expect(rows(page).getByTestId('item-state')).toHaveText('Done');
  const [item] = (await snapshot()).queue.items;
  expect(await sizeOf(item.output!.path)).toEqual([101, 37]);
});

test('every queued row warns of a scale beyond the trained range, not only the selected photo', async ({
  page,
}) => {
  await dropPhotos(page, [await photo('big.png', 480, 360), await photo('tiny.png', 40, 30)]);
  const picker = page.getByTestId('default-size-picker');
  await picker.getByRole('radio', { name: 'Width' }).click();
  await picker.getByLabel('Width').fill('1920');
  await picker.getByLabel('Width').press('Enter');
  await expect(rows(page).nth(0).getByTestId('item-warning')).toHaveCount(0);
  await expect(rows(page).nth(1).getByTestId('item-warning')).toHaveText(
    /^x48 is far beyond what the model learned/,
  );
});

test('a damaged file fails in plain words while the others finish', async ({ page }) => {
  await dropPhotos(page, [
    await photo('first.png', 32, 24),
    await damagedPhoto('broken.png'),
    await photo('last.png', 24, 32),
  ]);
  await expect(rows(page)).toHaveCount(3);
  await page.getByRole('button', { name: /^Start/ }).click();
  await expect(rows(page).getByTestId('item-state')).toHaveText(['Done', 'Failed', 'Done']);
  // The row names the file already: the reason in plain words, the library's own words after it.
  await expect(rows(page).nth(1).getByTestId('item-error')).toHaveText(
    'The file is truncated or damaged (image data ends early or is corrupt).',
  );
  await expect(page.getByTestId('overall-progress')).toContainText('3 of 3 finished · 1 failed');
  await screenshot(page, 'error');
  await page.emulateMedia({ colorScheme: 'dark' });
  await rows(page).nth(1).getByRole('button', { name: 'Select broken.png' }).click();
  await screenshot(page, 'error-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  const items = (await snapshot()).queue.items;
  expect(items[1].output).toBeUndefined();
  expect(await sizeOf(items[2].output!.path)).toEqual([96, 128]);
});

test('a CMYK photo is done with a note that it was made sRGB', async ({ page }) => {
  const cmyk = await sharp((await photo('print.jpg', 24, 20)).bytes)
    .toColourspace('cmyk')
    .jpeg()
    .toBuffer();
  await dropPhotos(page, [{ name: 'print.jpg', bytes: cmyk }, await photo('plain.png', 20, 24)]);
  await expect(rows(page)).toHaveCount(2);
  await page.getByRole('button', { name: /^Start/ }).click();
  await expect(rows(page).getByTestId('item-state')).toHaveText(['Done', 'Done']);
  await expect(rows(page).nth(0).getByTestId('item-notice')).toHaveText(
    'Note: converted from CMYK to sRGB: the output has no CMYK version',
  );
  await expect(rows(page).nth(1).getByTestId('item-notice')).toHaveCount(0);
});

test('cancel mid-image leaves no partial file', async ({ page }) => {
  await dropPhotos(page, [await photo('large.png', 640, 480)]);
  await setScale(page, 4);
  await page.getByRole('button', { name: /^Start/ }).click();
  const row = rows(page).first();
  await expect(row).toHaveAttribute('data-state', 'running');
  // Wait until at least one tile is done, so the cancel lands in the middle of the image.
  await expect(row.getByRole('progressbar')).not.toHaveAttribute('aria-valuenow', '0');
  await screenshot(page, 'queue-running');
  await row.getByRole('button', { name: 'Cancel large.png' }).click();
  await expect(row).toHaveAttribute('data-state', 'cancelled');
  const [item] = (await snapshot()).queue.items;
  expect(item.output).toBeUndefined();
  const out = join(dirname(item.path), 'upscaled');
  expect(await readdir(out).catch(() => [])).toEqual([]);
  // A stopped photo has one way to remove it and one to run it again, which starts at once.
  await expect(row.getByRole('button', { name: 'Cancel large.png' })).toHaveCount(0);
  await expect(row.getByRole('button', { name: 'Remove large.png' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Retry failed & cancelled (1)' })).toBeEnabled();
  await row.getByRole('button', { name: 'Retry large.png' }).click();
  await expect(row).toHaveAttribute('data-state', 'running');
  await row.getByRole('button', { name: 'Cancel large.png' }).click();
  await expect(row).toHaveAttribute('data-state', 'cancelled');
});

test('a queued photo has one remove button and no cancel', async ({ page }) => {
  await dropPhotos(page, [await photo('waiting.png', 20, 16)]);
  const row = rows(page).first();
  await expect(row.getByRole('button', { name: 'Remove waiting.png' })).toBeVisible();
  await expect(row.getByRole('button', { name: 'Cancel waiting.png' })).toHaveCount(0);
});

test('pausing says what it waits for, then how many are left', async ({ page }) => {
  await dropPhotos(page, [await photo('first.png', 480, 360), await photo('second.png', 32, 24)]);
  await setScale(page, 4);
  await page.getByRole('button', { name: /^Start/ }).click();
  await expect(rows(page).first()).toHaveAttribute('data-state', 'running');
  await page.getByRole('button', { name: 'Pause after current' }).click();
  await expect(page.getByTestId('run-state')).toHaveText('Pausing after first.png…');
  // The same button took the new job: keyboard focus is still on it, not back on the page.
  await expect(page.getByRole('button', { name: /^Resume/ })).toBeFocused();
  await expect(rows(page).first()).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('run-state')).toHaveText('Paused: 1 left');
  await expect(page.getByRole('button', { name: 'Resume (1)' })).toBeVisible();
  await page.getByRole('button', { name: 'Resume (1)' }).click();
  await expect(rows(page).getByTestId('item-state')).toHaveText(['Done', 'Done']);
  await expect(page.getByTestId('run-state')).toHaveCount(0);
});

test('changing a finished photo’s own format keeps its result and offers a redo', async ({ page }) => {
  await dropPhotos(page, [await photo('kept.png', 24, 18)]);
  await setScale(page, 2);
  await page.getByRole('button', { name: /^Start/ }).click();
  await expect(rows(page).getByTestId('item-state')).toHaveText('Done');
  await rows(page).first().getByRole('button', { name: 'Select kept.png' }).click();
  await page.getByLabel('Format for this photo').selectOption('jpeg');
  // Not re-queued behind the user's back: still done, with the choice to redo it.
  await expect(rows(page).getByTestId('item-state')).toHaveText('Done');
  await page.getByTestId('redo').click();
  await expect(rows(page).getByTestId('item-state')).toHaveText('Queued');
  await page.getByRole('button', { name: /^Start/ }).click();
  await expect(rows(page).getByTestId('item-state')).toHaveText('Done');
  await expect(rows(page).first().getByTestId('item-saved')).toContainText('Saved kept_48x36.jpg');
  const [item] = (await snapshot()).queue.items;
  expect((await readdir(dirname(item.output!.path))).sort()).toEqual(['kept_48x36.jpg', 'kept_48x36.png']);
});
