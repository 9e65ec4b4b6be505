/**
 * The one validation module: checks for hyperparameters. Every check throws an OptionError
 * (option-error.ts: a `RangeError`, or an OptionTypeError, a `TypeError`, for a wrong type
 * or key) with the fields owner, option, value and allowed, and a message that names the
 * owner (`adam`), the parameter (`b1`), the value received and the allowed range, so a
 * user can fix the call without reading our source:
 *
 *   adam: b1 = 1.5 is not allowed; allowed: a finite number with 0 <= b1 < 1
 *
 * Checks run when a transform or schedule is built, before any tensor exists, so a
 * rejected call creates and changes nothing.
 */
import { OptionError, OptionTypeError } from './option-error.js';

/** Bounds of an allowed interval; `integer` additionally requires an integer value. */
export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  /** `min` itself is excluded. */
  readonly minExclusive?: boolean;
  /** `max` itself is excluded. */
  readonly maxExclusive?: boolean;
  readonly integer?: boolean;
}

/** Human-readable form of a range for parameter `name`, e.g. `0 <= b1 < 1`. */
export function describeRange(name: string, range: NumberRange): string {
  const kind = range.integer ? 'an integer' : 'a finite number';
  const lower = range.min === undefined ? '' : `${range.min} ${range.minExclusive ? '<' : '<='} `;
  const upper = range.max === undefined ? '' : ` ${range.maxExclusive ? '<' : '<='} ${range.max}`;
  return lower === '' && upper === '' ? kind : `${kind} with ${lower}${name}${upper}`;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value !== null && typeof value === 'object') {
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/**
 * Returns `value` if it is a finite number inside `range`; otherwise throws a `RangeError`
 * `"<owner>: <name> = <value> is not allowed; allowed: <range>"`.
 */
export function checkNumber(owner: string, name: string, value: unknown, range: NumberRange = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value)) &&
    (range.min === undefined || (range.minExclusive ? value > range.min : value >= range.min)) &&
    (range.max === undefined || (range.maxExclusive ? value < range.max : value <= range.max));
  if (!ok) throw new OptionError({ owner, option: name, value, allowed: describeRange(name, range) }, show(value));
  return value as number;
}

/** Returns `value` if it is a boolean; otherwise throws a `TypeError` naming it. */
export function checkBoolean(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new OptionTypeError({ owner, option: name, value, allowed: 'true or false' }, show(value));
  return value;
}

/**
 * Rejects option keys the callee does not know (a typo would otherwise be ignored
 * silently), naming the key, its value and the allowed keys:
 *   "<owner>: unknown option '<key>'; allowed options: [a, b]; got <key> = <value>".
 * For a nested options object pass the path in the owner ("scaleByShampoo: momentum").
 * With `required`, a missing options object is an error too.
 */
export function checkKnownOptions(owner: string, options: object | undefined, known: readonly string[], required = false): void {
  if (options === undefined && !required) return;
  const keys = `[${known.join(', ')}]`;
  if (options === null || typeof options !== 'object') {
    throw new OptionTypeError({ owner, option: 'options', value: options, allowed: `an object with keys ${keys}` }, show(options));
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const value = (options as Record<string, unknown>)[key];
      throw new OptionTypeError({ owner, option: key, value, allowed: `one of the options ${keys}` }, show(value),
        `${owner}: unknown option '${key}'; allowed options: ${keys}; got ${key} = ${show(value)}`);
    }
  }
}

/** A value as invalidParameter prints it: numbers as written (-0 too), other values as JSON. */
function showAsJson(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Throws an OptionError for what a range cannot describe (Infinity or -1 as a sentinel, a
 * choice among strings, an object): "<owner>: <name> = <value> is not allowed; allowed: <allowed>".
 */
export function invalidParameter(owner: string, name: string, value: unknown, allowed: string): never {
  throw new OptionError({ owner, option: name, value, allowed }, showAsJson(value));
}

/**
 * Throws an OptionTypeError for a value of the wrong type (an options object that is not one,
 * a callback that is not a function): "<owner>: <name> = <shown> is not allowed; allowed:
 * <allowed>", the value shown as String(value) unless `shown` is given.
 */
export function invalidType(owner: string, name: string, value: unknown, allowed: string, shown: string = String(value)): never {
  throw new OptionTypeError({ owner, option: name, value, allowed }, shown);
}

/** Returns `value` if it is a non-NaN number for which `ok` holds; otherwise throws invalidParameter's error. */
export function checkWith(owner: string, name: string, value: unknown, ok: (v: number) => boolean, allowed: string): number {
  if (typeof value !== 'number' || Number.isNaN(value) || !ok(value)) invalidParameter(owner, name, value, allowed);
  return value;
}
