import { describe, expect, it } from 'vitest';
import { checkModelName, checkRunName, NameError } from '../../../electron/shared/model-name.js';
import { HOSTILE_NAMES } from '../../helpers/hostile-names.js';

describe('checkModelName: the one rule for names that become folders', () => {
  it('refuses every name that could leave its folder or cannot be a folder', () => {
    for (const name of HOSTILE_NAMES)
      expect(() => checkModelName(name), JSON.stringify(name)).toThrow(NameError);
  });

  it('refuses what is not text, saying what it was', () => {
    for (const v of [undefined, null, 3, {}, ['a'], true])
      expect(() => checkModelName(v)).toThrow(/not a usable model name/);
    expect(() => checkModelName(3)).toThrow('"(number)"');
  });

  it('accepts plain names, trimmed, and says which name was wrong', () => {
    expect(checkModelName(' my birds ')).toBe('my birds');
    expect(checkModelName('liif-edsr-baseline')).toBe('liif-edsr-baseline');
    expect(checkModelName('v1.2_final')).toBe('v1.2_final');
    expect(checkModelName('a..b')).toBe('a..b');
    expect(checkModelName('x'.repeat(64))).toBe('x'.repeat(64));
    expect(checkModelName('console')).toBe('console');
    expect(() => checkRunName('..')).toThrow(/not a usable fine-tuning run name/);
  });
});
