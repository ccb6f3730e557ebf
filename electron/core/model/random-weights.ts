import { allParams, type LiifArchitecture, type Weights } from './architecture.js';

/** Mulberry32: a tiny seeded PRNG, so random models are the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * PyTorch's default init for Conv2d/Linear: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and biases.
 * Used for tests (tiny random models) and as the starting point of training from scratch.
 */
export function randomWeights(arch: LiifArchitecture, seed: number): Weights {
  const rand = seededRandom(seed);
  const weights: Weights = new Map();
  for (const p of allParams(arch)) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(p.fanIn);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = (rand() * 2 - 1) * bound;
    weights.set(p.name, data);
  }
  return weights;
}
