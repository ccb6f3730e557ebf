/** Keyboard use of the queue: one Tab stop for the list, and focus kept where the user was. */
import { expect, type Page, test } from '@playwright/test';
import { dropPhotos, openApp, photo, resetServer, screenshot, setScale } from './support/app.js';

test.beforeEach(async ({ page }) => {
  await resetServer();
  await openApp(page);
});

/** The accessible name of the focused element. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');

test('the queue is one Tab stop, the arrows move between photos, and Remove and Clear finished keep focus in the queue', async ({
  page,
}) => {
  await setScale(page, 2);
  await dropPhotos(page, [
    await photo('one.png', 20, 16),
    await photo('two.png', 20, 16),
    await photo('three.png', 20, 16),
  ]);
  await expect(page.getByTestId('queue-item')).toHaveCount(3);
  // Only one row's controls are in the Tab order, however long the queue.
  const tabbable = await page
    .getByTestId('queue-item')
    .evaluateAll((rows) => rows.map((r) => r.querySelectorAll('button:not([tabindex="-1"])').length));
  expect(tabbable.filter((n) => n > 0)).toHaveLength(1);

  await page.getByRole('button', { name: 'Select one.png' }).focus();
  await page.keyboard.press('ArrowDown');
  expect(await focused(page)).toBe('Select two.png');
  await page.keyboard.press('End');
  expect(await focused(page)).toBe('Select three.png');
  await page.keyboard.press('Home');
  expect(await focused(page)).toBe('Select one.png');
  // Tab leaves the row's select for its own controls, then the list: not into the next row.
  await page.keyboard.press('Tab');
  expect(await focused(page)).toBe('Remove one.png');
  await page.keyboard.press('Tab');
  expect(await focused(page)).not.toMatch(/two\.png|three\.png/);

  // Remove by keyboard: focus goes to the row that takes its place.
  await page.getByRole('button', { name: 'Remove one.png' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('queue-item')).toHaveCount(2);
  await expect.poll(() => focused(page)).toBe('Select two.png');

  // Start, then Clear finished: the button goes disabled and focus lands on the queue's way in.
  await page.getByRole('button', { name: /^Start/ }).click();
  await expect(page.getByTestId('item-state')).toHaveText(['Done', 'Done'], { timeout: 60_000 });
  await page.getByRole('button', { name: 'Clear finished' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('queue-item')).toHaveCount(0);
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()))
    .toBe('Add photos…');
  await screenshot(page, 'keyboard-after-clear');
});

test('adding photos from the empty window puts focus on the first photo, not the page', async ({ page }) => {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('main').getByRole('button', { name: 'Add photos…' }).click();
  const picked = await photo('picked.png', 20, 16);
  await (await chooser).setFiles([{ name: picked.name, mimeType: 'image/png', buffer: picked.bytes }]);
  await expect(page.getByTestId('queue-item')).toHaveCount(1);
  await expect.poll(() => focused(page)).toBe('Select picked.png');
});
