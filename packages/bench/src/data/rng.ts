/**
 * The bench's seeded pseudo-random draws, so that initial weights, the train/test split and
 * the batch order are the same on every backend and every run: the testing kit's one
 * generator, seededRandom (mulberry32 uniforms u in [0, 1), Box-Muller normals
 * z = sqrt(-2 ln u1) cos(2 pi u2)), with integers and permutations on top.
 */
import { seededRandom, type SeededRandom } from '@shampoo-ts/testing';

export class Rng {
  readonly #source: SeededRandom;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`Rng: seed = ${seed} is not allowed; allowed: an integer`);
    this.#source = seededRandom(seed);
  }

  /** A uniform number in [0, 1). */
  uniform(): number {
    return this.#source.uniform();
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    return this.#source.gaussian();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
