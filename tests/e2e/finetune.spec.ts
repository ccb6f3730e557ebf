import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import {
  ARTIFACTS,
  answerFolderDialog,
  damagedPhoto,
  dropPhotos,
  openApp,
  photo,
  resetServer,
  screenshot,
  snapshot,
} from './support/app.js';

// Training runs in a worker on a loaded two-core machine: give the whole story room.
test.setTimeout(240_000);

/** Five usable photos of mixed sizes, one too small for a training crop, one cut short. */
async function photoFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'liif-e2e-finetune-'));
  const sizes: Array<[number, number]> = [
    [96, 64],
    [64, 64],
    [80, 120],
    [140, 100],
    [72, 56],
  ];
  for (const [i, [w, h]] of sizes.entries()) {
    const p = await photo(`photo-${i + 1}.png`, w, h, i + 1);
    await writeFile(join(dir, p.name), p.bytes);
  }
  const tiny = await photo('tiny.png', 12, 10);
  await writeFile(join(dir, tiny.name), tiny.bytes);
  const broken = await damagedPhoto('broken.png');
  await writeFile(join(dir, broken.name), broken.bytes);
  return dir;
}

/** Waits until the loss line has at least `points` points. */
async function lossPoints(page: Page, points: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const d = (await page.locator('path[data-series="loss"]').getAttribute('d')) ?? '';
        return d.split(/[ML]/).filter((s) => s.trim() !== '').length;
      },
      { timeout: 120_000 },
    )
    .toBeGreaterThanOrEqual(points);
}

async function startRun(page: Page, name: string, steps: number): Promise<void> {
  await page.getByLabel('New model name').fill(name);
  // The tiny model, so that a few steps take seconds (the shipped one is the default base).
  await page.getByLabel('Start from').selectOption('tiny-random');
  await page.getByLabel('Budget', { exact: true }).fill(String(steps));
  await page.getByLabel('Budget unit').selectOption('steps');
  await page.getByRole('button', { name: 'Start fine-tuning' }).click();
  await expect(page.getByTestId('training-state')).toHaveText('Training');
}

test('fine-tune on a picked folder: scan report, chart, cancel, pause, resume after a reload, use the model', async ({
  page,
}) => {
  await resetServer();
  await openApp(page);
  const folder = await photoFolder();

  await page.getByRole('tab', { name: 'Fine-tune' }).click();
  await answerFolderDialog(folder);
  await page.getByRole('button', { name: 'Add folder…' }).click();
  const report = page.getByTestId('scan-report');
  await expect(report.getByTestId('usable-count')).toHaveText('5 usable photos');
  const skipped = report.getByTestId('skipped-files');
  // Plain words; the reason's code only on hover.
  await expect(skipped).toContainText(/tiny\.png: 12x10 is smaller than the \d+-pixel training crop/);
  await expect(skipped).not.toContainText('too-small');
  await expect(skipped.locator('li', { hasText: 'tiny.png' })).toHaveAttribute('title', /^too-small: /);
  await expect(skipped).toContainText('broken.png: The file is truncated or damaged');
  await screenshot(page, 'finetune-scan');

  // A run that is cancelled leaves no model and nothing to resume.
  await startRun(page, 'e2e-cancelled', 500);
  await lossPoints(page, 2);
  await screenshot(page, 'finetune-training');
  // Cancelling throws training time away: it asks first, and Keep keeps it.
  const progress = page.getByTestId('training-progress');
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(progress.getByRole('alertdialog')).toContainText(/Discard \d+ steps of training\?/);
  await progress.getByRole('button', { name: 'Keep' }).click();
  await expect(progress.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await progress.getByRole('button', { name: 'Discard' }).click();
  await expect(page.getByTestId('training-progress')).toBeHidden();
  await expect(page.getByTestId('resume-offer')).toHaveCount(0);
  expect((await snapshot()).models.map((m) => m.name)).not.toContain('e2e-cancelled');

  // A paused run is offered again after a reload (as after closing the app) and finishes.
  await startRun(page, 'e2e-tuned', 120);
  await lossPoints(page, 2);
  await page.getByTestId('training-progress').getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('training-state')).toHaveText('Paused', { timeout: 120_000 });
  // The panel has the paused run's controls; no second set in a banner above it.
  await expect(page.getByTestId('resume-offer')).toHaveCount(0);
  await page.reload();
  const offer = page.getByTestId('resume-offer');
  await expect(offer).toContainText('e2e-tuned');
  // The chosen folder and its report came back with the reload.
  await page.getByRole('tab', { name: 'Fine-tune' }).click();
  await expect(page.getByRole('button', { name: `Remove ${folder}` })).toBeVisible();
  await expect(report.getByTestId('usable-count')).toHaveText('5 usable photos');
  await screenshot(page, 'finetune-resume-offer');
  // On the fine-tune view the panel holds the paused run's controls, and the banner steps aside.
  await expect(offer).toHaveCount(0);
  await page.getByTestId('training-progress').getByRole('button', { name: 'Resume' }).click();
  const result = page.getByTestId('finetune-result');
  await expect(result).toBeVisible({ timeout: 180_000 });
  await expect(result.getByTestId('tuned-psnr')).toContainText('dB');
  await expect(result.getByTestId('held-out-photos')).toContainText(/better on \d+ of \d+/);
  // 5 photos hold out 1: the card says that is too few to be sure.
  await expect(result.getByTestId('few-held-out')).toContainText(
    'only 1 photo kept aside: too few to be sure',
  );
  // A change under 0.1 dB is not coloured as a win or a loss (the verdict calls it the same).
  const change = Number(
    ((await result.getByTestId('psnr-change').textContent()) ?? '').replace(/[^\d.+-]/g, ''),
  );
  if (Math.abs(change) < 0.1) await expect(result.getByTestId('psnr-change')).not.toHaveClass(/better|worse/);
  await expect(result.getByTestId('finetune-verdict')).toContainText(
    /(Better than|About the same as|Worse than) /,
  );
  await expect(page.locator('path[data-series="tuned"]')).toHaveAttribute('d', /L/);
  // The held-out photo that gained most, as four pictures that loaded (base, tuned, bicubic, original).
  const example = result.getByTestId('held-out-example');
  await expect(example.getByRole('img')).toHaveCount(4);
  await expect
    .poll(() =>
      example
        .getByRole('img')
        .evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0)),
    )
    .toEqual([true, true, true, true]);
  await expect(example).toContainText('Fine-tuned');
  await screenshot(page, 'finetune-done');
  await example.scrollIntoViewIfNeeded();
  await screenshot(page, 'finetune-example');
  await result.getByRole('button', { name: 'Use for upscaling' }).click();
  await expect(result.getByRole('button', { name: 'Used for upscaling' })).toBeDisabled();
  await expect(page.getByTestId('model-list').locator('[data-model="e2e-tuned"]')).toContainText(
    'used for upscaling',
  );

  // Upscale one photo with the new model.
  await page.getByRole('tab', { name: 'Upscale' }).click();
  await expect(page.locator('#model')).toHaveValue('e2e-tuned');
  await expect(page.getByTestId('engine-status')).toHaveAttribute('data-state', 'ready');
  await dropPhotos(page, [await photo('with-tuned.png', 40, 30, 5)]);
  await page.getByRole('button', { name: /^Start/ }).click();
  await expect(page.getByTestId('item-state')).toHaveText(['Done'], { timeout: 60_000 });
  const [item] = (await snapshot()).queue.items;
  expect(item.output && existsSync(item.output.path)).toBe(true);
  await screenshot(page, 'finetune-upscaled');

  // The model library: rename (the upscaling setting follows), export, delete, import back.
  await page.getByRole('tab', { name: 'Fine-tune' }).click();
  const models = page.getByTestId('model-list');
  await models.locator('[data-model="e2e-tuned"]').getByRole('button', { name: 'Rename' }).click();
  await page.getByLabel('New name for e2e-tuned').fill('e2e-renamed');
  await page.getByLabel('New name for e2e-tuned').press('Enter');
  const renamed = models.locator('[data-model="e2e-renamed"]');
  await expect(renamed).toContainText('used for upscaling');
  const exportDir = await mkdtemp(join(tmpdir(), 'liif-e2e-export-'));
  await answerFolderDialog(exportDir);
  await renamed.getByRole('button', { name: 'Export…' }).click();
  await expect.poll(() => existsSync(join(exportDir, 'e2e-renamed', 'model.json'))).toBe(true);
  await renamed.getByRole('button', { name: 'Delete' }).click();
  await renamed.getByRole('button', { name: 'Delete for good' }).click();
  await expect(renamed).toHaveCount(0);
  expect((await snapshot()).settings.model).toBeNull();
  await answerFolderDialog(join(exportDir, 'e2e-renamed'));
  await models.getByRole('button', { name: 'Import…' }).click();
  await expect(models.locator('[data-model="e2e-renamed"]')).toContainText('e2e-renamed');
  await expect(models.locator('[data-model="e2e-renamed"]')).toContainText('dB');
  await models.screenshot({ path: join(ARTIFACTS, 'finetune-models.png') });
});
