/**
 * Pixel-centre coordinates on [-1, 1], computed in float32 exactly as the reference's make_coord:
 * c_i = (-1 + r) + (2r) * i with r = 1 / n (../shared/LIIF.md "Representation"). The decoder graph
 * uses the same rounding for code centres, which matters at odd integer scales where a query can
 * sit exactly on a code centre (see decoder-graph.ts).
 */
const f32 = Math.fround;

export function pixelCentre(i: number, n: number): number {
  const r = f32(1 / n);
  return f32(f32(r - 1) + f32(f32(2 * r) * i));
}
