/**
 * Argument checks shared by the matrix helpers. Every failure names the function, the
 * argument, the offending value and what is allowed, and happens before any work is done.
 */

/** Numeric arrays the checkers accept: typed arrays or plain number arrays. */
export type NumericArray = ArrayLike<number>;

/** Throws unless `n` is an integer >= `min`. */
export function assertDimension(fn: string, name: string, n: number, min = 0): void {
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`${fn}: ${name} is ${n}; allowed: an integer >= ${min}`);
  }
}

/** Throws unless `a` holds exactly `rows * cols` finite numbers (row-major). */
export function assertMatrix(fn: string, name: string, a: NumericArray, rows: number, cols: number): void {
  assertDimension(fn, `rows of ${name}`, rows);
  assertDimension(fn, `cols of ${name}`, cols);
  if (a === null || typeof a !== 'object' || typeof a.length !== 'number') {
    throw new TypeError(`${fn}: ${name} is ${String(a)}; allowed: a Float64Array, Float32Array or number[]`);
  }
  if (a.length !== rows * cols) {
    throw new RangeError(`${fn}: ${name} has length ${a.length}; allowed: ${rows} x ${cols} = ${rows * cols} (row-major)`);
  }
  assertFinite(fn, name, a);
}

/** Throws naming the first index of `a` that holds NaN or +-Infinity. */
export function assertFinite(fn: string, name: string, a: NumericArray): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new RangeError(`${fn}: ${name}[${i}] is ${a[i]}; allowed: finite numbers only`);
    }
  }
}

/** Throws unless `a` and `b` have the same length. */
export function assertSameLength(fn: string, a: NumericArray, b: NumericArray): void {
  if (a.length !== b.length) {
    throw new RangeError(`${fn}: a has length ${a.length} but b has length ${b.length}; allowed: equal lengths`);
  }
}
