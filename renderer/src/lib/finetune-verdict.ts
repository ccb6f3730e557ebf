/**
 * What a fine-tune's held-out change means, in plain words, so a user knows whether to use the
 * tuned model. The held-out score is a mean over a few centre crops of a few photos, and it moves
 * by small amounts the other way from the photos a model is used on: on B100 it fell by up to
 * 0.07 dB for runs that were better on 20 unseen photos (models/README.md). So only a change of
 * at least NOTICEABLE_DB either way is called better or worse; text pages, a subject the base
 * rarely saw, gained 1.4-1.9 dB there.
 */
export const NOTICEABLE_DB = 0.1;

export type VerdictKind = 'better' | 'same' | 'worse';

export interface Verdict {
  readonly kind: VerdictKind;
  readonly text: string;
}

export function finetuneVerdict(gainDb: number, baseName: string): Verdict {
  if (gainDb >= NOTICEABLE_DB)
    return {
      kind: 'better',
      text: `Better than ${baseName} on your photos kept aside: use it for photos like these.`,
    };
  if (gainDb <= -NOTICEABLE_DB)
    return {
      kind: 'worse',
      text: `Worse than ${baseName} on your photos kept aside: keep upscaling with ${baseName}.`,
    };
  return {
    kind: 'same',
    text:
      `About the same as ${baseName} on your photos kept aside (within ${NOTICEABLE_DB} dB). ` +
      'It already handles photos like these; fine-tuning helps most with subjects it rarely saw, such as text or fine patterns.',
  };
}
