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
  // Each key and the mode it lands on (and checks).
  const moves: Array<[key: string, label: string, mode: string]> = [
    ['ArrowDown', 'Height', 'height'],
    ['ArrowRight', 'W × H', 'box'],
    ['End', 'Print', 'print'],
    ['ArrowRight', 'Scale', 'scale'], // wraps to the first
    ['ArrowLeft', 'Print', 'print'], // and back to the last
    ['ArrowUp', 'Preset', 'long-edge'],
    ['Home', 'Scale', 'scale'],
    ['ArrowRight', 'Width', 'width'],
  ];
  for (const [key, label, mode] of moves) {
    await page.keyboard.press(key);
    await expectChosen(label, mode);
  }

  // Roving tabindex: Tab leaves the group for the mode's field, Shift+Tab comes back to the
  // checked mode (Width), not to the last radio.
  await page.keyboard.press('Tab');
  await expect(picker.getByLabel('Width', { exact: true })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(radio('Width')).toBeFocused();
});
