import type { GraphBuilder } from '../graph/graph-builder.js';
import { int, type Value } from '../graph/graph-ir.js';

/**
 * LIIF's training loss (../shared/LIIF.md "Training"): L1 between the decoder's prediction, taken
 * before de-normalisation, and the ground truth normalised like the input, (gt - 0.5) / 0.5,
 * averaged over samples, queries and channels. pred and gt are [N, Q, 3]; returns a scalar.
 */
export function addL1Loss(g: GraphBuilder, pred: Value, gt: Value): Value {
  const target = g.div(g.sub(gt, g.constFloat(0.5)), g.constFloat(0.5));
  // No axes input: ReduceMean reduces over every axis.
  return g.node('ReduceMean', [g.abs(g.sub(pred, target))], { keepdims: int(0) })[0];
}
