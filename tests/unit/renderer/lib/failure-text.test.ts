import { describe, expect, it } from 'vitest';
import { failureText } from '../../../../renderer/src/lib/failure-text.js';

describe("a failed photo's error in the queue", () => {
  it("drops the file's name, makes the reason a sentence and keeps the library's words as detail", () => {
    expect(
      failureText(
        'broken.png',
        'broken.png: the file is truncated or damaged (image data ends early or is corrupt): vipspng: libpng read error',
      ),
    ).toEqual({
      reason: 'The file is truncated or damaged (image data ends early or is corrupt).',
      detail: 'vipspng: libpng read error',
    });
  });

  it('leaves a message without the name or a detail as it is, as a sentence', () => {
    expect(failureText('a.png', 'a.png: the file is empty (0 bytes)')).toEqual({
      reason: 'The file is empty (0 bytes).',
    });
    expect(failureText('a.png', 'the worker stopped (exit code 1)')).toEqual({
      reason: 'The worker stopped (exit code 1).',
    });
    expect(failureText('a.png', 'Out of memory!')).toEqual({ reason: 'Out of memory!' });
    expect(failureText('a.png', '')).toEqual({ reason: 'Failed.' });
  });

  it("splits off a detail only in the engine's per-file messages, which start with the name", () => {
    expect(failureText('b.png', 'a.png: the file cannot be read')).toEqual({
      reason: 'A.png: the file cannot be read.',
    });
    expect(failureText('b.png', 'the inference worker crashed: out of memory')).toEqual({
      reason: 'The inference worker crashed: out of memory.',
    });
  });
});
