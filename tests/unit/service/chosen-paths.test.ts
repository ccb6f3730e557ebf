import { describe, expect, it } from 'vitest';
import { ChosenPaths } from '../../../electron/service/chosen-paths.js';

describe('chosen paths', () => {
  it('covers chosen files and everything inside chosen folders, nothing else', () => {
    const chosen = new ChosenPaths();
    chosen.add('/home/me/photos');
    chosen.add('/tmp/one.jpg');
    expect(chosen.covers('/home/me/photos')).toBe(true);
    expect(chosen.covers('/home/me/photos/2024/a.jpg')).toBe(true);
    expect(chosen.covers('/home/me/photos-private/a.jpg')).toBe(false);
    expect(chosen.covers('/home/me/photos/../secret.txt')).toBe(false);
    expect(chosen.covers('/tmp/one.jpg')).toBe(true);
    expect(chosen.covers('/tmp/two.jpg')).toBe(false);
  });
});
