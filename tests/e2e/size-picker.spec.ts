import { expect, test } from '@playwright/test';
import { openApp, resetServer, snapshot } from './support/app.js';

test.beforeEach(async ({ page }) => {
  await resetServer();
  await openApp(page);
});

test('the size modes are one radio group driven by the keyboard', async ({ page }) => {
  const picker = page.getByTestId('default-size-picker');
  const group = picker.getByRole('radiogroup', { name: 'Size by' });
  const radio = (name: string) => group.getByRole('radio', { name, exact: true });
  const names = ['Scale', 'Width', 'Height', 'W × H', 'Preset', 'Print'];
  await expect(group.getByRole('radio')).toHaveCount(names.length);

  /** Exactly `name` is checked, focused, and the only radio Tab can reach; the service has it. */
  async function expectChosen(name: string, mode: string): Promise<void> {
    for (const other of names) {
      await expect(radio(other)).toHaveAttribute('aria-checked', String(other === name));
      await expect(radio(other)).toHaveAttribute('tabindex', other === name ? '0' : '-1');
    }
    await expect(radio(name)).toBeFocused();
    await expect.poll(async () => (await snapshot()).settings.size.mode).toBe(mode);
  }

  // Arrows move and check, wrapping at both ends; Home and End jump.
  await radio('Scale').focus();
  await expectChosen('Scale', 'scale');
  await page.keyboard.press('ArrowRight');
  await expectChosen('Width', 'width');
  await expect(picker.getByLabel('Width', { exact: true })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expectChosen('Height', 'height');
  await page.keyboard.press('ArrowRight');
  await expectChosen('W × H', 'box');
  await page.keyboard.press('End');
  await expectChosen('Print', 'print');
  await page.keyboard.press('ArrowRight'); // wraps to the first
  await expectChosen('Scale', 'scale');
  await page.keyboard.press('ArrowLeft'); // and back to the last
  await expectChosen('Print', 'print');
  await page.keyboard.press('ArrowUp');
  await expectChosen('Preset', 'long-edge');
  await page.keyboard.press('Home');
  await expectChosen('Scale', 'scale');
  await page.keyboard.press('ArrowRight');
  await expectChosen('Width', 'width');

  // Roving tabindex: Tab leaves the group for the mode's field, Shift+Tab comes back to the
  // checked mode (Width), not to the last radio.
  await page.keyboard.press('Tab');
  await expect(picker.getByLabel('Width', { exact: true })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(radio('Width')).toBeFocused();
});
