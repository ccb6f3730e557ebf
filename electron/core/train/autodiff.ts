/**
 * Reverse-mode differentiation of a forward GraphIR into a training graph of standard ONNX ops.
 *
 * onnxruntime-node has no training API, so the gradient is itself an inference graph: the forward
 * nodes followed by one backward block per node (backward-rules/), walked in reverse topological
 * order. The result runs on any execution provider that runs the forward ops plus the handful of
 * extra ones the rules emit (ScatterND, Gemm, Where, Split, comparisons).
 */
import { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphInitializer, GraphIR, GraphNode, GraphValueInfo, Value } from '../graph/graph-ir.js';
import { inferShapes } from '../graph/shape-inference.js';
import {
  BACKWARD_RULES,
  type ConvGradForm,
  carriesGradient,
  isDifferentiableInput,
  type RuleContext,
} from './backward-rules/index.js';

export interface DifferentiateOptions {
  /** How Conv gradients are written (default 'im2col', the faster form on CPU). */
  readonly convForm?: ConvGradForm;
}

/** Name of the output holding the gradient of parameter `param`. */
export const gradName = (param: string): string => `grad/${param}`;

/** Prefix of every name the backward pass generates, so it never collides with forward names. */
const BACKWARD_PREFIX = 'd/';

/**
 * Values that depend on a `wrt` value through differentiable edges. Index paths (Shape, Round,
 * casts to integers, comparisons) stop the dependency, so no gradient is ever built for them.
 */
function activeValues(nodes: readonly GraphNode[], wrt: readonly string[]): Set<string> {
  const active = new Set(wrt);
  for (const node of nodes) {
    if (!carriesGradient(node)) continue;
    if (node.inputs.some((name, i) => name !== '' && active.has(name) && isDifferentiableInput(node, i)))
      for (const out of node.outputs) active.add(out);
  }
  return active;
}

/**
 * Builds the training graph of `forward`: inputs are the forward inputs plus every `wrt`
 * parameter (fed by the optimiser each step, so no longer an initializer); outputs are `loss`
 * and, per parameter, `grad/<name>` of the same shape. Other initializers stay constants.
 *
 * `loss` must name a scalar value of the forward graph. `wrt` names trainable initializers (or
 * float graph inputs, whose gradient is then an extra output). Gradients of values used more
 * than once are summed; parameters the loss does not depend on get zero gradients.
 */
export function differentiate(
  forward: GraphIR,
  loss: string,
  wrt: readonly string[],
  options: DifferentiateOptions = {},
): GraphIR {
  const initializers = new Map(forward.initializers.map((i) => [i.name, i]));
  const inputs = new Map(forward.inputs.map((i) => [i.name, i]));
  const paramInfo = new Map<string, GraphValueInfo>();
  for (const name of wrt) {
    const init = initializers.get(name);
    const info = init ? { name, dtype: init.dtype, shape: init.shape } : inputs.get(name);
    if (info?.dtype !== 'float32' || (init && !init.trainable))
      throw new Error(`differentiate: ${name} is not a trainable float parameter or input`);
    paramInfo.set(name, info);
  }
  const produced = new Set(forward.nodes.flatMap((n) => n.outputs));
  if (!produced.has(loss) && !inputs.has(loss)) throw new Error(`differentiate: no value named ${loss}`);
  for (const name of [...produced, ...initializers.keys()])
    if (name.startsWith(BACKWARD_PREFIX)) throw new Error(`differentiate: forward name ${name} is reserved`);

  const { shapes, values } = inferShapes(forward);
  const active = activeValues(forward.nodes, wrt);
  const g = new GraphBuilder(`${forward.name}_training`, BACKWARD_PREFIX);

  // Gradient contributions per value, summed when the value's producer is reached.
  const pending = new Map<string, Value[]>();
  const contribute = (name: string, grad: Value) => {
    const list = pending.get(name);
    if (list) list.push(grad);
    else pending.set(name, [grad]);
  };
  const total = (name: string): Value | undefined => {
    const list = pending.get(name);
    pending.delete(name);
    return list?.reduce((a, b) => g.add(a, b));
  };

  const lossShape = shapes.get(loss) ?? [];
  if (lossShape.length !== 0) throw new Error(`differentiate: loss ${loss} must be a scalar`);
  if (active.has(loss)) contribute(loss, g.constFloat(1));

  const constInts = (name: string | undefined) => {
    if (!name) return undefined;
    const init = initializers.get(name);
    if (init?.dtype === 'int64') return Array.from(init.data as BigInt64Array, Number);
    const known = values.get(name);
    return known?.every((d) => typeof d === 'number') ? (known as number[]) : undefined;
  };
  const shape = (name: string) => {
    const s = shapes.get(name);
    if (!s) throw new Error(`differentiate: no shape for ${name}`);
    return s;
  };

  for (let n = forward.nodes.length - 1; n >= 0; n--) {
    const node = forward.nodes[n];
    if (!carriesGradient(node)) continue;
    const gradOutputs = node.outputs.map((o) => (active.has(o) ? total(o) : undefined));
    if (gradOutputs.every((gr) => gr === undefined)) continue;
    const needs = node.inputs.map(
      (name, i) => name !== '' && active.has(name) && isDifferentiableInput(node, i),
    );
    if (!needs.some(Boolean)) continue;
    const rule = BACKWARD_RULES[node.opType];
    if (!rule) throw new Error(`differentiate: no backward rule for ${node.opType} (${node.outputs[0]})`);
    const ctx: RuleContext = {
      g,
      node,
      gradOutputs,
      needs,
      convForm: options.convForm ?? 'im2col',
      shape,
      constInts,
    };
    const grads = rule.backward(ctx);
    node.inputs.forEach((name, i) => {
      const grad = grads[i];
      if (needs[i] && grad) contribute(name, grad);
    });
  }

  const outputs: GraphValueInfo[] = [
    forward.outputs.find((o) => o.name === loss) ?? { name: loss, dtype: 'float32', shape: [] },
  ];
  for (const [name, info] of paramInfo) {
    const grad = total(name) ?? g.expand(g.constFloat(0), g.shape({ name }));
    g.named(grad, gradName(name));
    outputs.push({ name: gradName(name), dtype: 'float32', shape: info.shape });
  }

  const backward = g.build();
  const newInputs = wrt.filter((name) => initializers.has(name)).map((name) => paramInfo.get(name)!);
  const keptInitializers: GraphInitializer[] = forward.initializers.filter((i) => !paramInfo.has(i.name));
  return {
    name: backward.name,
    inputs: [...forward.inputs, ...newInputs],
    outputs,
    initializers: [...keptInitializers, ...backward.initializers],
    nodes: [...forward.nodes, ...backward.nodes],
  };
}
