/** Option checks for the arbitraries: bad options fail at construction, naming the option. */

/** Throws unless min <= max and both are integers >= floor. */
export function checkIntRange(fn: string, minName: string, min: number, maxName: string, max: number, floor = 0): void {
  for (const [name, v] of [[minName, min], [maxName, max]] as const) {
    if (!Number.isInteger(v) || v < floor) throw new RangeError(`${fn}: ${name} is ${v}; allowed: an integer >= ${floor}`);
  }
  if (min > max) throw new RangeError(`${fn}: ${minName} = ${min} > ${maxName} = ${max}; allowed: ${minName} <= ${maxName}`);
}

/** Throws unless min <= max and both are finite numbers > floor (or >= floor when inclusive). */
export function checkRealRange(fn: string, minName: string, min: number, maxName: string, max: number, floor: number, inclusive: boolean): void {
  for (const [name, v] of [[minName, min], [maxName, max]] as const) {
    const ok = Number.isFinite(v) && (inclusive ? v >= floor : v > floor);
    if (!ok) throw new RangeError(`${fn}: ${name} is ${v}; allowed: a finite number ${inclusive ? '>=' : '>'} ${floor}`);
  }
  if (min > max) throw new RangeError(`${fn}: ${minName} = ${min} > ${maxName} = ${max}; allowed: ${minName} <= ${maxName}`);
}
