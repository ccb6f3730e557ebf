/**
 * Static shape inference over a forward GraphIR, from its declared input shapes.
 *
 * The backward rules need to know each forward value's rank and which of its dimensions are
 * statically 1 (to undo broadcasting, to unsqueeze reduced axes, to transpose matrices). Dimensions
 * are numbers or symbols: the graph inputs' named symbols ("N", "Q") or fresh ones ("?7") for sizes
 * computed at run time. Small int64 tensors (shape vectors, axes) also get their contents tracked
 * where they are known, as ONNX's data propagation does, so a Reshape to a shape assembled in-graph
 * from Shape/Slice/Concat still has a known rank and known unit dimensions.
 */
import type { Dim, GraphIR } from './graph-ir.js';
import { broadcastShapes, inferOpShape, intAttr, normAxis } from './shape-rules.js';

export interface InferredShapes {
  /** Shape of every value in the graph. */
  readonly shapes: ReadonlyMap<string, readonly Dim[]>;
  /** Contents of int64 tensors whose values are known (flattened). */
  readonly values: ReadonlyMap<string, readonly Dim[]>;
}

// biome-ignore format: a list
const UNARY = new Set([
  'Identity', 'Relu', 'Abs', 'Neg', 'Sign', 'Round', 'Floor', 'Ceil', 'Sqrt', 'Exp', 'Log', 'Sigmoid',
  'Tanh', 'Cast', 'Clip', 'Not', 'Reciprocal',
]);
// biome-ignore format: a list
const BROADCASTING = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Min', 'Max', 'Pow', 'Equal', 'Less', 'Greater', 'LessOrEqual',
  'GreaterOrEqual', 'And', 'Or', 'Where',
]);

export function inferShapes(ir: GraphIR): InferredShapes {
  const shapes = new Map<string, readonly Dim[]>();
  const values = new Map<string, readonly Dim[]>();
  let symbols = 0;
  const fresh = (): Dim => `?${symbols++}`;

  for (const input of ir.inputs) shapes.set(input.name, input.shape);
  for (const init of ir.initializers) {
    shapes.set(init.name, init.shape);
    if (init.dtype === 'int64' && init.data.length <= 64)
      values.set(
        init.name,
        Array.from(init.data as BigInt64Array, (v) => Number(v)),
      );
  }

  const shapeOf = (name: string): readonly Dim[] => {
    const s = shapes.get(name);
    if (!s) throw new Error(`shape inference: unknown value ${name}`);
    return s;
  };
  /** Known numeric contents of a value, or undefined. */
  const ints = (name: string | undefined): number[] | undefined => {
    if (!name) return undefined;
    const v = values.get(name);
    return v?.every((d) => typeof d === 'number') ? (v as number[]) : undefined;
  };
  const arith = (op: string, a: Dim, b: Dim): Dim => {
    if (typeof a !== 'number' || typeof b !== 'number') {
      if (op === 'Mul' && (a === 1 || b === 1)) return a === 1 ? b : a;
      if ((op === 'Add' || op === 'Sub') && b === 0) return a;
      return fresh();
    }
    if (op === 'Add') return a + b;
    if (op === 'Sub') return a - b;
    if (op === 'Mul') return a * b;
    return Math.trunc(a / b);
  };

  for (const node of ir.nodes) {
    const [x, ...rest] = node.inputs;
    const out = node.outputs[0];
    const set = (shape: readonly Dim[], value?: readonly Dim[]) => {
      shapes.set(out, shape);
      if (value) values.set(out, value);
    };
    const op = node.opType;
    if (UNARY.has(op)) {
      set(shapeOf(x), op === 'Identity' || op === 'Cast' ? values.get(x) : undefined);
    } else if (BROADCASTING.has(op)) {
      const shape = broadcastShapes(node.inputs.map(shapeOf));
      const va = values.get(x);
      const vb = values.get(rest[0]);
      let value: Dim[] | undefined;
      if (va && vb && ['Add', 'Sub', 'Mul', 'Div'].includes(op) && shape.length <= 1) {
        const n = Math.max(va.length, vb.length);
        value = Array.from({ length: n }, (_, i) =>
          arith(op, va[va.length === 1 ? 0 : i], vb[vb.length === 1 ? 0 : i]),
        );
      }
      set(shape, value);
    } else if (op === 'Shape') {
      const s = shapeOf(x);
      const start = normAxis(intAttr(node, 'start', 0), s.length);
      const end = normAxis(intAttr(node, 'end', s.length), s.length);
      set([end - start], s.slice(start, end));
    } else if (op === 'Size') {
      const s = shapeOf(x);
      set([], [s.reduce<Dim>((a, b) => arith('Mul', a, b), 1)]);
    } else {
      set(...inferOpShape(node, { shapeOf, ints, knownValue: (n) => values.get(n), fresh }));
    }
  }
  return { shapes, values };
}
