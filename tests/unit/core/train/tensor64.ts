/**
 * A slow, obvious float64 tensor library in plain loops: the independent forward functions that
 * finite differences are taken of. Row-major, ONNX semantics (numpy broadcasting, Gather, Slice...).
 */
export interface T64 {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function t64(shape: readonly number[], data: ArrayLike<number>): T64 {
  if (data.length !== sizeOf(shape)) throw new Error(`t64: ${data.length} values for [${shape}]`);
  return { shape: [...shape], data: Float64Array.from(data) };
}

function strides(shape: readonly number[]): number[] {
  const s = Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** Builds a tensor of `shape` by calling `at` with every multi-index, in row-major order. */
export function generate(shape: readonly number[], at: (index: number[]) => number): T64 {
  const data = new Float64Array(sizeOf(shape));
  const index = Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < data.length; flat++) {
    data[flat] = at(index);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return { shape: [...shape], data };
}

export function get(x: T64, index: readonly number[]): number {
  const s = strides(x.shape);
  return x.data[index.reduce((acc, v, i) => acc + v * s[i], 0)];
}

/** Reads x at an index of a broadcast result of rank >= x's rank. */
function getBroadcast(x: T64, index: readonly number[]): number {
  const lead = index.length - x.shape.length;
  return get(
    x,
    x.shape.map((d, i) => (d === 1 ? 0 : index[lead + i])),
  );
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`cannot broadcast [${a}] and [${b}]`);
    return da === 1 ? db : da;
  });
}

export function binary(a: T64, b: T64, f: (x: number, y: number) => number): T64 {
  return generate(broadcastShape(a.shape, b.shape), (i) => f(getBroadcast(a, i), getBroadcast(b, i)));
}

export const unary = (x: T64, f: (v: number) => number): T64 => ({ shape: x.shape, data: x.data.map(f) });
export const add = (a: T64, b: T64) => binary(a, b, (x, y) => x + y);
export const sub = (a: T64, b: T64) => binary(a, b, (x, y) => x - y);
export const mul = (a: T64, b: T64) => binary(a, b, (x, y) => x * y);
export const div = (a: T64, b: T64) => binary(a, b, (x, y) => x / y);
export const scalar = (v: number): T64 => t64([], [v]);

export function expand(x: T64, shape: readonly number[]): T64 {
  return generate(broadcastShape(x.shape, shape), (i) => getBroadcast(x, i));
}

export function reshape(x: T64, shape: readonly number[]): T64 {
  return t64(shape, x.data);
}

export function transpose(x: T64, perm: readonly number[]): T64 {
  return generate(
    perm.map((p) => x.shape[p]),
    (i) =>
      get(
        x,
        perm.map((_, k) => i[perm.indexOf(k)]),
      ),
  );
}

/** Batched matrix product over the last two axes, batch axes broadcast. */
export function matmul(a: T64, b: T64): T64 {
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const batch = broadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return generate([...batch, m, n], (i) => {
    const bi = i.slice(0, -2);
    let s = 0;
    for (let t = 0; t < k; t++)
      s += getBroadcast(a, [...bi, i[i.length - 2], t]) * getBroadcast(b, [...bi, t, i[i.length - 1]]);
    return s;
  });
}

/** 2-D convolution, stride 1, pads [top, left, bottom, right], zero padding. */
export function conv2d(x: T64, w: T64, b: T64 | undefined, pads: readonly number[]): T64 {
  const [n, c, h, wd] = x.shape;
  const [o, , kh, kw] = w.shape;
  const oh = h + pads[0] + pads[2] - kh + 1;
  const ow = wd + pads[1] + pads[3] - kw + 1;
  return generate([n, o, oh, ow], ([bi, oi, y, xx]) => {
    let s = b ? b.data[oi] : 0;
    for (let ci = 0; ci < c; ci++)
      for (let ky = 0; ky < kh; ky++)
        for (let kx = 0; kx < kw; kx++) {
          const iy = y + ky - pads[0];
          const ix = xx + kx - pads[1];
          if (iy >= 0 && iy < h && ix >= 0 && ix < wd)
            s += get(w, [oi, ci, ky, kx]) * get(x, [bi, ci, iy, ix]);
        }
    return s;
  });
}

export function gather(
  data: T64,
  indices: readonly number[],
  indexShape: readonly number[],
  axis: number,
): T64 {
  const q = indexShape.length;
  const shape = [...data.shape.slice(0, axis), ...indexShape, ...data.shape.slice(axis + 1)];
  const is = strides(indexShape);
  return generate(shape, (i) => {
    const flat = i.slice(axis, axis + q).reduce((acc, v, k) => acc + v * is[k], 0);
    return get(data, [...i.slice(0, axis), indices[flat], ...i.slice(axis + q)]);
  });
}

export function concat(parts: readonly T64[], axis: number): T64 {
  const shape = [...parts[0].shape];
  shape[axis] = parts.reduce((a, p) => a + p.shape[axis], 0);
  return generate(shape, (i) => {
    let at = i[axis];
    for (const p of parts) {
      if (at < p.shape[axis])
        return get(
          p,
          i.map((v, k) => (k === axis ? at : v)),
        );
      at -= p.shape[axis];
    }
    throw new Error('concat: out of range');
  });
}

/** Slice with step 1; bounds normalised as ONNX does (negative from the end, clamped). */
export function slice(
  x: T64,
  starts: readonly number[],
  ends: readonly number[],
  axes: readonly number[],
): T64 {
  const begin = x.shape.map(() => 0);
  const shape = [...x.shape];
  axes.forEach((a, k) => {
    const d = x.shape[a];
    const norm = (v: number) => Math.min(d, Math.max(0, v < 0 ? v + d : v));
    begin[a] = norm(starts[k]);
    shape[a] = Math.max(0, norm(ends[k]) - begin[a]);
  });
  return generate(shape, (i) =>
    get(
      x,
      i.map((v, k) => v + begin[k]),
    ),
  );
}

/** Zero padding, pads [begin_0..begin_r-1, end_0..end_r-1]. */
export function pad(x: T64, pads: readonly number[]): T64 {
  const r = x.shape.length;
  const shape = x.shape.map((d, k) => d + pads[k] + pads[r + k]);
  return generate(shape, (i) => {
    const src = i.map((v, k) => v - pads[k]);
    return src.every((v, k) => v >= 0 && v < x.shape[k]) ? get(x, src) : 0;
  });
}

export function reduceSum(x: T64, axes: readonly number[], keepdims: boolean): T64 {
  const kept = x.shape.map((d, k) => (axes.includes(k) ? 1 : d));
  const out = new Float64Array(sizeOf(kept));
  const ks = strides(kept);
  generate(x.shape, (i) => {
    out[i.reduce((acc, v, k) => acc + (axes.includes(k) ? 0 : v * ks[k]), 0)] += get(x, i);
    return 0;
  });
  return t64(keepdims ? kept : x.shape.filter((_, k) => !axes.includes(k)), out);
}

export function reduceMean(x: T64, axes: readonly number[], keepdims: boolean): T64 {
  const count = axes.reduce((a, k) => a * x.shape[k], 1);
  return unary(reduceSum(x, axes, keepdims), (v) => v / count);
}

export const sumAll = (x: T64): number => x.data.reduce((a, b) => a + b, 0);
