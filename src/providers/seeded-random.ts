/**
 * mulberry32, a small well-known 32-bit PRNG: deterministic for a seed and stable across platforms, which
 * `Math.random` is not (it cannot be seeded). Good enough for test vectors and mock embeddings, not for secrets.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
