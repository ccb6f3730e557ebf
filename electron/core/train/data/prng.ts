/**
 * Counter-based randomness for the data pipeline: every random stream is a pure function of
 * (seed, stream kind, counter), so a sample is the same whatever order or thread makes it, and a
 * checkpoint only has to record the counter (the data cursor) to resume exactly.
 */
import { seededRandom } from '../../model/random-weights.js';

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Mixes a list of integers (each taken modulo 2^32, plus its high part for counters >= 2^32). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    const lo = part >>> 0;
    const hi = Math.floor(part / 4294967296) >>> 0;
    h = fmix32(h ^ lo) + 0x7f4a7c15;
    h = fmix32(h ^ hi) + 0x7f4a7c15;
  }
  return fmix32(h);
}

/** Stream kinds, so that e.g. the permutation of epoch 3 and the sample at cursor 3 differ. */
export const STREAM = { permutation: 1, sample: 2, holdout: 3, degrade: 4, source: 5, synthetic: 6 } as const;

/** A uniform [0,1) generator for one stream (Mulberry32 seeded by the mixed key). */
export function streamRandom(seed: number, kind: number, counter: number): () => number {
  return seededRandom(mixSeed(seed, kind, counter));
}

/** FNV-1a over the UTF-16 code units of a string, then mixed with a seed. */
export function hashString(text: string, seed: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mixSeed(seed, STREAM.holdout, h >>> 0);
}

/** A random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, rand: () => number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** `k` distinct integers from 0..n-1, in random order (partial Fisher-Yates). */
export function sampleWithoutReplacement(n: number, k: number, rand: () => number): Int32Array {
  if (k > n) throw new RangeError(`cannot draw ${k} distinct values from ${n}`);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p.slice(0, k);
}
