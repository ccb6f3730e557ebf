import { describe, expect, it } from 'vitest';
import { templateExample, templateWithExt } from '../../../electron/shared/name-template.js';

const vars = { name: 'IMG_0042', width: 8000, height: 6000, scale: '2', ext: 'jpg' };

describe('app file name templates', () => {
  it('gives the name a template makes, with the extension added', () => {
    expect(templateExample('{name}_{width}x{height}', vars)).toEqual({
      ok: true,
      name: 'IMG_0042_8000x6000.jpg',
    });
    expect(templateExample('{name}@{scale}x', vars)).toEqual({ ok: true, name: 'IMG_0042@2x.jpg' });
    expect(templateWithExt('{name}.{ext}')).toBe('{name}.{ext}');
  });

  it("names a typo against what the user typed, never the app's added {ext}", () => {
    const typo = templateExample('{name}_{hieght}', vars);
    expect(typo).toEqual({
      ok: false,
      problem: 'unknown placeholder {hieght}: use {name}, {width}, {height} or {scale}',
    });
    expect(templateExample('  ', vars)).toEqual({ ok: false, problem: 'the file name template is empty' });
  });
});
