import { describe, expect, it } from 'vitest';
import { failureText, sentence } from '../../../../renderer/src/lib/failure-text.js';

describe("a failed photo's error in the queue", () => {
  it('shows the reason as a sentence and keeps the cause apart, from the parts the engine sent', () => {
    expect(
      failureText(
        'broken.png: the file is truncated or damaged (image data ends early or is corrupt): vipspng: libpng read error',
        {
          reason: 'the file is truncated or damaged (image data ends early or is corrupt)',
          detail: 'vipspng: libpng read error',
        },
      ),
    ).toEqual({
      reason: 'The file is truncated or damaged (image data ends early or is corrupt).',
      detail: 'vipspng: libpng read error',
    });
    expect(
      failureText('a.png: the file is empty (0 bytes)', { reason: 'the file is empty (0 bytes)' }),
    ).toEqual({
      reason: 'The file is empty (0 bytes).',
    });
  });

  it('shows the whole message when no parts came with it', () => {
    expect(failureText('the inference worker crashed: out of memory')).toEqual({
      reason: 'The inference worker crashed: out of memory.',
    });
  });

  it('makes any text a sentence', () => {
    expect(sentence('Out of memory!')).toBe('Out of memory!');
    expect(sentence('  ')).toBe('Failed.');
    expect(sentence('12x10 is smaller than the 16-pixel training crop')).toBe(
      '12x10 is smaller than the 16-pixel training crop.',
    );
  });
});
