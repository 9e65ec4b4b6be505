/**
 * Errors for options that core's range-based `checkNumber` cannot describe (values that
 * may be Infinity or -1 as a sentinel, choices among strings, objects). Same message
 * format as core: "<owner>: <name> = <value> is not allowed; allowed: <allowed>".
 */

function show(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Throws a RangeError naming the owner, the parameter, the value and what is allowed. */
export function invalidParameter(owner: string, name: string, value: unknown, allowed: string): never {
  throw new RangeError(`${owner}: ${name} = ${show(value)} is not allowed; allowed: ${allowed}`);
}

/** Returns `value` if it is a non-NaN number for which `ok` holds; otherwise throws. */
export function checkWith(owner: string, name: string, value: unknown, ok: (v: number) => boolean, allowed: string): number {
  if (typeof value !== 'number' || Number.isNaN(value) || !ok(value)) invalidParameter(owner, name, value, allowed);
  return value;
}
