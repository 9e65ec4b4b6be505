/**
 * Checked conversions of command-line flag values. Each throws a RangeError that names
 * the flag, the value given and what is allowed, e.g.
 *   "--steps = 'ten' is not allowed; allowed: an integer in [1, 1000000]".
 */

/** An integer in [min, max] (default [1, 1e6]); `fallback` when the flag is absent. */
export function intFlag(name: string, value: string | boolean | undefined, fallback: number, min = 1, max = 1e6): number {
  if (value === undefined) return fallback;
  const x = typeof value === 'string' && /^[-+]?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(x) || x < min || x > max) {
    throw new RangeError(`--${name} = ${JSON.stringify(value)} is not allowed; allowed: an integer in [${min}, ${max}]`);
  }
  return x;
}

/** A finite number in (0, max] (or [0, max] with allowZero); `fallback` when absent. */
export function positiveFlag(name: string, value: string | boolean | undefined, fallback: number, max = Infinity, allowZero = false): number {
  if (value === undefined) return fallback;
  const x = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(x) || x > max || x < 0 || (x === 0 && !allowZero)) {
    const range = `${allowZero ? '[0' : '(0'}, ${max === Infinity ? 'Infinity)' : `${max}]`}`;
    throw new RangeError(`--${name} = ${JSON.stringify(value)} is not allowed; allowed: a number in ${range}`);
  }
  return x;
}

/** One of `allowed`; `fallback` when absent. */
export function choiceFlag<T extends string>(name: string, value: string | boolean | undefined, fallback: T, allowed: readonly T[]): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new RangeError(`--${name} = ${JSON.stringify(value)} is not allowed; allowed: ${allowed.join(', ')}`);
  }
  return value as T;
}

/** A comma-separated list of positive numbers, e.g. "1e-3,3e-3"; `fallback` when absent. */
export function numberListFlag(name: string, value: string | boolean | undefined, fallback: readonly number[]): number[] {
  if (value === undefined) return [...fallback];
  const parts = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : [];
  const xs = parts.map((s) => (s === '' ? NaN : Number(s)));
  if (xs.length === 0 || xs.some((x) => !(Number.isFinite(x) && x > 0))) {
    throw new RangeError(`--${name} = ${JSON.stringify(value)} is not allowed; allowed: a comma-separated list of positive numbers`);
  }
  return xs;
}
