import { describe, expect, it } from 'vitest';
import { finetuneVerdict, NOTICEABLE_DB } from '../../../../renderer/src/lib/finetune-verdict.js';

describe('fine-tune verdict', () => {
  it('calls a change of at least the noticeable step better or worse, and less the same', () => {
    expect(finetuneVerdict(1.75, 'base').kind).toBe('better');
    expect(finetuneVerdict(NOTICEABLE_DB, 'base').kind).toBe('better');
    expect(finetuneVerdict(0.099, 'base').kind).toBe('same');
    expect(finetuneVerdict(0, 'base').kind).toBe('same');
    // A B100 run's held-out fell 0.07 dB while the model was better on unseen photos.
    expect(finetuneVerdict(-0.07, 'base').kind).toBe('same');
    expect(finetuneVerdict(-NOTICEABLE_DB, 'base').kind).toBe('worse');
  });

  it('names the base model and says what to do', () => {
    expect(finetuneVerdict(0.5, 'liif-edsr-baseline').text).toMatch(/Better than liif-edsr-baseline.*use it/);
    expect(finetuneVerdict(-0.3, 'liif-edsr-baseline').text).toMatch(
      /keep upscaling with liif-edsr-baseline/,
    );
    expect(finetuneVerdict(0.01, 'liif-edsr-baseline').text).toMatch(/About the same as liif-edsr-baseline/);
  });
});
