import type { GraphNode } from '../../graph/graph-ir.js';
import { ELEMENTWISE_RULES } from './elementwise.js';
import { GATHER_REDUCE_RULES } from './gather-reduce.js';
import { CONTRACTION_RULES } from './matmul-conv.js';
import type { BackwardRule } from './rule.js';
import { SHAPE_RULES } from './shape-ops.js';

export type { BackwardRule, ConvGradForm, RuleContext } from './rule.js';

/** Backward rule of every differentiable op, by ONNX op type. */
export const BACKWARD_RULES: Readonly<Record<string, BackwardRule>> = {
  ...ELEMENTWISE_RULES,
  ...CONTRACTION_RULES,
  ...SHAPE_RULES,
  ...GATHER_REDUCE_RULES,
};

/**
 * Ops whose outputs carry no gradient: index and shape computations, comparisons, rounding, and
 * Sign (piecewise constant). A value computed through one of them is treated as a constant.
 */
const NON_DIFFERENTIABLE = new Set([
  'Shape',
  'Size',
  'Range',
  'Round',
  'Floor',
  'Ceil',
  'Sign',
  'Equal',
  'Less',
  'LessOrEqual',
  'Greater',
  'GreaterOrEqual',
  'Not',
  'And',
  'Or',
  'NonZero',
  'ArgMax',
  'ArgMin',
  'ConstantOfShape',
]);

/** ONNX TensorProto data types that are floating point (float, float16, double, bfloat16). */
const FLOAT_TYPES = new Set([1, 10, 11, 16]);

/** False for nodes whose outputs are constants as far as gradients go. */
export function carriesGradient(node: GraphNode): boolean {
  if (NON_DIFFERENTIABLE.has(node.opType)) return false;
  if (node.opType === 'Cast') {
    const to = node.attrs['to'];
    return to?.kind === 'int' && FLOAT_TYPES.has(to.value);
  }
  return true;
}

/** Whether input position i of a node can carry a gradient to its outputs. */
export function isDifferentiableInput(node: GraphNode, i: number): boolean {
  const rule = BACKWARD_RULES[node.opType];
  if (!rule) return true;
  return rule.differentiable === 'all' || rule.differentiable.includes(i);
}
