/**
 * The region preview's quick look: a coarse first pass that decodes every k-th pixel (1/k² of the
 * queries) while the full preview renders. See PreviewRequest.coarse and the worker's coarseRequest.
 */

interface Size {
  readonly width: number;
  readonly height: number;
}

/** Below this many pixels on the view's short side the full preview is quick enough on its own. */
export const QUICK_LOOK_MIN_SIDE = 64;

/**
 * The coarse factor k for a preview of `view` pixels of a `source` photo enlarged to `target`, or
 * undefined for no quick look. The coarse picture is the photo at scale/k, so it is only worth
 * showing while scale/k > 1: at or below the photo's size the worker makes it with a plain resize,
 * not the model, and it would show something the model does not produce. Hence k = 4 beyond x4,
 * k = 2 beyond x2, none at x2 or less. The scale is the smaller of the two axes, so that both
 * sides of the coarse picture are still enlarged (a W × H target with the aspect free may enlarge
 * one side only).
 */
export function quickLookFactor(source: Size, target: Size, view: Size): number | undefined {
  if (Math.min(view.width, view.height) < QUICK_LOOK_MIN_SIDE) return undefined;
  const scale = Math.min(target.width / source.width, target.height / source.height);
  if (scale > 4) return 4;
  if (scale > 2) return 2;
  return undefined;
}
