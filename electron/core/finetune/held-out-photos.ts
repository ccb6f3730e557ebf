/**
 * Per-photo before/after of a fine-tune on its held-out photos. The held-out score is a mean in dB
 * over a handful of photos, and one photo can carry it: on B100 a fine-tune lost 1.1 dB at x2 on a
 * portrait with a high-contrast striped shirt while the other 4 held-out photos moved by -0.10 to
 * +0.01 dB, and the same model was better on 13 of 20 unseen photos (models/README.md). Saying how
 * many photos got better lets a user see that instead of one number.
 */

export interface HeldOutPhotoChange {
  /** Photos whose PSNR (mean over the validation scales) rose by at least LEVEL_DB. */
  readonly better: number;
  /** Photos that fell by at least LEVEL_DB. */
  readonly worse: number;
  readonly of: number;
  /** The largest single-photo fall in dB (0 when none fell). */
  readonly largestDropDb: number;
}

/** Changes smaller than this are "level": below what 2-decimal scores show. */
export const LEVEL_DB = 0.005;

export function compareHeldOutPhotos(
  before: readonly number[] | undefined,
  after: readonly number[] | undefined,
): HeldOutPhotoChange | undefined {
  if (!before || !after || before.length !== after.length || before.length === 0) return undefined;
  let better = 0;
  let worse = 0;
  let largestDropDb = 0;
  for (let i = 0; i < before.length; i++) {
    const change = after[i] - before[i];
    if (change >= LEVEL_DB) better++;
    else if (change <= -LEVEL_DB) {
      worse++;
      largestDropDb = Math.max(largestDropDb, -change);
    }
  }
  return { better, worse, of: before.length, largestDropDb };
}

/** "better on 3 of 5 held-out photos, worse on 1 (by up to 1.10 dB)". */
export function describeHeldOutPhotos(change: HeldOutPhotoChange): string {
  const worse =
    change.worse > 0 ? `, worse on ${change.worse} (by up to ${change.largestDropDb.toFixed(2)} dB)` : '';
  return `better on ${change.better} of ${change.of} held-out photos${worse}`;
}
