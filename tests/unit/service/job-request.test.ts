import { describe, expect, it } from 'vitest';
import { targetWarning } from '../../../electron/service/job-request.js';
import { DEFAULT_SETTINGS } from '../../../electron/service/settings-store.js';

describe('the queue row warning', () => {
  const wide = { width: 16384, height: 8192 };
  const webp = { ...DEFAULT_SETTINGS, output: { ...DEFAULT_SETTINGS.output, format: 'webp' as const } };

  it('warns when the output format cannot store the target: WebP past 16383 pixels per side', () => {
    // 'same' as the photo: a WebP photo gives WebP.
    expect(targetWarning('/p/a.webp', wide, undefined, DEFAULT_SETTINGS)).toBe(
      'too large for the output format: 16384x8192, webp allows at most 16383 pixels per side; choose PNG, JPEG or TIFF, or a smaller size',
    );
    expect(targetWarning('/p/a.png', wide, undefined, webp)).toMatch(/webp allows at most 16383/);
  });

  it("says nothing when the format can store it, and follows the photo's own format override", () => {
    expect(targetWarning('/p/a.png', wide, undefined, DEFAULT_SETTINGS)).toBeUndefined();
    expect(
      targetWarning('/p/a.webp', { width: 16383, height: 16383 }, undefined, DEFAULT_SETTINGS),
    ).toBeUndefined();
    expect(targetWarning('/p/a.png', wide, { format: 'png' }, webp)).toBeUndefined();
    expect(
      targetWarning('/p/a.png', { width: 70000, height: 10 }, { format: 'jpeg' }, DEFAULT_SETTINGS),
    ).toMatch(/jpeg allows at most 65535/);
  });
});
