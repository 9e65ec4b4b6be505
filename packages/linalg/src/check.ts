/**
 * Argument checks shared by every exported kernel. Each throws an Error that names the
 * function, the argument, the offending value and what is allowed, before any output or
 * input is touched (so nothing changes on failure).
 */

/** Relative asymmetry tolerated by default: |a_ij - a_ji| <= tol * max_kl |a_kl|. */
export const DEFAULT_SYMMETRY_TOLERANCE = 1e-6;

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === null || value === undefined) return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as Float64Array).length})`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** A non-negative integer dimension. */
export function checkDimension(fn: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${fn}: ${name} must be a non-negative integer, got ${describe(value)}`);
  }
}

/** A Float64Array holding exactly rows * cols numbers. */
export function checkMatrix(fn: string, name: string, a: unknown, rows: number, cols: number): asserts a is Float64Array {
  checkDimension(fn, rows === cols ? 'n' : 'rows', rows);
  checkDimension(fn, rows === cols ? 'n' : 'cols', cols);
  if (!(a instanceof Float64Array)) {
    throw new Error(`${fn}: ${name} must be a Float64Array (row-major), got ${describe(a)}`);
  }
  if (a.length !== rows * cols) {
    const shape = rows === cols ? `n * n = ${rows} * ${cols}` : `rows * cols = ${rows} * ${cols}`;
    throw new Error(
      `${fn}: ${name} has length ${a.length}, but a ${rows} x ${cols} matrix needs ${shape} = ${rows * cols} entries` +
        (rows === cols ? ' (not square, or n is wrong)' : ''),
    );
  }
}

/** Every entry finite; reports the first NaN or Inf with its position. */
export function checkFinite(fn: string, name: string, a: Float64Array | Float32Array, cols: number): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v - v !== 0) {
      const where = cols > 0 ? `[${Math.floor(i / cols)}][${i % cols}]` : `[${i}]`;
      throw new Error(`${fn}: ${name}${where} is ${v}; every entry must be finite (no NaN or Infinity)`);
    }
  }
}

/**
 * Symmetric up to a relative tolerance: |a_ij - a_ji| <= tol * max|a|. Float32 factors
 * converted to float64 are symmetric to about 1e-7 relative, so the default 1e-6 accepts
 * them and rejects matrices that are not meant to be symmetric.
 */
export function checkSymmetric(fn: string, name: string, a: Float64Array, n: number, tolerance: number): void {
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > maxAbs) maxAbs = v;
  }
  const bound = tolerance * maxAbs;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const diff = Math.abs(a[i * n + j] - a[j * n + i]);
      if (diff > bound) {
        throw new Error(
          `${fn}: ${name} must be symmetric: |${name}[${i}][${j}] - ${name}[${j}][${i}]| = ${diff} ` +
            `(${a[i * n + j]} vs ${a[j * n + i]}) exceeds symmetryTolerance * max|${name}| = ${tolerance} * ${maxAbs}`,
        );
      }
    }
  }
}

/** The usual checks for a symmetric n x n input: length, finiteness, symmetry. */
export function checkSymmetricMatrix(
  fn: string,
  name: string,
  a: unknown,
  n: number,
  tolerance: number = DEFAULT_SYMMETRY_TOLERANCE,
): asserts a is Float64Array {
  checkMatrix(fn, name, a, n, n);
  checkFinite(fn, name, a, n);
  checkNonNegative(fn, 'symmetryTolerance', tolerance);
  checkSymmetric(fn, name, a, n, tolerance);
}

/** A finite number > 0. */
export function checkPositive(fn: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${fn}: ${name} must be a finite number > 0, got ${describe(value)}`);
  }
}

/** A finite number >= 0. */
export function checkNonNegative(fn: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${fn}: ${name} must be a finite number >= 0, got ${describe(value)}`);
  }
}

/** A finite number (any sign). */
export function checkFiniteNumber(fn: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${fn}: ${name} must be a finite number, got ${describe(value)}`);
  }
}

/** An integer >= min. */
export function checkInteger(fn: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${fn}: ${name} must be an integer >= ${min}, got ${describe(value)}`);
  }
}

/** A value from a fixed list of choices. */
export function checkChoice<T extends string>(fn: string, name: string, value: unknown, choices: readonly T[]): asserts value is T {
  if (!choices.includes(value as T)) {
    throw new Error(`${fn}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}`);
  }
}
