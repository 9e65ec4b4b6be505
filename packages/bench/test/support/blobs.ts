/** A small separable test problem for the bench's training tests. */
import { Dataset } from '../../src/data/dataset.js';

/**
 * n points in 4-D, three classes by turn (i % 3): class c is centred at `separation` e_c, plus
 * uniform noise in [-0.5, 0.5) from a fixed linear congruential generator seeded with `seed`.
 */
export function blobs(n: number, seed: number, separation: number): Dataset {
  const x = new Float32Array(n * 4);
  const y = new Float32Array(n * 3);
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = (j === c ? separation : 0) + rand();
    y[i * 3 + c] = 1;
  }
  return new Dataset(x, y, [4], 3);
}
