import { expect, type Page, test } from '@playwright/test';
import sharp from 'sharp';
import type { Region } from '../../electron/ipc/payloads.js';
import { dropPhotos, openApp, photo, resetServer, screenshot, setScale, snapshot } from './support/app.js';

test.beforeEach(async ({ page }) => {
  await resetServer();
  await openApp(page);
});

async function runOne(page: Page, name: string, width: number, height: number): Promise<void> {
  await dropPhotos(page, [await photo(name, width, height)]);
  await page.getByRole('button', { name: /^Start/ }).click();
  await expect(page.getByTestId('item-state')).toHaveText('Done');
}

test('settings survive a reload', async ({ page }) => {
  await setScale(page, 2.37);
  await page.getByLabel('Format').first().selectOption('webp');
  await page.getByLabel('File name').fill('{name}-big-{width}');
  await page.getByLabel('File name').press('Enter');
  await page.getByLabel('Keep metadata').uncheck();
  await page.getByLabel('Include subfolders').check();
  await expect(page.getByLabel('Quality')).toBeVisible();
  // Saved by the service (not just shown), before the page goes away.
  await expect
    .poll(async () => (await snapshot()).settings)
    .toMatchObject({
      size: { mode: 'scale', scale: 2.37 },
      output: { format: 'webp', template: '{name}-big-{width}', keepMetadata: false },
      recursive: true,
    });
  await page.reload();
  await page.getByTestId('engine-status').waitFor();
  const picker = page.getByTestId('default-size-picker');
  await expect(picker.getByRole('radio', { name: 'Scale' })).toHaveAttribute('aria-checked', 'true');
  await expect(picker.getByLabel('Scale ×')).toHaveValue('2.37');
  await expect(page.getByLabel('Format').first()).toHaveValue('webp');
  await expect(page.getByLabel('File name')).toHaveValue('{name}-big-{width}');
  await expect(page.getByLabel('Keep metadata')).not.toBeChecked();
  await expect(page.getByLabel('Include subfolders')).toBeChecked();
});

test('forcing WebGPU without a graphics card warns in amber, in plain words', async ({ page }) => {
  await page.getByLabel('Run on').selectOption('webgpu');
  const status = page.getByTestId('engine-status');
  await expect
    .poll(async () => (await snapshot()).engine, { timeout: 60_000 })
    .toMatchObject({ state: 'ready' });
  const { engine } = await snapshot();
  test.skip(
    engine.provider !== 'webgpu' || !/software adapter/.test(engine.reason ?? ''),
    `no software WebGPU adapter to warn about here: ${engine.provider}, ${engine.reason}`,
  );
  await expect(status).toHaveAttribute('data-warn', 'yes');
  await expect(status).toContainText('Using WebGPU in software (no graphics card found)');
  await expect(page.getByTestId('engine-hint')).toContainText('about 20 times slower than the processor');
  // The dot is drawn in the theme's warning colour, not its green.
  const colours = await status.locator('.dot').evaluate((dot) => {
    const probe = document.createElement('span');
    document.body.append(probe);
    const resolve = (v: string) => {
      probe.style.background = `var(${v})`;
      return getComputedStyle(probe).backgroundColor;
    };
    const out = { dot: getComputedStyle(dot).backgroundColor, warn: resolve('--warn'), ok: resolve('--ok') };
    probe.remove();
    return out;
  });
  expect(colours.dot).toBe(colours.warn);
  expect(colours.dot).not.toBe(colours.ok);
  await screenshot(page, 'engine-webgpu-software');
  // Back to the processor: green again.
  await page.getByLabel('Run on').selectOption('cpu');
  await expect(status).toHaveAttribute('data-warn', 'no', { timeout: 60_000 });
});

test('a bad file name template is refused in plain words', async ({ page }) => {
  await expect(page.getByTestId('template-example')).toHaveText('e.g. IMG_0042_8000x6000.jpg');
  await page.getByLabel('File name').fill('{name}_{hieght}');
  // Said under the field as it is typed, naming the typo and not an extension the user never typed.
  await expect(page.getByTestId('template-error')).toHaveText(/^unknown placeholder \{hieght\}/);
  await expect(page.getByTestId('template-error')).not.toContainText('{ext}');
  await page.getByLabel('File name').press('Enter');
  // Not sent: the old template stays in force, the typed text stays to be fixed.
  expect((await snapshot()).settings.output.template).toBe('{name}_{width}x{height}');
  await expect(page.getByLabel('File name')).toHaveValue('{name}_{hieght}');
  await expect(page.getByText('{scale}', { exact: true })).toBeVisible();
  await page.getByLabel('File name').fill('{name}@{scale}x');
  await expect(page.getByTestId('template-example')).toHaveText('e.g. IMG_0042@2x.jpg');
});

/** Upscale with the shipped model rather than the tests' tiny random one (whose output is flat). */
async function useShippedModel(page: Page): Promise<void> {
  await page.getByLabel('Model', { exact: true }).selectOption('liif-edsr-baseline');
  await expect(page.getByTestId('engine-status')).toContainText('liif-edsr-baseline');
}

/** Raw RGB(A) bytes of a PNG, or of a rectangle of it. */
async function rawPixels(png: string | Buffer, region?: Region): Promise<Buffer> {
  const image = sharp(png);
  return (region ? image.extract({ left: region.x, top: region.y, ...region }) : image).raw().toBuffer();
}

test('the region preview appears, follows the region, and shows the pixels the upscale will have', async ({
  page,
}) => {
  await dropPhotos(page, [await photo('scene.png', 160, 120)]);
  await setScale(page, 3);
  await useShippedModel(page);
  await page.getByRole('button', { name: 'Select scene.png' }).click();
  const preview = page.getByTestId('region-preview');
  const image = preview.getByTestId('region-preview-image');
  await expect(image).toBeVisible();
  await expect(preview).toContainText('340 × 340 of 480 × 360');
  const first = await image.getAttribute('src');
  expect(await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([
    340, 340,
  ]);
  const overview = preview.getByRole('slider');
  await overview.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  // The full preview of the new place (a coarse quick look comes first, at a quarter of the pixels).
  await expect
    .poll(() =>
      image.evaluate(
        (img: HTMLImageElement, old) => img.src !== old && img.complete && img.naturalWidth,
        first,
      ),
    )
    .toBe(340);
  await expect(preview.getByLabel('Rendering preview')).toHaveCount(0);
  await screenshot(page, 'region-preview');

  const where = /region at (\d+), (\d+)/.exec((await overview.getAttribute('aria-valuetext')) ?? '');
  expect(where).not.toBeNull();
  const region = { x: Number(where![1]), y: Number(where![2]), width: 340, height: 340 };
  const src = (await image.getAttribute('src')) ?? '';
  const previewPng = await (await page.request.get(new URL(src, page.url()).href)).body();
  const shown = await rawPixels(previewPng);

  await page.getByRole('button', { name: /^Start/ }).click();
  await expect(page.getByTestId('item-state')).toHaveText('Done', { timeout: 60_000 });
  const [item] = (await snapshot()).queue.items;
  const final = await rawPixels(item.output!.path, region);
  // The preview decodes the same coordinates from the same codes as the whole upscale.
  expect(shown.length).toBe(final.length);
  let largest = 0;
  for (let i = 0; i < shown.length; i++) largest = Math.max(largest, Math.abs(shown[i] - final[i]));
  expect(largest).toBe(0);
  // And it is the model's picture of the photo's stripes, not a flat colour.
  const blue = Array.from({ length: shown.length / 3 }, (_, i) => shown[i * 3 + 2]);
  expect(Math.max(...blue) - Math.min(...blue)).toBeGreaterThan(100);
});

test('the size picker shows pixels and megapixels, and warns beyond x4 and x12', async ({ page }) => {
  await dropPhotos(page, [await photo('tiny.png', 100, 50)]);
  const picker = page.getByTestId('default-size-picker');
  await setScale(page, 4);
  await expect(picker.getByTestId('default-size-result')).toContainText('400 × 200 px · 0.08 MP');
  await expect(picker.getByTestId('default-size-warning')).toHaveCount(0);
  await setScale(page, 6);
  await expect(picker.getByTestId('default-size-warning')).toContainText('beyond the trained range');
  await setScale(page, 13);
  await expect(picker.getByTestId('default-size-warning')).toContainText('far beyond');
  await picker.getByRole('radio', { name: 'Preset' }).click();
  await picker.getByRole('button', { name: '4K' }).click();
  await expect(picker.getByTestId('default-size-result')).toContainText('3840 × 1920 px');
  await picker.getByRole('radio', { name: 'Print' }).click();
  await expect(picker).toContainText('1772 × 1181 px at 300 DPI');
});

test('compare view: before/after slider, zoom to 1:1, keyboard close', async ({ page }) => {
  await useShippedModel(page);
  await runOne(page, 'portrait.png', 60, 80);
  // Named with its photo, for a screen reader going down the list.
  await page.getByRole('button', { name: 'Compare portrait.png', exact: true }).click();
  const dialog = page.getByTestId('compare-view');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('compare-after')).toBeVisible();
  await screenshot(page, 'compare');
  await dialog.getByRole('slider', { name: 'Before and after split' }).fill('25');
  await dialog.getByRole('button', { name: '1:1' }).click();
  await expect(dialog.getByRole('button', { name: '1:1' })).toHaveAttribute('aria-pressed', 'true');
  await expect(dialog).toContainText('100%');
  await screenshot(page, 'compare-1to1');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('compare view: the line is dragged by its handle, and both halves are drawn the same way', async ({
  page,
}) => {
  await useShippedModel(page);
  await runOne(page, 'handle.png', 60, 80);
  await page.getByRole('button', { name: 'Compare handle.png', exact: true }).click();
  const dialog = page.getByTestId('compare-view');
  const slider = dialog.getByRole('slider', { name: 'Before and after split' });
  await expect(slider).toHaveValue('50');
  // Dragging the handle moves the line (and the slider with it); the picture does not pan.
  const handle = dialog.getByTestId('compare-handle');
  const box = (await handle.boundingBox())!;
  const viewport = (await dialog.locator('.viewport').boundingBox())!;
  const stageBefore = await dialog.locator('.stage').first().getAttribute('style');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(viewport.x + viewport.width * 0.2, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  expect(Number(await slider.inputValue())).toBeCloseTo(20, 0);
  expect(await dialog.locator('.stage').first().getAttribute('style')).toBe(stageBefore);
  // Above 100 % both halves are smoothed alike; "Pixels" shows squares on both sides.
  await dialog.getByRole('button', { name: 'Zoom in' }).click();
  await dialog.getByRole('button', { name: 'Zoom in' }).click();
  const rendering = () =>
    Promise.all(
      ['compare-before', 'compare-after'].map((id) =>
        dialog.getByTestId(id).evaluate((img) => getComputedStyle(img).imageRendering),
      ),
    );
  expect(await rendering()).toEqual(['auto', 'auto']);
  await dialog.getByRole('button', { name: 'Pixels' }).click();
  await expect(dialog.getByRole('button', { name: 'Pixels' })).toHaveAttribute('aria-pressed', 'true');
  expect(await rendering()).toEqual(['pixelated', 'pixelated']);
  await screenshot(page, 'compare-handle-pixels');
});

test('the batch size control stays in view with a photo selected (1280 x 800)', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await dropPhotos(page, [await photo('tall-panel.png', 64, 48)]);
  await page.getByRole('button', { name: 'Select tall-panel.png' }).click();
  await expect(page.getByTestId('selected-photo')).toBeVisible();
  const size = await page.locator('#size-heading').boundingBox();
  const photoPanel = await page.getByTestId('selected-photo').boundingBox();
  expect(size!.y + size!.height).toBeLessThan(800);
  expect(size!.y).toBeLessThan(photoPanel!.y);
});

test('a moved preview region is remembered when the photo is selected again', async ({ page }) => {
  await dropPhotos(page, [await photo('left.png', 160, 120), await photo('right.png', 160, 120, 2)]);
  await setScale(page, 3);
  await page.getByRole('button', { name: 'Select left.png' }).click();
  // The region is read once the x3 size has reached the panel (it starts at the default x4).
  await expect(page.getByTestId('region-preview')).toContainText('of 480 × 360');
  const overview = page.getByTestId('region-preview').getByRole('slider');
  const centre = await overview.getAttribute('aria-valuetext');
  await overview.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await expect(overview).not.toHaveAttribute('aria-valuetext', centre ?? '');
  const moved = await overview.getAttribute('aria-valuetext');
  expect(moved).not.toBe(centre);
  await page.getByRole('button', { name: 'Select right.png' }).click();
  await expect(overview).toHaveAttribute('aria-valuetext', centre ?? '');
  await page.getByRole('button', { name: 'Select left.png' }).click();
  await expect(overview).toHaveAttribute('aria-valuetext', moved ?? '');
});
