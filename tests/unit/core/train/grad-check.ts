/**
 * Gradient checking: the analytic gradient of a small graph (differentiate + ONNX Runtime, float32)
 * against central finite differences of an independent float64 forward written with tensor64.ts.
 * The scalar checked is sum(f(inputs) * R) for a fixed random R, so every output element counts.
 */
import { GraphBuilder } from '../../../../electron/core/graph/graph-builder.js';
import { type Dim, int, type Value } from '../../../../electron/core/graph/graph-ir.js';
import { toOnnxBytes } from '../../../../electron/core/graph/onnx-export.js';
import { type FloatTensor, openSession } from '../../../../electron/core/infer/onnx-runtime.js';
import { seededRandom } from '../../../../electron/core/model/random-weights.js';
import {
  type DifferentiateOptions,
  differentiate,
  gradName,
} from '../../../../electron/core/train/autodiff.js';
import { mul, sumAll, type T64, t64 } from './tensor64.js';

export interface TensorSpec {
  readonly shape: readonly number[];
  /** Declared graph shape (symbols make the graph's shapes dynamic); defaults to `shape`. */
  readonly symbolic?: readonly Dim[];
  /** A trainable initializer rather than a graph input. */
  readonly param?: boolean;
  /** Maps a uniform [0,1) draw to a value (to keep values off kinks); default U(-1, 1). */
  readonly draw?: (u: number) => number;
}

export interface GradCase {
  /** Tensors the gradient is taken with respect to. */
  readonly wrt: Readonly<Record<string, TensorSpec>>;
  /** Float graph inputs without gradients. */
  readonly fixed?: Readonly<Record<string, TensorSpec>>;
  readonly build: (g: GraphBuilder, v: Record<string, Value>) => Value;
  readonly reference: (v: Record<string, T64>) => T64;
}

export interface GradReport {
  /** Worst per-tensor ||analytic - fd|| / ||fd||. */
  readonly relError: number;
  /** ONNX node count of the training graph (sanity). */
  readonly nodes: number;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function drawValues(spec: TensorSpec, rand: () => number): Float32Array {
  const draw = spec.draw ?? ((u: number) => u * 2 - 1);
  return Float32Array.from({ length: size(spec.shape) }, () => draw(rand()));
}

export async function checkGradient(
  c: GradCase,
  options: DifferentiateOptions = {},
  seed = 1,
): Promise<GradReport> {
  const rand = seededRandom(seed);
  const all = { ...c.wrt, ...(c.fixed ?? {}) };
  const data = new Map(Object.entries(all).map(([name, spec]) => [name, drawValues(spec, rand)]));
  const as64 = (overrides?: Map<string, Float64Array>) =>
    Object.fromEntries(
      Object.entries(all).map(([name, spec]) => [
        name,
        t64(spec.shape, overrides?.get(name) ?? data.get(name)!),
      ]),
    );
  const out = c.reference(as64());
  const weights = t64(
    out.shape,
    Float32Array.from({ length: out.data.length }, () => rand() * 2 - 1),
  );
  const lossOf = (v: Record<string, T64>) => sumAll(mul(c.reference(v), weights));

  const g = new GraphBuilder('grad_case');
  const values: Record<string, Value> = {};
  for (const [name, spec] of Object.entries(all)) {
    values[name] = spec.param
      ? g.param(name, spec.shape, data.get(name)!)
      : g.input(name, 'float32', spec.symbolic ?? spec.shape);
  }
  const y = c.build(g, values);
  const weighted = g.mul(y, g.constFloat(Array.from(weights.data), out.shape));
  g.output(g.named(g.node('ReduceSum', [weighted], { keepdims: int(0) })[0], 'loss'), 'float32', []);
  const names = Object.keys(c.wrt);
  const training = differentiate(g.build(), 'loss', names, options);

  const session = await openSession(toOnnxBytes(training), 'cpu');
  const feeds: Record<string, FloatTensor> = {};
  for (const [name, spec] of Object.entries(all)) feeds[name] = { data: data.get(name)!, dims: spec.shape };
  const grads = await session.run(feeds, names.map(gradName));
  await session.release();

  let relError = 0;
  const h = 1e-5;
  names.forEach((name, k) => {
    const base = Float64Array.from(data.get(name)!);
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < base.length; i++) {
      const probe = Float64Array.from(base);
      probe[i] = base[i] + h;
      const up = lossOf(as64(new Map([[name, probe]])));
      probe[i] = base[i] - h;
      const down = lossOf(as64(new Map([[name, probe]])));
      const fd = (up - down) / (2 * h);
      diff += (grads[k].data[i] - fd) ** 2;
      norm += fd ** 2;
    }
    if (grads[k].data.length !== base.length) throw new Error(`${name}: gradient has the wrong size`);
    relError = Math.max(relError, Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30));
  });
  return { relError, nodes: training.nodes.length };
}

/** Values at least `gap` away from every kink in `kinks`, uniform over [lo, hi] otherwise. */
export function offKinks(
  lo: number,
  hi: number,
  kinks: readonly number[],
  gap = 0.02,
): (u: number) => number {
  return (u) => {
    let v = lo + u * (hi - lo);
    for (const k of kinks) if (Math.abs(v - k) < gap) v = k + (v < k ? -gap : gap);
    return v;
  };
}
